"""Credentials tests: an issued certificate (sample course), and one more learner's."""

from __future__ import annotations

import pytest

from certificates import services
from certificates.credentials.models import IssuedCredential
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Pathway
from tests.certificates.helpers import complete_enrolment
from tests.elearning.factories import UserFactory


def issue_for(user, course) -> Certificate:
    pathway = Pathway.objects.get(course=course, slug="taxi-drivers")
    enrolment = course_services.enrolment_create(learner=user, pathway=pathway)
    complete_enrolment(enrolment)
    certificate = Certificate.objects.get(enrolment=enrolment)
    return services.certificate_issue(certificate_id=certificate.pk)


@pytest.fixture
def issued(pending_certificate) -> Certificate:
    return services.certificate_issue(certificate_id=pending_certificate.pk)


@pytest.fixture
def credential(issued) -> IssuedCredential:
    return IssuedCredential.objects.get(certificate=issued)


@pytest.fixture
def another_issued(sample_course) -> Certificate:
    return issue_for(UserFactory(certificate_name="Second Holder"), sample_course)
