"""Hostile input on managers' and joining pages: strict ids, emailed invitations only for their address,
invitation look-ups throttled per address."""

import pytest
from django.urls import reverse

from organisations.forms import parse_ids
from organisations.models import CertificateExport

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value", ["²", "٣", "9" * 4301, "9" * 20, "-1", "+1", " 1", "1 ", "0", "1.0", "\x00"]
)
def test_the_certificate_zip_export_refuses_odd_member_ids_without_a_500(manager_client, organisation, value):
    response = manager_client.post(
        reverse("organisations:export_create", args=[organisation.pk]), {"member": [value]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:dashboard", args=[organisation.pk])
    assert not CertificateExport.objects.exists()


def test_good_ids_still_make_an_export_and_odd_ones_beside_them_are_dropped(manager_client, organisation):
    member = MembershipFactory(organisation=organisation)
    response = manager_client.post(
        reverse("organisations:export_create", args=[organisation.pk]),
        {"member": ["²", str(member.pk), "9" * 30]},
    )
    assert response.status_code == 302
    assert CertificateExport.objects.get().membership_ids == [member.pk]


def test_parse_ids_keeps_only_plain_numbers():
    assert parse_ids(["1", "²", "02", "9223372036854775807", "9223372036854775808", "", "x"], limit=10) == [
        1,
        2,
        9223372036854775807,
    ]
    assert parse_ids([str(n) for n in range(1, 20)], limit=3) == [1, 2, 3, 4]


# Emailed invitations are for their address only ------------------------------------------------------


@pytest.fixture
def emailed(organisation, manager):
    from organisations import services

    return services.invitations_create_for_emails(
        organisation=organisation, text="invited.person@example.com", created_by=manager
    ).invited[0]


def _join_url(invitation):
    from organisations import selectors

    return reverse("organisations:join", args=[selectors.invitation_token(invitation)])


def test_another_signed_in_learner_cannot_use_an_emailed_invitation(client, emailed, organisation):
    from organisations.models import Membership
    from tests.elearning.factories import UserFactory

    intruder = UserFactory(email="someone.else@example.com")
    client.force_login(intruder)
    page = client.get(_join_url(emailed))
    assert page.status_code == 403
    assert "This invitation is for another email address" in page.content.decode()
    posted = client.post(_join_url(emailed))
    assert posted.status_code == 403
    assert not Membership.objects.filter(organisation=organisation, user=intruder).exists()
    # The invited person is still on the manager's list, and the invitation still works for them.
    assert Membership.objects.filter(organisation=organisation, email="invited.person@example.com").exists()
    emailed.refresh_from_db()
    assert emailed.uses == 0


def test_signing_up_with_another_address_on_an_emailed_invitation_is_refused(client, emailed):
    from accounts.models import User

    response = client.post(
        _join_url(emailed),
        {
            "email": "other@example.com",
            "certificate_name": "Oli Other",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert response.status_code == 400
    assert "This invitation was sent to another email address" in response.content.decode()
    assert not User.objects.filter(email="other@example.com").exists()


def test_the_invited_address_joins_and_counts_as_verified(client, emailed, organisation):
    from accounts.models import User
    from organisations.models import Membership
    from tests.elearning.factories import UserFactory

    invited = UserFactory(email="Invited.Person@example.com", email_verified_at=None)
    client.force_login(invited)
    assert client.post(_join_url(emailed)).status_code == 302
    assert Membership.objects.get(organisation=organisation, user=invited)
    assert User.objects.get(pk=invited.pk).email_verified_at is not None


def test_link_invitations_still_work_for_anyone(client, organisation, manager):
    from organisations import services
    from organisations.models import Membership
    from tests.elearning.factories import UserFactory

    link = services.invitation_link_create(organisation=organisation, created_by=manager)
    someone = UserFactory()
    client.force_login(someone)
    assert client.post(_join_url(link)).status_code == 302
    assert Membership.objects.filter(organisation=organisation, user=someone).exists()


# Invitation look-ups are throttled per client address -------------------------------------------------


def test_guessing_invitation_tokens_is_throttled_per_address(client, settings, organisation, manager):
    from organisations import services

    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_HOPS = 1
    settings.INVITATION_LOOKUP_RATE = "30/10m"
    guesses = [
        client.get(
            reverse("organisations:join", args=[f"guess{n}.{'0' * 32}"]),
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n % 200}, 203.0.113.66",
        ).status_code
        for n in range(40)
    ]
    assert guesses[:30] == [404] * 30 and set(guesses[30:]) == {429}
    # While paused, even a real link waits; another connection is not affected.
    link = services.invitation_link_create(organisation=organisation, created_by=manager)
    paused = client.get(_join_url(link), REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert paused.status_code == 429
    other = client.get(_join_url(link), REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.67")
    assert other.status_code == 200
