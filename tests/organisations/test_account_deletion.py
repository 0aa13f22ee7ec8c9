"""Deleting an account: the only manager of an organisation is stopped with a clear reason; otherwise what
organisations keep about the person (email invitations, certificate ZIPs with them in) goes too."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations import services
from organisations.models import CertificateExport, Invitation, Membership
from tests.elearning.factories import UserFactory
from tests.two_factor import login_verified

from .factories import MembershipFactory, OrganisationFactory
from .helpers import PASSWORD

pytestmark = pytest.mark.django_db


def invite(organisation, manager, text):
    return services.invitations_create_for_emails(organisation=organisation, text=text, created_by=manager)


def test_the_only_manager_cannot_delete_their_account(client):
    organisation = OrganisationFactory(name="Bay Hotels")
    manager = MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user
    login_verified(client, manager)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 400
    html = response.content.decode()
    assert "You are the only manager of Bay Hotels" in html
    assert "There is a problem" in html
    assert Membership.objects.filter(user=manager).exists()


def test_a_manager_with_a_co_manager_can_delete_their_account(client):
    organisation = OrganisationFactory()
    manager = MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user
    MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER)
    login_verified(client, manager)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not Membership.objects.filter(email=manager.email).exists()


def test_deleting_an_account_removes_their_email_invitations_and_zips(client, settings):
    organisation = OrganisationFactory()
    manager = MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user
    invite(organisation, manager, "zed@example.com")
    zed = UserFactory(email="zed@example.com")
    invitation = Invitation.objects.get(email="zed@example.com")
    services.invitation_accept(invitation_id=invitation.pk, user=zed)
    membership = Membership.objects.get(user=zed)
    export = CertificateExport.objects.create(
        organisation=organisation, requested_by=manager, membership_ids=[membership.pk]
    )
    client.force_login(zed)

    client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert not Invitation.objects.filter(email__iexact="zed@example.com").exists()
    assert not CertificateExport.objects.filter(pk=export.pk).exists()


def test_a_very_long_pasted_line_is_reported_not_a_500():
    organisation = OrganisationFactory()
    manager = MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user
    text = "good@example.com\n" + '"' + "x" * 200_000 + "\n"

    result = services.invitations_create_for_emails(organisation=organisation, text=text, created_by=manager)

    assert [str(p) for p in result.problems] == ["Line 2: the line is longer than 1000 characters."]
    assert Membership.objects.filter(email="good@example.com").exists()


def test_withdrawing_an_old_invitation_keeps_a_newer_one_for_the_same_person():
    organisation = OrganisationFactory()
    manager = MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user
    invite(organisation, manager, "a@example.com")
    old = Invitation.objects.get(email="a@example.com")
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    invite(organisation, manager, "a@example.com")
    newer = Invitation.objects.exclude(pk=old.pk).get(email="a@example.com")
    assert newer.membership_id == old.membership_id

    services.invitation_revoke(invitation=old)

    assert Membership.objects.filter(pk=newer.membership_id, user__isnull=True).exists()
    newer.refresh_from_db()
    assert newer.state() == "active"
