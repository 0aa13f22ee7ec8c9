"""Learner certificate pages (list, download) and the public verification pages: content, access,
noindex, throttling and pinned query counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django_ratelimit.core import get_usage

from certificates import services
from certificates.models import Certificate
from tests.certificates.factories import CertificateFactory, RevocationFactory
from tests.certificates.helpers import pdf_files
from tests.courses.factories import EnrolmentFactory

VERIFY = reverse("certificates:verify")
MINE = reverse("certificates:mine")


def verify_url(code: str) -> str:
    return reverse("certificates:verify_code", args=[code])


def download_url(code: str) -> str:
    return reverse("certificates:download", args=[code])


def long_date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def issue(**kwargs) -> Certificate:
    certificate = CertificateFactory(**kwargs)
    services.certificate_issue(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate


def for_learner(user, **kwargs) -> dict:
    return {
        "enrolment": EnrolmentFactory(learner=user, completed_at=timezone.now(), content_version=1),
        **kwargs,
    }


# My certificates -------------------------------------------------------------------------------------


def test_my_certificates_needs_login(client, db):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_pending_certificate_is_being_prepared_and_the_page_refreshes_itself(learner_client, user):
    certificate = CertificateFactory(**for_learner(user))

    response = learner_client.get(MINE)

    assert response.status_code == 200
    assert "Your certificate is being prepared" in response.text
    assert "data-refresh-seconds=" in response.text
    assert download_url(certificate.code) not in response.text
    assert certificate.display_code not in response.text


def test_issued_certificate_has_download_and_verification_links(learner_client, user, settings):
    settings.SITE_URL = "https://training.example.org"
    certificate = issue(**for_learner(user))

    response = learner_client.get(MINE)

    assert response.status_code == 200
    assert "data-refresh-seconds" not in response.text
    assert "being prepared" not in response.text
    assert f'href="{download_url(certificate.code)}"' in response.text
    assert f'href="{verify_url(certificate.code)}"' in response.text
    assert f"https://training.example.org/verify/{certificate.code}/" in response.text
    assert certificate.display_code in response.text
    assert "Valid" in response.text


def test_failed_certificate_says_it_is_delayed_without_a_code(learner_client, user):
    certificate = CertificateFactory(
        **for_learner(user), status=Certificate.Status.FAILED, failure_reason="SMTP"
    )

    response = learner_client.get(MINE)

    assert "Delayed" in response.text
    assert "SMTP" not in response.text  # the reason is for the admin
    assert certificate.display_code not in response.text
    assert "data-refresh-seconds" not in response.text


def test_an_expired_certificate_offers_renewal_and_a_fresh_one_does_not(learner_client, user):
    expired = CertificateFactory(**for_learner(user), status=Certificate.Status.ISSUED, expired=True)
    fresh = CertificateFactory(**for_learner(user), status=Certificate.Status.ISSUED)

    response = learner_client.get(MINE)

    assert response.status_code == 200
    assert reverse("certificates:renew", args=[expired.code]) in response.text
    assert reverse("certificates:renew", args=[fresh.code]) not in response.text
    assert "This certificate has expired." in response.text


def test_renew_is_offered_once_an_enrolment_is_open_and_only_on_the_newest(learner_client, user):
    expired = CertificateFactory(**for_learner(user), status=Certificate.Status.ISSUED, expired=True)
    response = learner_client.post(reverse("certificates:renew", args=[expired.code]))
    assert response.status_code == 302

    response = learner_client.get(MINE)
    assert reverse("certificates:renew", args=[expired.code]) not in response.text
    again = learner_client.post(reverse("certificates:renew", args=[expired.code]))
    assert again.status_code == 400
    assert user.enrolments.filter(completed_at__isnull=True).count() == 1


def test_my_certificates_lists_only_my_own(learner_client, user, other_user):
    mine = CertificateFactory(**for_learner(user), course_title="My course")
    CertificateFactory(**for_learner(other_user), course_title="Their course")

    response = learner_client.get(MINE)

    assert "My course" in response.text
    assert "Their course" not in response.text
    assert [row["certificate"].pk for row in response.context["rows"]] == [mine.pk]


def test_my_certificates_without_any(learner_client):
    response = learner_client.get(MINE)
    assert "You do not have any certificates yet" in response.text


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _add_mixed_certificates(user, n: int) -> None:
    for _ in range(n):
        CertificateFactory(**for_learner(user), status=Certificate.Status.ISSUED)
        CertificateFactory(**for_learner(user), status=Certificate.Status.PENDING)
        CertificateFactory(**for_learner(user), status=Certificate.Status.ISSUED, expired=True)
        RevocationFactory(
            certificate=CertificateFactory(**for_learner(user), status=Certificate.Status.REVOKED)
        )


def test_my_certificates_query_count_does_not_grow_with_certificates(
    learner_client, user, django_assert_max_num_queries
):
    _add_mixed_certificates(user, 3)
    with_12 = _count_queries(learner_client, MINE)
    _add_mixed_certificates(user, 3)
    with_24 = _count_queries(learner_client, MINE)

    assert with_12 == with_24
    with django_assert_max_num_queries(4):  # session, user, certificates with their courses, open enrolments
        response = learner_client.get(MINE)
    assert len(response.context["rows"]) == 24


# Download ---------------------------------------------------------------------------------------------


@pytest.fixture
def issued_mine(user) -> Certificate:
    return issue(**for_learner(user))


def test_owner_downloads_the_stored_pdf(learner_client, issued_mine):
    response = learner_client.get(download_url(issued_mine.code))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="certificate-{issued_mine.code}.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == pdf_files()[0].read_bytes()
    assert hashlib.sha256(body).hexdigest() == issued_mine.pdf_sha256


def test_another_learner_gets_404_for_my_pdf(client, other_user, issued_mine):
    client.force_login(other_user)
    assert client.get(download_url(issued_mine.code)).status_code == 404


def test_anonymous_download_goes_to_login(client, issued_mine):
    response = client.get(download_url(issued_mine.code))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "status", [Certificate.Status.PENDING, Certificate.Status.FAILED, Certificate.Status.REVOKED]
)
def test_download_of_a_certificate_not_ready_or_revoked_is_404(learner_client, user, status):
    certificate = CertificateFactory(**for_learner(user), status=status)
    assert learner_client.get(download_url(certificate.code)).status_code == 404


def test_download_of_an_unknown_code_is_404(learner_client):
    assert learner_client.get(download_url(services.new_code())).status_code == 404


# Verification form ------------------------------------------------------------------------------------


def _assert_noindex(response) -> None:
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text


def test_verify_form_page(client, db):
    response = client.get(VERIFY)
    assert response.status_code == 200
    assert 'name="code"' in response.text
    assert "There is a problem" not in response.text
    _assert_noindex(response)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the certificate code"),
        ("   ", "Enter the certificate code"),
        ("ABC-123", "Enter the 20-character code shown on the certificate"),
        ("7K3M-Q9TX-2HRB-W4PD-A1CE-XXXX", "Enter the 20-character code shown on the certificate"),
    ],
)
def test_verify_form_rejects_a_bad_code_with_an_error_summary(client, db, typed, message):
    response = client.get(VERIFY, {"code": typed})

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    assert response.context["form"].errors
    assert "<title>Error: " in response.text
    _assert_noindex(response)


def test_verify_form_normalises_a_typed_code_and_redirects(client, db):
    response = client.get(VERIFY, {"code": " 7k3m-q9tx-2hrb-w4pd-a1ce "})
    assert response.status_code == 302
    assert response["Location"] == verify_url("7K3MQ9TX2HRBW4PDA1CE")


# Verification result ----------------------------------------------------------------------------------


def test_valid_certificate_shows_its_details_and_no_email(client, db):
    certificate = issue(
        holder_name="Zoë Ångström", course_title="Spotting the signs", pathway_title="Foster carers"
    )

    response = client.get(verify_url(certificate.code))

    assert response.status_code == 200
    text = response.text
    assert "This certificate is valid" in text
    for shown in (
        "Zoë Ångström",
        "Spotting the signs",
        "Foster carers",
        long_date(certificate.issued_on),
        long_date(certificate.expires_on),
        certificate.display_code,
    ):
        assert shown in text
    assert certificate.learner.email not in text
    assert "@" not in text.split("<main", 1)[1]
    _assert_noindex(response)


def test_expired_certificate_says_expired(client, db):
    certificate = issue(expired=True)

    response = client.get(verify_url(certificate.code))

    assert response.status_code == 200
    assert "This certificate has expired" in response.text
    assert "This certificate is valid" not in response.text
    assert long_date(certificate.expires_on) in response.text


def test_revoked_certificate_says_revoked_with_the_date(client, db):
    certificate = issue()
    revoked_at = timezone.now() - dt.timedelta(days=40)
    RevocationFactory(certificate=certificate, revoked_at=revoked_at, reason="Private reason")
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)

    response = client.get(verify_url(certificate.code))

    assert response.status_code == 200
    assert "This certificate has been revoked" in response.text
    assert long_date(timezone.localdate(revoked_at)) in response.text
    assert "Private reason" not in response.text
    assert "This certificate is valid" not in response.text


@pytest.mark.parametrize("status", [Certificate.Status.PENDING, Certificate.Status.FAILED, None])
def test_unknown_and_unissued_certificates_are_not_found(client, db, status):
    if status is None:
        code, holder = services.new_code(), "nobody"
    else:
        certificate = CertificateFactory(status=status, holder_name="Pending Person")
        code, holder = certificate.code, certificate.holder_name

    response = client.get(verify_url(code))

    assert response.status_code == 404
    assert "Certificate not found" in response.text
    assert holder not in response.text
    _assert_noindex(response)


def test_code_in_the_address_is_normalised(client, db):
    certificate = issue()
    typed = certificate.display_code.lower()

    response = client.get(verify_url(typed))

    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate.code)
    assert client.get(response["Location"]).status_code == 200


def test_verification_page_query_count_is_pinned(client, db, django_assert_num_queries):
    certificate = issue()
    RevocationFactory(certificate=certificate)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)
    for _ in range(5):  # other people's certificates must not add queries
        CertificateFactory(status=Certificate.Status.ISSUED)

    # The first view: the page cache's key (one plain statement), the page built from the ORM (the
    # certificate with its revocation; its course's releases from its version on: the version words), then
    # the key again, so a change made meanwhile is not stored under the key from before it.
    with django_assert_num_queries(4):
        response = client.get(verify_url(certificate.code))
    assert "revoked" in response.text
    with django_assert_num_queries(1):  # again: the key only, the page as rendered
        assert client.get(verify_url(certificate.code)).content == response.content


# Throttling -------------------------------------------------------------------------------------------


def _start_of_a_window(view_name: str, ip: str) -> None:
    """The limit counts per clock window; wait if the current one ends within the next few seconds."""
    request = RequestFactory().get("/", REMOTE_ADDR=ip)
    group = f"certificates.views.{view_name}"
    usage = get_usage(request, group=group, key="ip", rate=django_settings.VERIFY_RATE_LIMIT)
    if usage["time_left"] < 5:
        time.sleep(usage["time_left"] + 1)


@pytest.mark.parametrize(
    ("view_name", "url"),
    [("verify_code", lambda code: verify_url(code)), ("verify", lambda code: f"{VERIFY}?code={code}")],
    ids=["verify-code", "verify-form"],
)
def test_verification_is_throttled_per_ip_with_a_clear_429(client, db, view_name, url):
    certificate = issue()
    _start_of_a_window(view_name, "203.0.113.7")

    statuses = [
        client.get(url(services.new_code()), REMOTE_ADDR="203.0.113.7").status_code for _ in range(30)
    ]
    limited = client.get(url(certificate.code), REMOTE_ADDR="203.0.113.7")

    assert set(statuses) <= {302, 404}
    assert limited.status_code == 429
    assert "Too many checks" in limited.text
    assert "Wait a minute" in limited.text
    assert limited["Retry-After"] == "60"
    _assert_noindex(limited)
    # Another address is not affected.
    other = client.get(url(certificate.code), REMOTE_ADDR="198.51.100.9")
    assert other.status_code in (200, 302)


def test_a_deleted_holders_certificate_verifies_as_holder_removed_without_their_name(client, user):
    certificate = CertificateFactory(
        **for_learner(user), status=Certificate.Status.ISSUED, holder_name="Siân Jones"
    )
    user.delete()

    certificate.refresh_from_db()
    assert certificate.learner_id is None
    assert certificate.holder_removed_at is not None
    response = client.get(reverse("certificates:verify_code", args=[certificate.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Holder removed" in html
    assert "Siân Jones" not in html
    assert "This certificate is valid" not in html


def test_deleting_the_holder_deletes_the_pdf_that_prints_their_name(user, django_capture_on_commit_callbacks):
    certificate = issue(**for_learner(user))
    assert len(pdf_files()) == 1

    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits (issue 14)
        user.delete()

    certificate.refresh_from_db()
    assert pdf_files() == []
    assert not certificate.pdf and certificate.pdf_sha256 == ""
    assert services.certificate_issue(certificate_id=certificate.pk).holder_removed_at is not None
    assert pdf_files() == []  # a late issue task does not draw it again


@pytest.mark.parametrize("method,name", [("get", "certificates:download"), ("post", "certificates:renew")])
def test_a_code_with_a_nul_byte_is_404_not_500(learner_client, method, name):
    url = reverse(name, args=["ABCD"]).replace("ABCD", "%00")
    assert getattr(learner_client, method)(url).status_code == 404
