"""certificates.api: the only door other apps use."""

from __future__ import annotations

from certificates import api, services
from certificates.models import Certificate
from tests.certificates.factories import CertificateFactory, RevocationFactory


def test_verification_status_by_code(db):
    valid = CertificateFactory(status=Certificate.Status.ISSUED)
    expired = CertificateFactory(status=Certificate.Status.ISSUED, expired=True)
    pending = CertificateFactory()
    revoked = RevocationFactory().certificate

    assert api.certificate_verification_status(code=valid.display_code.lower()) == "valid"
    assert api.certificate_verification_status(code=expired.code) == "expired"
    assert api.certificate_verification_status(code=pending.code) == "not-issued"
    assert api.certificate_verification_status(code=revoked.code) == "revoked"
    assert api.certificate_verification_status(code=services.new_code()) is None


def test_certificates_for_learner_are_only_theirs(db):
    mine = CertificateFactory()
    CertificateFactory()
    assert api.certificates_for_learner(learner=mine.learner) == [mine]


def test_eligibility_through_the_api(small_enrolment):
    assert (
        api.certificate_eligibility(enrolment=small_enrolment).reasons[0] == "The enrolment is not complete."
    )
