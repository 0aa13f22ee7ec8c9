"""Sign-up says nothing about which addresses have accounts, is throttled per address and per client
address, and certificate emails wait for a verified address (issue 15, items 4 and 5)."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from certificates import services as certificate_services
from certificates.models import Certificate
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import attachments, sent_messages
from tests.elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def celery_worker_eager():
    """Tasks run in the test's process when queued (the worker-based tests cover the broker)."""
    from elearning.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _form(email):
    return {
        "email": email,
        "certificate_name": "Sam Person",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
    }


def _sign_up(client, email, ip="203.0.113.9"):
    return client.post(reverse("accounts:signup"), _form(email), REMOTE_ADDR=ip)


def test_a_new_and_an_existing_address_get_the_same_answer(client):
    UserFactory(email="taken@example.com")
    new = _sign_up(client, "fresh@example.com")
    taken = _sign_up(client, "TAKEN@example.com")
    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    assert new["Location"] == reverse("accounts:signup_sent")
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(email="taken@example.com").count() == 1
    subjects = {m["To"]: m["Subject"] for m in sent_messages()}
    assert subjects["taken@example.com"] == "Someone tried to sign up with your email address"
    assert subjects["fresh@example.com"].startswith("Confirm your email address")


def test_sign_up_is_throttled_per_email_address(client, settings):
    settings.SIGN_UP_RATE_PER_EMAIL = "3/h"
    UserFactory(email="target@example.com")
    statuses = [_sign_up(client, "target@example.com", ip=f"198.51.100.{n}").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(sent_messages()) == 3  # the owner's inbox is not flooded


def test_sign_up_is_throttled_per_client_address(client, settings):
    settings.SIGN_UP_RATE_PER_IP = "5/h"
    statuses = [_sign_up(client, f"probe{n}@example.com").status_code for n in range(8)]
    assert statuses[:5] == [302] * 5 and set(statuses[5:]) == {429}
    assert User.objects.count() == 5
    assert _sign_up(client, "another@example.com", ip="192.0.2.77").status_code == 302


def _verification_path(address):
    message = next(m for m in sent_messages() if m["To"] == address and "Confirm" in m["Subject"])
    body = message.get_payload(decode=True).decode()
    return urlsplit(re.search(r"https?://\S+/accounts/verify-email/\S+/", body).group(0)).path


def _issued_for(user):
    certificate = CertificateFactory(learner=user, enrolment__learner=user, status=Certificate.Status.PENDING)
    return certificate_services.certificate_issue(certificate_id=certificate.pk)


def test_the_certificate_is_issued_but_its_email_waits_for_the_verified_address(
    client, django_capture_on_commit_callbacks, celery_worker_eager
):
    _sign_up(client, "learner.new@example.com")
    user = User.objects.get(email="learner.new@example.com")
    certificate = _issued_for(user)
    assert certificate.status == Certificate.Status.ISSUED and certificate.pdf
    assert certificate.emailed_at is None
    assert client.get(reverse("certificates:verify_code", args=[certificate.code])).status_code == 200
    assert not [m for m in sent_messages() if attachments(m)]

    with django_capture_on_commit_callbacks(execute=True):
        followed = client.get(_verification_path(user.email))
    assert followed.status_code == 302
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None
    with_pdf = [m for m in sent_messages() if attachments(m)]
    assert len(with_pdf) == 1 and with_pdf[0]["To"] == user.email
    # Following the link again, or another run of the email task, sends nothing more.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(_verification_path(user.email)).status_code == 302
    certificate_services.certificate_email_send(certificate_id=certificate.pk)
    assert len([m for m in sent_messages() if attachments(m)]) == 1


def test_a_forged_or_tampered_verification_link_changes_nothing(client):
    _sign_up(client, "learner.x@example.com")
    path = _verification_path("learner.x@example.com")
    for bad in (path[:-3] + "xx/", "/accounts/verify-email/not-a-token/"):
        assert client.get(bad).status_code == 404
    assert User.objects.get(email="learner.x@example.com").email_verified_at is None


def test_a_verified_address_gets_the_certificate_at_once():
    user = UserFactory(email_verified_at=timezone.now())
    certificate = _issued_for(user)
    assert certificate.emailed_at is not None
    assert len([m for m in sent_messages() if attachments(m)]) == 1


def test_the_sweeper_sends_a_waiting_email_whose_message_was_lost(celery_worker_eager):
    user = UserFactory(email_verified_at=None)
    certificate = _issued_for(user)
    assert certificate.emailed_at is None
    User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())  # verified, message lost
    Certificate.objects.filter(pk=certificate.pk).update(
        enqueued_at=timezone.now() - timezone.timedelta(hours=1)
    )
    certificate_services.certificate_sweep_pending()
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None
