"""Certificate model: display code, expiry, what the public page will say; one per enrolment version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from certificates.models import Certificate
from tests.certificates.factories import CertificateFactory


def test_display_code_groups_in_fours():
    assert Certificate(code="7K3MQ9TX2HRBW4PDA1CE").display_code == "7K3M-Q9TX-2HRB-W4PD-A1CE"


def test_expiry_is_after_the_last_valid_day():
    certificate = Certificate(expires_on=dt.date(2028, 3, 5), status=Certificate.Status.ISSUED)
    assert not certificate.is_expired(today=dt.date(2028, 3, 5))
    assert certificate.is_expired(today=dt.date(2028, 3, 6))
    assert certificate.verification_status(today=dt.date(2028, 3, 5)) == "valid"
    assert certificate.verification_status(today=dt.date(2028, 3, 6)) == "expired"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Certificate.Status.PENDING, "not-issued"),
        (Certificate.Status.FAILED, "not-issued"),
        (Certificate.Status.REVOKED, "revoked"),
    ],
)
def test_verification_status_of_other_states(status, expected):
    certificate = Certificate(expires_on=dt.date(2000, 1, 1), status=status)
    assert certificate.verification_status(today=dt.date(2030, 1, 1)) == expected


def test_one_certificate_per_enrolment_and_content_version(db):
    first = CertificateFactory()
    CertificateFactory(enrolment=first.enrolment, content_version=first.content_version + 1)
    with pytest.raises(IntegrityError):
        CertificateFactory(enrolment=first.enrolment, content_version=first.content_version)
