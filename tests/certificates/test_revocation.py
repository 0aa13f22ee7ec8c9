"""A revoked certificate is no dead end: the holder sees the date, the reason and the next step, gets an
email once, the course stops saying "Completed", and may take the course again when staff allow it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from certificates import revocation, services
from certificates.models import Certificate
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import sent_messages
from tests.courses.factories import EnrolmentFactory

MINE = reverse("certificates:mine")
REASON = "The quiz answers were not your own work."


@pytest.fixture
def issued(user):
    enrolment = EnrolmentFactory(learner=user, completed_at=timezone.now(), content_version=1)
    return CertificateFactory(enrolment=enrolment, status=Certificate.Status.ISSUED)


def _revoke(certificate, admin_user, *, retake: bool, capture) -> Certificate:
    with capture(execute=False) as callbacks:
        services.certificate_revoke(
            certificate=certificate, reason=REASON, revoked_by=admin_user, retake_allowed=retake
        )
    assert len(callbacks) == 1  # the email is queued only after the revocation commits
    certificate.refresh_from_db()
    return certificate


def test_the_holder_is_emailed_once_with_the_date_reason_and_next_step(
    issued, admin_user, django_capture_on_commit_callbacks
):
    _revoke(issued, admin_user, retake=False, capture=django_capture_on_commit_callbacks)
    revocation.revocation_email_send(certificate_id=issued.pk)
    revocation.revocation_email_send(certificate_id=issued.pk)  # a redelivered task sends nothing more

    (message,) = [m for m in sent_messages() if "revoked" in m["Subject"]]
    assert message["To"] == issued.learner.email
    assert message["Subject"] == f"Your certificate has been revoked: {issued.course_title}"
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    day = date_format(timezone.localtime(issued.revocation.revoked_at), "j F Y")
    assert f"was revoked on {day}" in body
    assert f"Why: {REASON}" in body
    assert "contact the organisation that asked you to take this training" in body
    assert "http" in body and MINE in body
    issued.revocation.refresh_from_db()
    assert issued.revocation.emailed_at is not None


def test_the_certificates_page_says_when_why_and_what_next(
    learner_client, issued, admin_user, django_capture_on_commit_callbacks
):
    _revoke(issued, admin_user, retake=False, capture=django_capture_on_commit_callbacks)
    html = learner_client.get(MINE).content.decode()
    day = date_format(timezone.localtime(issued.revocation.revoked_at), "j F Y")
    assert f"Revoked</span> on {day}" in html
    assert REASON in html
    assert "if you think this is a mistake, contact the organisation" in html
    assert "Take the course again" not in html
    assert reverse("certificates:renew", args=[issued.code]) not in html
    assert learner_client.post(reverse("certificates:renew", args=[issued.code])).status_code == 400


def test_when_staff_allow_it_the_holder_can_take_the_course_again(
    learner_client, user, issued, admin_user, django_capture_on_commit_callbacks
):
    _revoke(issued, admin_user, retake=True, capture=django_capture_on_commit_callbacks)
    html = learner_client.get(MINE).content.decode()
    assert "you can take the course again" in html
    assert "Take the course again" in html

    response = learner_client.post(reverse("certificates:renew", args=[issued.code]))
    assert response.status_code == 302
    assert user.enrolments.filter(completed_at__isnull=True, course=issued.course).count() == 1
    again = learner_client.post(reverse("certificates:renew", args=[issued.code]))
    assert again.status_code == 400  # one open enrolment is enough


def test_the_course_no_longer_says_completed(
    learner_client, issued, admin_user, django_capture_on_commit_callbacks
):
    dashboard = reverse("courses:dashboard")
    course_page = reverse("courses:detail", args=[issued.course.slug])
    assert "Completed</span>" in learner_client.get(dashboard).content.decode()
    _revoke(issued, admin_user, retake=False, capture=django_capture_on_commit_callbacks)

    html = learner_client.get(dashboard).content.decode()
    assert "Completed</span>" not in html
    assert "Certificate revoked</span> on " in html
    html = learner_client.get(course_page).content.decode()
    assert "You completed this course" not in html
    assert "<strong>Certificate revoked</strong>" in html


def test_the_admin_revokes_with_a_retake_allowed(admin_client, issued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(
            reverse("admin:certificates_revoke", args=[issued.pk]),
            {"reason": REASON, "retake_allowed": "on"},
        )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    assert issued.revocation.retake_allowed is True
    assert issued.revocation.reason == REASON
    assert len(callbacks) == 1
