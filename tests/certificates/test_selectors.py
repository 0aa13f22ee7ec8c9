"""Certificate reads: owner-only lookups and a list whose query count does not grow."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certificates import selectors
from certificates.models import Certificate
from tests.certificates.factories import CertificateFactory, RevocationFactory
from tests.courses.factories import EnrolmentFactory


def test_owner_lookup_hides_other_peoples_certificates(db):
    certificate = CertificateFactory()
    other = CertificateFactory()
    assert (
        selectors.certificate_get_for_owner(code=certificate.code, learner=certificate.learner) == certificate
    )
    with pytest.raises(Certificate.DoesNotExist):
        selectors.certificate_get_for_owner(code=other.code, learner=certificate.learner)


@pytest.mark.parametrize("count", [3, 6])
def test_learner_list_is_one_query_however_many(db, user, count, django_assert_num_queries):
    for _ in range(count):
        enrolment = EnrolmentFactory(learner=user, completed_at=timezone.now(), content_version=1)
        RevocationFactory(
            certificate=CertificateFactory(enrolment=enrolment, status=Certificate.Status.REVOKED)
        )
        CertificateFactory(
            enrolment=EnrolmentFactory(learner=user, completed_at=timezone.now(), content_version=1)
        )

    with django_assert_num_queries(1):
        rows = [
            (c.course.title, getattr(c, "revocation", None))
            for c in selectors.certificate_list_for_learner(learner=user)
        ]
    assert len(rows) == 2 * count
    assert sum(revocation is not None for _, revocation in rows) == count


def test_public_lookup_brings_the_revocation(db, django_assert_num_queries):
    revocation = RevocationFactory()
    with django_assert_num_queries(1):
        certificate = selectors.certificate_get_public(code=revocation.certificate.code)
        assert certificate.revocation.revoked_at == revocation.revoked_at
