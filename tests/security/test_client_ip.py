"""One client address for log-in lock-outs and rate limits: REMOTE_ADDR without a proxy; behind N trusted
proxies, the N-th X-Forwarded-For entry from the right (what the visitor wrote themselves is ignored)."""

import pytest
from django.urls import reverse

from elearning.client_ip import client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Dozens of log-ins per test: a cheap hasher keeps the suite quick (hashing is not what is tested)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


PROXY = "10.9.9.9"


@pytest.fixture
def behind_one_proxy(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_HOPS = 1
    settings.AXES_FAILURE_LIMIT = 3


def _login(client, email, password, forwarded):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_proxy_one_visitors_failures_do_not_lock_out_another_visitor(
    client, user, password, behind_one_proxy
):
    for _ in range(3):
        _login(client, user.email, "wrong-password-1", "203.0.113.1")
    locked = _login(client, user.email, password, "203.0.113.1")
    assert locked.status_code == 429
    # The lock is on that visitor's address, not on the proxy that every visitor comes through.
    other = _login(client, user.email, password, "198.51.100.2")
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_visitor_cannot_escape_a_lock_by_writing_their_own_forwarded_for(
    client, user, password, behind_one_proxy
):
    for _ in range(3):
        _login(client, user.email, "wrong-password-1", "203.0.113.1")
    # The proxy appends the address it saw; whatever the visitor sent stands to the left of it.
    spoofed = _login(client, user.email, password, "198.51.100.77, 203.0.113.1")
    assert spoofed.status_code == 429


def test_rotating_forwarded_for_does_not_get_round_the_verification_limit(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_HOPS = 1
    settings.VERIFY_RATE_LIMIT = "30/m"
    statuses = [
        client.get(
            "/verify/ABCDEFGHJKMNPQRSTVWX/",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
        ).status_code
        for n in range(40)
    ]
    assert statuses[:30] == [404] * 30
    assert set(statuses[30:]) == {429}
    # Another visitor behind the same proxy is still served.
    fresh = client.get("/verify/ABCDEFGHJKMNPQRSTVWX/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert fresh.status_code == 404


def test_without_a_trusted_proxy_the_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    settings.VERIFY_RATE_LIMIT = "5/m"
    statuses = [
        client.get(
            "/verify/ABCDEFGHJKMNPQRSTVWX/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        ).status_code
        for n in range(7)
    ]
    assert statuses[5:] == [429, 429]


@pytest.mark.parametrize("forwarded", ["not-an-address", "1.2.3.4:80", "", ",,,", "\x00", "9" * 5000])
def test_a_malformed_forwarded_for_counts_as_the_proxy_and_is_never_a_500(client, settings, user, forwarded):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_HOPS = 1
    page = client.get("/verify/ABCDEFGHJKMNPQRSTVWX/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert page.status_code == 404
    login = _login(client, user.email, "wrong-password-1", forwarded)
    assert login.status_code == 200


def test_client_ip_counts_trusted_hops_from_the_right(rf, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.2", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_HOPS = 4  # fewer entries than proxies: not through them all, so REMOTE_ADDR
    assert client_ip(request) == "10.0.0.1"
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(rf.get("/", HTTP_X_REAL_IP="2001:db8::1", REMOTE_ADDR="10.0.0.1")) == "2001:db8::1"
