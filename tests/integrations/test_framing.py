"""Framing is allowed only for sessions begun by an LMS launch, only by that LMS, and only their cookies get
SameSite=None (over HTTPS)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from integrations.framing import SESSION_KEY

pytestmark = pytest.mark.django_db


def _framed_client(user, origin: str, **extra) -> Client:
    client = Client(**extra)
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = origin
    session.save()
    return client


def test_a_launched_session_may_be_framed_by_its_lms_only(user):
    response = _framed_client(user, "https://lms.example.org").get(reverse("courses:dashboard"))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors 'self' https://lms.example.org" in response["Content-Security-Policy"]


def test_every_other_session_keeps_deny(learner_client, client):
    for c in (learner_client, client):
        response = c.get(reverse("home"))
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_only_framed_sessions_get_samesite_none_and_only_over_https(user, password, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    framed = _framed_client(user, "https://lms.example.org", HTTP_X_FORWARDED_PROTO="https")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = framed.get(reverse("accounts:profile"), secure=True)
    assert response.status_code == 200
    cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
    assert cookie is not None and cookie["samesite"] == "None" and cookie["secure"]
    # a normal log-in over HTTPS: Lax
    plain = Client()
    answer = plain.post(reverse("login"), {"username": user.email, "password": password}, secure=True)
    assert answer.status_code == 302
    assert plain.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == "Lax"
    # a framed session over plain HTTP: never SameSite=None (browsers refuse it without Secure)
    insecure = _framed_client(user, "http://lms.example.org")
    response = insecure.get(reverse("accounts:profile"))
    csrf = response.cookies.get(settings.CSRF_COOKIE_NAME)
    assert csrf is None or csrf["samesite"] != "None"
