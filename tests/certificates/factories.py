import datetime as dt

import factory
from django.utils import timezone

from certificates.models import Certificate, Revocation
from certificates.services import add_months, new_code
from tests.courses.factories import EnrolmentFactory
from tests.elearning.factories import UserFactory


class CertificateFactory(factory.django.DjangoModelFactory):
    """A certificate row with its snapshots filled from a completed enrolment; status pending unless told."""

    class Meta:
        model = Certificate

    code = factory.LazyFunction(new_code)
    enrolment = factory.SubFactory(
        EnrolmentFactory, completed_at=factory.LazyFunction(timezone.now), content_version=1
    )
    learner = factory.SelfAttribute("enrolment.learner")
    course = factory.SelfAttribute("enrolment.course")
    pathway = factory.SelfAttribute("enrolment.pathway")
    content_version = factory.SelfAttribute("enrolment.content_version")
    holder_name = factory.SelfAttribute("learner.certificate_name")
    course_title = factory.SelfAttribute("course.title")
    pathway_title = factory.SelfAttribute("pathway.title")
    cpd_minutes = factory.SelfAttribute("course.cpd_minutes")
    issued_on = factory.LazyFunction(timezone.localdate)
    expires_on = factory.LazyAttribute(lambda o: add_months(o.issued_on, 36))
    status = Certificate.Status.PENDING

    class Params:
        expired = factory.Trait(
            issued_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3 * 365 + 10)),
            expires_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10)),
        )


class RevocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Revocation

    certificate = factory.SubFactory(CertificateFactory, status=Certificate.Status.REVOKED)
    reason = "Issued in error."
    revoked_by = factory.SubFactory(UserFactory, is_staff=True)
