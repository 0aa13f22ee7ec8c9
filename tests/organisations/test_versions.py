"""Managers see who holds a certificate earned on an older major version of the course."""

import datetime as dt

import pytest
from django.urls import reverse

from certificates.models import Certificate
from organisations import selectors, services
from organisations.models import ExpiryReminder
from tests.certificates.factories import CertificateFactory

from .helpers import member_in_state

pytestmark = pytest.mark.django_db


def test_members_on_an_older_major_are_marked_on_the_dashboard(manager_client, organisation, course):
    old = member_in_state(organisation, course, "valid", certificate_name="Person on one")
    current = member_in_state(organisation, course, "valid", certificate_name="Person on two")
    Certificate.objects.filter(learner=current.user).update(version_major=2, version_minor=1)
    course.course.version_major = 2
    course.course.save(update_fields=["version_major"])

    rows = {m.pk: m for m in selectors.member_list(organisation=organisation)}
    assert (rows[old.pk].on_old_version, rows[current.pk].on_old_version) == (True, False)

    html = manager_client.get(reverse("organisations:dashboard", args=[organisation.pk])).content.decode()
    assert html.count("the course has changed since (refresher due)") == 1
    assert "Trained on version 1.0" in html


def test_a_minor_release_marks_nobody(organisation, course):
    member = member_in_state(organisation, course, "valid")
    course.course.version_minor = 3
    course.course.save(update_fields=["version_minor"])

    assert selectors.member_list(organisation=organisation).get(pk=member.pk).on_old_version is False


def test_a_refresher_certificate_replaces_the_one_it_renewed_for_expiry_reminders(today):
    """It keeps the renewed one's expiry date: only it, the newer version, is reminded about."""
    expires_on = today + dt.timedelta(days=30)
    old = CertificateFactory(status=Certificate.Status.ISSUED, expires_on=expires_on, issued_on=today)
    renewed = CertificateFactory(
        status=Certificate.Status.ISSUED,
        expires_on=expires_on,
        issued_on=today,
        version_major=2,
        learner=old.learner,
        enrolment__learner=old.learner,
        enrolment__pathway=old.pathway,
    )

    services.expiry_reminders_send(today=today)

    assert set(ExpiryReminder.objects.values_list("certificate_id", flat=True)) == {renewed.pk}


def test_an_expired_certificate_on_an_older_major_is_not_marked_refresher_due(organisation, course):
    """An expired holder needs the whole course again, not a refresher (review 26 item 12)."""
    member = member_in_state(organisation, course, "expired")
    course.course.version_major = 2
    course.course.save(update_fields=["version_major"])

    row = selectors.member_list(organisation=organisation).get(pk=member.pk)
    assert (row.status, row.on_old_version) == ("expired", False)
