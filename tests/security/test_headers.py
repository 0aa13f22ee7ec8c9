"""Security headers on real responses: CSP without unsafe-inline, framing denied, no version leaks."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/verify/", "/no-such-page/"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Server" not in response
    assert "X-Powered-By" not in response


def test_pages_have_no_inline_script_or_style(learner_client, user, sample_course):
    from courses import services
    from courses.models import Pathway

    pathway = Pathway.objects.get(course=sample_course, slug="taxi-drivers")
    services.enrolment_create(learner=user, pathway=pathway)
    pages = [
        "/",
        reverse("courses:dashboard"),
        reverse("courses:detail", args=[sample_course.slug]),
        reverse("courses:unit", args=[sample_course.slug, "signs"]),
        reverse("quizzes:take", args=[sample_course.slug, "signs"]),
        reverse("certificates:mine"),
    ]
    for url in pages:
        response = learner_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html, url
        assert " onclick=" not in html and " onload=" not in html, url


def test_production_mode_sets_hsts_secure_cookies_and_redirects_to_https(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    secure = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
