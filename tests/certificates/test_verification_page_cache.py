"""Issue 20: a verification page is served as rendered (elearning.page_cache) for the same language and the
same values shown. A checker must never see an old answer: revoked, expired, corrected or newly released
is shown on the very next request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from courses.models import CourseRelease
from elearning import page_cache
from tests.certificates.factories import RevocationFactory
from tests.certificates.test_views import issue, verify_url

pytestmark = pytest.mark.django_db


def _page(client, code: str, **headers):
    response = client.get(verify_url(code), **headers)
    return response.status_code, response.content.decode()


def test_the_same_page_again_is_the_same_bytes_for_one_plain_statement(client):
    certificate = issue(holder_name="Siân Evans")
    first = _page(client, certificate.code)
    with CaptureQueriesContext(connection) as queries:
        second = _page(client, certificate.code)
    assert second == first and first[0] == 200 and "Siân Evans" in first[1]
    # The certificate, its revocation and its releases, written out: what the key is made of.
    (statement,) = queries.captured_queries
    assert statement["sql"].startswith('SELECT c."status", c."holder_removed_at", c."code"')
    assert page_cache.size() == 1


def test_a_revocation_is_shown_on_the_next_request(client):
    certificate = issue()
    assert "This certificate is valid" in _page(client, certificate.code)[1]
    RevocationFactory(certificate=certificate, revoked_at=timezone.now())
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)
    status, html = _page(client, certificate.code)
    assert status == 200 and "This certificate has been revoked" in html


def test_expiry_a_corrected_name_and_a_newer_release_are_shown_at_once(client):
    certificate = issue(holder_name="Old Name")
    _page(client, certificate.code)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=yesterday, holder_name="New Name")
    html = _page(client, certificate.code)[1]
    assert "This certificate has expired" in html and "New Name" in html and "Old Name" not in html
    CourseRelease.objects.create(
        course=certificate.course, major=certificate.version_major + 1, released_on=timezone.localdate()
    )
    assert "A newer version with material changes" in _page(client, certificate.code)[1]


def test_english_and_welsh_are_kept_apart_and_an_unknown_code_is_a_404(client):
    certificate = issue()
    english = _page(client, certificate.code)
    welsh = _page(client, certificate.code, HTTP_ACCEPT_LANGUAGE="cy")
    assert '<html lang="cy">' in welsh[1] and '<html lang="en">' in english[1]
    assert _page(client, certificate.code) == english
    unknown = services.new_code()
    assert _page(client, unknown)[0] == 404 == _page(client, unknown)[0]


def test_a_query_string_is_part_of_the_key_as_the_language_link_carries_it(client):
    certificate = issue()
    _page(client, certificate.code)
    response = client.get(verify_url(certificate.code), {"from": "qr"})
    assert "%3Ffrom%3Dqr" in response.content.decode()


def test_a_certificate_expiring_today_shows_expired_tomorrow_with_no_change_to_its_row(client, monkeypatch):
    today = timezone.localdate()
    certificate = issue()
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=today)
    assert "This certificate is valid" in _page(client, certificate.code)[1]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + dt.timedelta(days=1))
    assert "This certificate has expired" in _page(client, certificate.code)[1]


def test_a_pending_certificate_once_issued_and_a_removed_holder_are_shown_at_once(client):
    certificate = issue(holder_name="Siân Evans")
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.PENDING)
    assert _page(client, certificate.code)[0] == 404  # not yet anything to check
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.ISSUED)
    status, html = _page(client, certificate.code)
    assert status == 200 and "Siân Evans" in html
    Certificate.objects.filter(pk=certificate.pk).update(holder_removed_at=timezone.now())
    assert "Siân Evans" not in _page(client, certificate.code)[1]
