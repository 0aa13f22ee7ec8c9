"""Every response carries the framing and CSP headers, error pages included: a disallowed Host (a 400 from
CommonMiddleware, before any view), 403, 404, 405, 429 and 500."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def assert_security_headers(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8000@evil", "a" * 300, "exa mple"])
def test_a_disallowed_host_gets_a_400_with_the_security_headers(client, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 400
    assert_security_headers(response)


def test_error_responses_carry_the_security_headers(client, settings):
    settings.VERIFY_RATE_LIMIT = "1/m"
    cases = [
        (client.get("/no-such-page/"), 404),
        (client.delete(reverse("accounts:signup")), 405),
        (Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "a@b.c"}), 403),
    ]
    client.get("/verify/ABCDEFGHJKMNPQRSTVWX/")
    cases.append((client.get("/verify/ABCDEFGHJKMNPQRSTVWX/"), 429))
    for response, status in cases:
        assert response.status_code == status
        assert_security_headers(response)


def test_a_server_error_page_carries_the_security_headers(settings):
    settings.ROOT_URLCONF = "tests.security.error_urls"
    response = Client(raise_request_exception=False).get("/test-only/fails/")
    assert response.status_code == 500
    assert_security_headers(response)
