"""Shared connections (a school staff room, a hotel back office, a taxi office): one person's wrong passwords
lock only their account from that connection; a higher ceiling stops one connection trying many accounts; the
form says how many tries are left; a password reset by email lifts the lock."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Dozens of log-ins per test: a cheap hasher keeps the suite quick (hashing is not what is tested)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


STAFF_ROOM = "203.0.113.40"
PROXY = "10.9.9.9"


@pytest.fixture(autouse=True)
def _behind_a_proxy(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_HOPS = 1
    settings.AXES_FAILURE_LIMIT = 10
    settings.LOGIN_FAILURES_PER_IP = "50/15m"


def _post(client, email, password, address=STAFF_ROOM):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_ten_wrong_passwords_for_one_account_do_not_lock_out_a_colleague_on_the_same_wifi(
    client, user, other_user, password
):
    for _ in range(10):
        _post(client, user.email, "wrong-password-1")
    assert _post(client, user.email, password).status_code == 429
    colleague = _post(client, other_user.email, password)
    assert colleague.status_code == 302
    assert client.session["_auth_user_id"] == str(other_user.pk)


def test_nobody_can_lock_a_named_account_from_other_addresses(client, user, password):
    for n in range(10):
        _post(client, user.email, "wrong-password-1", address=f"198.51.100.{n}")
    assert _post(client, user.email, password, address="192.0.2.50").status_code == 302


def test_one_connection_trying_many_accounts_reaches_the_higher_ceiling(client, user, password, settings):
    settings.LOGIN_FAILURES_PER_IP = "12/15m"
    for n in range(12):
        assert _post(client, f"guess{n}@example.com", "wrong-password-1").status_code == 200
    paused = _post(client, user.email, password)
    assert paused.status_code == 429
    assert "Too many attempts to log in" in paused.content.decode()
    assert "_auth_user_id" not in client.session
    assert _post(client, user.email, password, address="192.0.2.51").status_code == 302


def test_the_form_says_how_many_tries_are_left(client, user):
    first = _post(client, user.email, "wrong-password-1")
    assert first.status_code == 200
    assert "You have 9 more tries with this email address" in first.content.decode()
    for _ in range(7):
        _post(client, user.email, "wrong-password-1")
    last = _post(client, user.email, "wrong-password-1").content.decode()
    assert "You have 1 more try with this email address" in last
    assert _post(client, user.email, "wrong-password-1").status_code == 429
    # An address with no account gets the same wording: the count says nothing about who has one.
    unknown = _post(client, "nobody@example.com", "wrong-password-1").content.decode()
    assert "You have 9 more tries with this email address" in unknown


def test_resetting_the_password_by_email_lifts_the_lock(client, user):
    for _ in range(10):
        _post(client, user.email, "wrong-password-1")
    assert _post(client, user.email, "a-brand-new-password-7").status_code == 429
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    start = client.get(reverse("password_reset_confirm", args=[uid, token]))
    assert start.status_code == 302  # Django moves the token into the session
    done = client.post(
        start["Location"],
        {"new_password1": "a-brand-new-password-7", "new_password2": "a-brand-new-password-7"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert _post(client, user.email, "a-brand-new-password-7").status_code == 302


def test_the_reset_lifts_only_that_accounts_lock(client, user):
    someone = UserFactory(password="correct-horse-battery-1")
    for _ in range(10):
        _post(client, someone.email, "wrong-password-1")
        _post(client, user.email, "wrong-password-1")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    start = client.get(
        reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    )
    client.post(
        start["Location"],
        {"new_password1": "another-new-password-8", "new_password2": "another-new-password-8"},
    )
    assert _post(client, someone.email, "correct-horse-battery-1").status_code == 429
    assert re.search(r"Too many attempts", _post(client, someone.email, "x").content.decode())
