"""A refresher renews a valid certificate: when that certificate is revoked or expires part-way, the
refresher becomes the whole course (review 26 item 2), never a certificate after only the changed units."""

from __future__ import annotations

import datetime as dt

import pytest

from certificates import services, version_notices
from certificates.models import Certificate
from courses import services as course_services
from courses.models import CourseRelease, Enrolment, Pathway, Unit
from tests.certificates.helpers import complete_enrolment, pass_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def refresher(sample_course, user) -> Enrolment:
    """A holder on 1.0 who started the refresher of 2.0 (which changed "pass-it-on" only)."""
    pathway = Pathway.objects.get(slug="taxi-drivers")
    complete_enrolment(course_services.enrolment_create(learner=user, pathway=pathway))
    Certificate.objects.update(status=Certificate.Status.ISSUED)
    CourseRelease.objects.create(
        course=sample_course,
        major=2,
        released_on=dt.date.today(),
        what_changed="The Hub has a new number.",
        changed_units=["pass-it-on"],
    )
    sample_course.version_major = 2
    sample_course.save(update_fields=["version_major"])
    old = Certificate.objects.get()
    enrolment = course_services.enrolment_create_refresher(
        learner=user, pathway=pathway, refreshes=old.enrolment, from_major=1
    )
    assert enrolment.unit_progress.filter(carried_over=True).count() == 2
    return enrolment


def _certificates_on_two():
    return Certificate.objects.filter(version_major=2)


def test_revoking_the_certificate_makes_its_open_refresher_the_whole_course(refresher):
    services.certificate_revoke(
        certificate=Certificate.objects.get(), reason="Issued in error", revoked_by=None
    )

    refresher.refresh_from_db()
    assert refresher.refreshes_id is None and not refresher.unit_progress.exists()
    pass_quiz(enrolment=refresher, unit=Unit.objects.get(slug="pass-it-on"))
    refresher.refresh_from_db()
    assert refresher.completed_at is None and not _certificates_on_two().exists()


def test_a_certificate_that_expired_part_way_gives_no_certificate_after_only_the_changed_units(refresher):
    Certificate.objects.update(expires_on=dt.date.today() - dt.timedelta(days=1))

    pass_quiz(enrolment=refresher, unit=Unit.objects.get(slug="pass-it-on"))

    refresher.refresh_from_db()
    assert refresher.completed_at is None and not _certificates_on_two().exists()
    assert "The certificate this refresher renews" in " ".join(
        course_services.enrolment_completion_blockers(enrolment=refresher)
    )
    # The sweeper turns it into the whole course; then finishing every unit renews for the full term.
    assert version_notices.refreshers_without_valid_certificate_reopen() == [refresher.pk]
    refresher.refresh_from_db()
    assert refresher.refreshes_id is None and not refresher.unit_progress.filter(carried_over=True).exists()
    complete_enrolment(refresher)
    renewed = _certificates_on_two().get()
    assert renewed.expires_on == services.add_months(renewed.issued_on, refresher.course.validity_months)


def test_a_refresher_of_a_valid_certificate_is_left_alone(refresher):
    assert version_notices.refreshers_without_valid_certificate_reopen() == []
    assert refresher.unit_progress.filter(carried_over=True).count() == 2
    assert course_services.enrolment_completion_blockers(enrolment=refresher) == [
        "1 unit(s) are not complete.",
        "1 unit quiz(zes) have not been passed.",
    ]
