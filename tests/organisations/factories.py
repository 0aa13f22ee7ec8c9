import datetime as dt
import secrets

import factory
from django.utils import timezone

from organisations.models import Invitation, Membership, Organisation
from tests.elearning.factories import UserFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.FOSTERING


class MembershipFactory(factory.django.DjangoModelFactory):
    """A member who has joined (a learner unless told)."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email.lower())
    role = Membership.Role.LEARNER
    joined_at = factory.LazyFunction(timezone.now)


class InvitedMembershipFactory(MembershipFactory):
    """Someone invited by email who has not joined yet."""

    user = None
    email = factory.Sequence(lambda n: f"invited{n}@example.com")
    invited_at = factory.LazyFunction(timezone.now)
    joined_at = None


class InvitationFactory(factory.django.DjangoModelFactory):
    """A link invitation unless told; for an email one pass kind, email and membership."""

    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    kind = Invitation.Kind.LINK
    key = factory.LazyFunction(lambda: secrets.token_urlsafe(16))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
