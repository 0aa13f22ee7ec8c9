"""Fixtures for organisation tests: an organisation with a manager and a learner, another organisation with
its own manager, a small two-unit course, and a fast bulk builder for hundreds of members."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from organisations.models import Membership, Organisation
from tests.courses.factories import CourseFactory, PathwayFactory, UnitFactory
from tests.elearning.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.two_factor import login_verified

from .helpers import PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Many users per test: a fast hasher keeps the directory quick (hashing strength is not tested here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(db) -> Organisation:
    return OrganisationFactory(name="Cardiff Fostering", kind=Organisation.Kind.FOSTERING)


@pytest.fixture
def manager(organisation):
    user = UserFactory(password=PASSWORD, certificate_name="Mona Manager")
    MembershipFactory(organisation=organisation, user=user, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def manager_client(client, manager):
    return login_verified(client, manager)  # managers pass two-step verification before member data


@pytest.fixture
def learner(organisation):
    user = UserFactory(password=PASSWORD, certificate_name="Lee Learner")
    MembershipFactory(organisation=organisation, user=user)
    return user


@pytest.fixture
def other_organisation(db) -> Organisation:
    return OrganisationFactory(name="Swansea Hotels", kind=Organisation.Kind.HOSPITALITY)


@pytest.fixture
def other_manager(other_organisation):
    user = UserFactory(password=PASSWORD, certificate_name="Olly Other")
    MembershipFactory(organisation=other_organisation, user=user, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def course(db):
    """Two read-only units (no quizzes), so progress is made with courses.services.unit_complete."""
    course = CourseFactory(title="CSE awareness", slug="cse-awareness", validity_months=36)
    pathway = PathwayFactory(course=course, title="Foster carers", slug="foster-carers")
    taxi = PathwayFactory(course=course, title="Taxi drivers", slug="taxi-drivers")
    units = [UnitFactory(course=course, order=1), UnitFactory(course=course, order=2)]
    return SimpleNamespace(course=course, pathway=pathway, taxi=taxi, units=units)


@pytest.fixture
def quiz_course(db):
    """Two units: the first completed by passing its one-question quiz, the second by reading."""
    from tests.quizzes.factories import QuizFactory, make_single

    course = CourseFactory(title="Quiz course")
    pathway = PathwayFactory(course=course, title="Hotel staff")
    quiz_unit = UnitFactory(course=course, order=1, completed_by_quiz=True)
    question = make_single(QuizFactory(unit=quiz_unit), correct_key="a")
    UnitFactory(course=course, order=2)
    return SimpleNamespace(course=course, pathway=pathway, quiz_unit=quiz_unit, question=question)


@pytest.fixture
def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
