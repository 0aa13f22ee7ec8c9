"""Fixtures for certificate tests: a small factory-built course, a sample course enrolment, a clean cache."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from certificates.models import Certificate
from courses import services as course_services
from courses.models import Pathway
from tests.certificates.helpers import complete_enrolment
from tests.courses.factories import CourseFactory, PathwayFactory, UnitFactory
from tests.quizzes.factories import QuizFactory, make_single


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user; the real hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """The verification pages are rate limited through the cache: every test starts with a fresh count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def small_course(db):
    """Two units: the first completed by passing its one-question quiz, the second by reading."""
    course = CourseFactory(title="Small course", cpd_minutes=45, validity_months=36)
    pathway = PathwayFactory(course=course, title="Hotel staff")
    quiz_unit = UnitFactory(course=course, order=1, completed_by_quiz=True)
    make_single(QuizFactory(unit=quiz_unit), correct_key="a")
    read_unit = UnitFactory(course=course, order=2)
    return SimpleNamespace(course=course, pathway=pathway, quiz_unit=quiz_unit, read_unit=read_unit)


@pytest.fixture
def small_enrolment(small_course, user):
    return course_services.enrolment_create(learner=user, pathway=small_course.pathway)


@pytest.fixture
def sample_enrolment(sample_course, user):
    """The learner on the sample course's taxi-drivers pathway, nothing done yet."""
    pathway = Pathway.objects.get(course=sample_course, slug="taxi-drivers")
    return course_services.enrolment_create(learner=user, pathway=pathway)


@pytest.fixture
def empty_queue(transactional_db):
    """Messages left on the broker by other tests' commits must not reach this test's worker."""
    from elearning.celery import app

    def purge() -> None:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge("celery")

    purge()
    yield
    purge()


@pytest.fixture
def pending_certificate(sample_enrolment):
    complete_enrolment(sample_enrolment)
    return Certificate.objects.get()
