"""Property-based bad input for every other POST endpoint, managers' included: at least 1,000 generated
bodies each, never a 500, and nothing changes that the body should not be able to change. (Quiz submit,
sign-up, log-in, verification and joining are in test_fuzz.py.)"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from organisations.models import CertificateExport, Invitation, Membership
from tests.certificates.factories import CertificateFactory
from tests.courses.factories import EnrolmentFactory
from tests.elearning.factories import UserFactory
from tests.organisations.factories import InvitationFactory, MembershipFactory, OrganisationFactory
from tests.security.test_fuzz import EXAMPLES, FUZZ, RAW, form_bodies, post

# 1,000 bodies to each of 6-8 endpoints is 6,000-8,000 requests per test: several minutes on a busy machine.
pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]
RAN: Counter[str] = Counter()

FIELDS = [
    "certificate_name",
    "licence_number",
    "password",
    "email",
    "old_password",
    "new_password1",
    "new_password2",
    "pathway",
    "role",
    "member",
    "expires_in_days",
    "emails",
    "next",
]
ODD_IDS = st.sampled_from(["²", "٣", "9" * 4301, "9" * 25, "-1", "0", "1e3", " 1", "\x00", ""])


@pytest.fixture
def world(settings, sample_course):
    settings.RATELIMIT_ENABLE = False  # each limit has its own test; here every body must reach the view
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    learner = UserFactory(password="correct-horse-battery-1")
    pathway = sample_course.pathways.get(slug="taxi-drivers")
    certificate = CertificateFactory(
        learner=learner, enrolment=EnrolmentFactory(learner=learner, pathway=pathway, content_version=1)
    )
    organisation = OrganisationFactory()
    elsewhere = OrganisationFactory()
    return SimpleNamespace(
        course=sample_course,
        learner=learner,
        certificate=certificate,
        organisation=organisation,
        manager=MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user,
        member=MembershipFactory(organisation=organisation),
        link=InvitationFactory(organisation=organisation),
        elsewhere=elsewhere,
        their_member=MembershipFactory(organisation=elsewhere),
        their_invitation=InvitationFactory(organisation=elsewhere),
    )


BODY = st.one_of(
    form_bodies(FIELDS),
    RAW,
    st.fixed_dictionaries(
        {"member": st.lists(ODD_IDS, max_size=3), "role": st.sampled_from(["", "x", "manager"])}
    ),
)


def _fuzz(posts: dict[str, str], client: Client, *, login=None, check=lambda: None) -> None:
    @FUZZ
    @given(body=BODY)
    def run(body):
        if login is not None:
            client.force_login(login)
        for name, url in posts.items():
            RAN[name] += 1
            response = post(client, url, body)
            assert response.status_code < 500, (name, response.status_code)
        check()

    run()
    assert all(RAN[name] >= EXAMPLES for name in posts), RAN


def test_learner_post_endpoints_never_500(world):
    w, client = world, Client()
    client.force_login(w.learner)
    posts = {
        "profile": reverse("accounts:profile"),
        "licence": reverse("accounts:licence"),
        "delete account": reverse("accounts:delete"),
        "password change": reverse("password_change"),
        "verify email again": reverse("accounts:verify_email_resend"),
        "enrol": reverse("courses:enrol", args=[w.course.slug]),
        "mark read": reverse("courses:unit_read", args=[w.course.slug, "signs"]),
        "renew": reverse("certificates:renew", args=[w.certificate.code]),
    }

    def check():
        # The session and account survive anything a form can send without the password.
        assert client.session.get("_auth_user_id") == str(w.learner.pk)

    _fuzz(posts, client, check=check)


def test_anonymous_post_endpoints_never_500(world):
    posts = {
        "password reset": reverse("password_reset"),
        "password reset confirm": reverse("password_reset_confirm", args=["MQ", "set-password"]),
        "logout": reverse("logout"),
    }
    _fuzz(posts, Client())


def test_manager_post_endpoints_never_500(world):
    w, org = world, world.organisation.pk
    posts = {
        "member role": reverse("organisations:member_role", args=[org, w.member.pk]),
        "link invitation": reverse("organisations:invitations", args=[org]),
        "invite emails": reverse("organisations:invite_emails", args=[org]),
        "certificate ZIP": reverse("organisations:export_create", args=[org]),
        # Body-independent writes are aimed at another organisation's rows: always 404, nothing changes.
        "member remove": reverse("organisations:member_remove", args=[org, w.their_member.pk]),
        "invitation revoke": reverse("organisations:invitation_revoke", args=[org, w.their_invitation.pk]),
    }

    def check():
        assert Membership.objects.filter(pk=w.their_member.pk, organisation=w.elsewhere).exists()
        assert Invitation.objects.filter(pk=w.their_invitation.pk, revoked_at__isnull=True).exists()
        assert Invitation.objects.filter(pk=w.link.pk, revoked_at__isnull=True).exists()
        # A ZIP is only ever asked for this organisation's own member.
        exports = CertificateExport.objects.values_list("membership_ids", flat=True)
        assert all(ids == [w.member.pk] for ids in exports)

    _fuzz(posts, Client(), login=w.manager, check=check)
