"""Failed log-ins are throttled per account from one address (django-axes) and per address (the rate
limiter), with a clear page, not a 500."""

import pytest
from django.urls import reverse

from elearning.throttling import client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _login(client, email, password, ip):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def _fail(client, email, ip):
    return client.post(reverse("login"), {"username": email, "password": "wrong-password-1"}, REMOTE_ADDR=ip)


def test_too_many_failures_from_one_ip_locks_that_ip_out(client, user, password, settings):
    # Failures on many accounts from one address: the per-address ceiling (counted by the rate limiter).
    settings.LOGIN_FAILURES_PER_IP = "3/15m"
    for _ in range(2):
        assert _fail(client, f"someone{_}@example.com", "10.0.0.1").status_code == 200
    assert _fail(client, "someone-else@example.com", "10.0.0.1").status_code == 200
    response = _login(client, user.email, password, "10.0.0.1")
    assert response.status_code == 429
    assert "Too many attempts to log in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = _login(client, user.email, password, "10.0.0.2")
    assert other.status_code == 302


def test_too_many_failures_on_one_account_lock_it_from_that_ip_only(client, user, password):
    for _ in range(3):
        _fail(client, user.email, "10.0.1.1")
    assert _login(client, user.email, password, "10.0.1.1").status_code == 429
    assert _login(client, user.email, password, "10.0.2.9").status_code == 302


def test_a_successful_log_in_resets_the_count(client, user, password):
    _fail(client, user.email, "10.0.3.1")
    _fail(client, user.email, "10.0.3.1")
    ok = _login(client, user.email, password, "10.0.3.1")
    assert ok.status_code == 302
    client.logout()
    assert _fail(client, user.email, "10.0.3.1").status_code == 200


def test_client_ip_uses_the_configured_proxy_header(rf, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_HOPS = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1", REMOTE_ADDR="10.0.0.1")
    # The entry our one proxy appended (the rightmost), not the first, which the visitor can write.
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request) == "10.0.0.1"


def test_a_huge_or_differently_cased_username_counts_against_one_account(client, user, password):
    huge = client.post(reverse("login"), {"username": "a" * 5000, "password": "x"}, REMOTE_ADDR="10.3.0.1")
    assert huge.status_code == 200  # found by the fuzz tests on PostgreSQL: was a 500
    for n in range(3):
        _fail(client, user.email.upper() if n % 2 else user.email, "10.3.1.1")
    assert _login(client, user.email, password, "10.3.1.1").status_code == 429
