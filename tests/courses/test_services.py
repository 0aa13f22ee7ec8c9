"""courses.services: enrolment, unit visits and unit completion, against the real database."""

from __future__ import annotations

import pytest

from courses import services
from courses.models import Enrolment, UnitProgress
from courses.signals import enrolment_completed
from tests.courses.factories import CourseFactory, EnrolmentFactory, PathwayFactory, UnitFactory


@pytest.fixture
def course(db):
    course = CourseFactory(version=4)
    for order in (1, 2, 3):
        UnitFactory(course=course, order=order)
    return course


@pytest.fixture
def taxi(course):
    return PathwayFactory(course=course, slug="taxi-drivers")


@pytest.fixture
def foster(course):
    return PathwayFactory(course=course, slug="foster-carers")


@pytest.fixture
def completions():
    """Every enrolment_completed signal sent while the test runs."""
    sent = []

    def receiver(sender, enrolment, **kwargs):
        sent.append(enrolment.pk)

    enrolment_completed.connect(receiver, dispatch_uid="tests.courses.completions")
    yield sent
    enrolment_completed.disconnect(dispatch_uid="tests.courses.completions")


def units(course):
    return list(course.units.order_by("order"))


# enrolment_create -------------------------------------------------------------------------------------


def test_enrolment_create_enrols_the_learner_on_the_pathway(user, taxi):
    enrolment = services.enrolment_create(learner=user, pathway=taxi)

    stored = Enrolment.objects.get()
    assert stored == enrolment
    assert (stored.learner, stored.course, stored.pathway) == (user, taxi.course, taxi)
    assert stored.completed_at is None and stored.content_version is None


def test_enrolment_create_twice_returns_the_same_open_enrolment(user, taxi):
    first = services.enrolment_create(learner=user, pathway=taxi)
    second = services.enrolment_create(learner=user, pathway=taxi)

    assert second.pk == first.pk
    assert Enrolment.objects.count() == 1


def test_enrolments_are_per_learner(user, other_user, taxi):
    mine = services.enrolment_create(learner=user, pathway=taxi)
    theirs = services.enrolment_create(learner=other_user, pathway=taxi)

    assert mine.pk != theirs.pk
    assert Enrolment.objects.count() == 2


def test_switching_pathway_before_any_progress_moves_the_enrolment(user, taxi, foster):
    first = services.enrolment_create(learner=user, pathway=taxi)

    switched = services.enrolment_create(learner=user, pathway=foster)

    assert switched.pk == first.pk
    assert Enrolment.objects.get().pathway == foster


def test_switching_pathway_after_progress_keeps_the_pathway(user, course, taxi, foster):
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    services.unit_complete(enrolment=enrolment, unit=units(course)[0])

    again = services.enrolment_create(learner=user, pathway=foster)

    assert again.pk == enrolment.pk
    assert again.pathway == taxi
    assert Enrolment.objects.get().pathway == taxi


def test_a_completed_enrolment_is_kept_and_a_new_one_opened(user, course, taxi):
    first = services.enrolment_create(learner=user, pathway=taxi)
    for unit in units(course):
        services.unit_complete(enrolment=first, unit=unit)

    renewal = services.enrolment_create(learner=user, pathway=taxi)

    assert renewal.pk != first.pk
    assert renewal.completed_at is None
    assert Enrolment.objects.filter(completed_at__isnull=False).get() == first


# unit_visit -------------------------------------------------------------------------------------------


def test_unit_visit_remembers_the_last_unit(user, course, taxi):
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    first, second, _ = units(course)

    services.unit_visit(enrolment=enrolment, unit=second)
    services.unit_visit(enrolment=enrolment, unit=first)

    enrolment.refresh_from_db()
    assert enrolment.last_unit == first


# unit_complete ----------------------------------------------------------------------------------------


def test_unit_complete_records_progress(user, course, taxi):
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    unit = units(course)[1]

    progress = services.unit_complete(enrolment=enrolment, unit=unit)

    assert UnitProgress.objects.get() == progress
    assert (progress.enrolment_id, progress.unit_id) == (enrolment.pk, unit.pk)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None


def test_unit_complete_is_idempotent(user, course, taxi):
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    unit = units(course)[0]

    first = services.unit_complete(enrolment=enrolment, unit=unit)
    second = services.unit_complete(enrolment=enrolment, unit=unit)

    assert second.pk == first.pk
    assert second.completed_at == first.completed_at
    assert UnitProgress.objects.count() == 1


def test_completing_the_last_unit_completes_the_enrolment(user, course, taxi, completions):
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    first, second, third = units(course)
    services.unit_complete(enrolment=enrolment, unit=third)
    services.unit_complete(enrolment=enrolment, unit=first)
    assert completions == []
    assert Enrolment.objects.get().completed_at is None

    services.unit_complete(enrolment=enrolment, unit=second)

    stored = Enrolment.objects.get()
    assert stored.completed_at is not None
    assert stored.content_version == 4
    # The caller's object is brought up to date too.
    assert (enrolment.completed_at, enrolment.content_version) == (stored.completed_at, 4)
    assert completions == [enrolment.pk]


def test_completion_signal_fires_exactly_once_whatever_is_completed_again(user, course, taxi, completions):
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    for unit in units(course):
        services.unit_complete(enrolment=enrolment, unit=unit)
    completed_at = Enrolment.objects.get().completed_at

    for unit in units(course) + units(course)[::-1]:
        services.unit_complete(enrolment=enrolment, unit=unit)
    # A fresh copy of the enrolment (say, another request) must not send it either.
    services.unit_complete(enrolment=Enrolment.objects.get(), unit=units(course)[-1])

    assert completions == [enrolment.pk]
    assert Enrolment.objects.get().completed_at == completed_at
    assert UnitProgress.objects.count() == 3


def test_completion_uses_the_course_version_at_completion(user, course, taxi):
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    first, second, third = units(course)
    services.unit_complete(enrolment=enrolment, unit=first)
    course.version = 5
    course.save(update_fields=["version"])

    services.unit_complete(enrolment=enrolment, unit=second)
    services.unit_complete(enrolment=enrolment, unit=third)

    assert Enrolment.objects.get().content_version == 5


def test_a_unit_from_another_course_is_refused(user, course, taxi, completions):
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    stranger = UnitFactory(course=CourseFactory(), order=1)

    with pytest.raises(services.UnitNotInPathway):
        services.unit_complete(enrolment=enrolment, unit=stranger)

    assert UnitProgress.objects.count() == 0
    assert completions == []


def test_another_learners_progress_does_not_complete_mine(user, other_user, course, taxi):
    mine = services.enrolment_create(learner=user, pathway=taxi)
    theirs = EnrolmentFactory(learner=other_user, pathway=taxi)
    first, second, third = units(course)
    for unit in (first, second, third):
        services.unit_complete(enrolment=theirs, unit=unit)

    services.unit_complete(enrolment=mine, unit=first)

    mine.refresh_from_db()
    assert mine.completed_at is None
    assert UnitProgress.objects.filter(enrolment=mine).count() == 1
