"""Certificates in the admin: revoke with a required reason (who and when recorded), retry failed issues."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, Revocation
from tests.certificates.factories import CertificateFactory
from tests.elearning.factories import UserFactory
from tests.two_factor import login_verified


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    login_verified(client, admin_user)
    return client


@pytest.fixture
def issued(db):
    certificate = CertificateFactory()
    return services.certificate_issue(certificate_id=certificate.pk)


def revoke_url(certificate: Certificate) -> str:
    return reverse("admin:certificates_revoke", args=[certificate.pk])


def test_change_page_offers_revoke(admin_client, issued):
    response = admin_client.get(reverse("admin:certificates_certificate_change", args=[issued.pk]))
    assert response.status_code == 200
    assert revoke_url(issued) in response.text


def test_revoke_needs_a_reason(admin_client, issued):
    response = admin_client.post(revoke_url(issued), {"reason": "   "})

    assert response.status_code == 400
    # Said at the top of the page, where it is seen, as well as by the field.
    assert '<p class="errornote" role="alert">Give a reason: the holder is told why' in response.text
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED
    assert not Revocation.objects.exists()


def test_revoke_records_who_why_and_when_and_the_public_page_says_revoked(admin_client, admin_user, issued):
    before = timezone.now()

    response = admin_client.post(revoke_url(issued), {"reason": "The holder did not complete it themselves."})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:certificates_certificate_change", args=[issued.pk])
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    revocation = Revocation.objects.get(certificate=issued)
    assert revocation.reason == "The holder did not complete it themselves."
    assert revocation.revoked_by == admin_user
    assert before <= revocation.revoked_at <= timezone.now()
    admin_client.logout()
    page = admin_client.get(reverse("certificates:verify_code", args=[issued.code]))
    assert "This certificate has been revoked" in page.text


def test_staff_who_may_only_view_cannot_revoke(client, issued):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_certificate"))
    login_verified(client, viewer)

    response = client.post(revoke_url(issued), {"reason": "No."})

    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED
    assert not Revocation.objects.exists()


def test_retry_action_requeues_only_failed_certificates(
    admin_client, issued, django_capture_on_commit_callbacks
):
    failed = CertificateFactory(
        status=Certificate.Status.FAILED, failure_reason="SMTPServerDisconnected: down"
    )

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            reverse("admin:certificates_certificate_changelist"),
            {"action": "retry_issue", "_selected_action": [failed.pk, issued.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "1 certificate(s) queued again." in response.text
    failed.refresh_from_db()
    issued.refresh_from_db()
    assert failed.status == Certificate.Status.PENDING
    assert issued.status == Certificate.Status.ISSUED
    queued = [cb.keywords["certificate_id"] for cb in callbacks if getattr(cb, "func", None)]
    assert queued == [failed.pk]


def test_certificates_cannot_be_added_or_deleted_in_the_admin(admin_client, issued):
    assert admin_client.get(reverse("admin:certificates_certificate_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:certificates_certificate_delete", args=[issued.pk])).status_code
        == 403
    )
