"""Who may open what: anonymous, a learner of this organisation, a manager of this organisation and a manager
of another organisation, against every organisations page and download."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import (
    CertificateExport,
    Invitation,
    LocalContact,
    LocalContactChange,
    Membership,
    Organisation,
)
from tests.two_factor import login_verified

from .factories import InvitationFactory, MembershipFactory, OrganisationFactory
from .helpers import member_in_state

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "learner", "manager", "other_manager")


@pytest.fixture
def world(course):
    council = OrganisationFactory(name="Council Licensing", kind=Organisation.Kind.LICENSING)
    manager = MembershipFactory(organisation=council, role=Membership.Role.MANAGER).user
    learner = MembershipFactory(organisation=council).user
    target = member_in_state(council, course, "valid", certificate_name="Target Person")
    other = OrganisationFactory(name="Other Hotels", kind=Organisation.Kind.HOSPITALITY)
    other_manager = MembershipFactory(organisation=other, role=Membership.Role.MANAGER).user
    invitation = InvitationFactory(organisation=council)
    export = services.export_create(organisation=council, requested_by=manager, membership_ids=[target.pk])
    contact = services.local_contact_create(
        organisation=council,
        actor=manager,
        label="Secret Officer Label",
        phone="020 7946 0000",
        when_to_use="Tell them the same day.",
    )
    return SimpleNamespace(
        contact=contact,
        council=council,
        users={"learner": learner, "manager": manager, "other_manager": other_manager},
        target=target,
        invitation=invitation,
        export=export,
    )


def _build(world):
    services.export_build(export_id=world.export.pk)


CONTACT = {
    "label": "Out of hours",
    "phone": "0113 496 0000",
    "when_to_use": "Evenings and weekends.",
    "order": "2",
}


def _urls(world) -> dict[str, tuple[str, str, dict]]:
    o, m, c = world.council.pk, world.target.pk, world.contact.pk
    return {
        "dashboard": ("get", reverse("organisations:dashboard", args=[o]), {}),
        "csv": ("get", reverse("organisations:export_csv", args=[o]), {}),
        "member": ("get", reverse("organisations:member", args=[o, m]), {}),
        "member_role": ("post", reverse("organisations:member_role", args=[o, m]), {"role": "manager"}),
        "member_remove": ("post", reverse("organisations:member_remove", args=[o, m]), {}),
        "lock_reset": ("post", reverse("organisations:member_lock_reset", args=[o, m, 1]), {}),
        "invitations": ("get", reverse("organisations:invitations", args=[o]), {}),
        "link_create": ("post", reverse("organisations:invitations", args=[o]), {"expires_in_days": "7"}),
        "revoke": ("post", reverse("organisations:invitation_revoke", args=[o, world.invitation.pk]), {}),
        "invite_page": ("get", reverse("organisations:invite_emails", args=[o]), {}),
        "invite_send": (
            "post",
            reverse("organisations:invite_emails", args=[o]),
            {"emails": "new@example.com", "expires_in_days": "7"},
        ),
        "zip_create": ("post", reverse("organisations:export_create", args=[o]), {"member": [m]}),
        "zip_page": ("get", reverse("organisations:export", args=[o, world.export.pk]), {}),
        "zip_download": ("get", reverse("organisations:export_download", args=[o, world.export.pk]), {}),
        "lookup": ("get", reverse("organisations:lookup", args=[o]), {"number": "PH1"}),
        "contacts": ("get", reverse("organisations:contacts", args=[o]), {}),
        "contact_add_page": ("get", reverse("organisations:contact_add", args=[o]), {}),
        "contact_preview": (
            "post",
            reverse("organisations:contact_add", args=[o]),
            {**CONTACT, "action": "preview"},
        ),
        "contact_add": (
            "post",
            reverse("organisations:contact_add", args=[o]),
            {**CONTACT, "action": "save"},
        ),
        "contact_edit_page": ("get", reverse("organisations:contact_edit", args=[o, c]), {}),
        "contact_edit": (
            "post",
            reverse("organisations:contact_edit", args=[o, c]),
            {**CONTACT, "action": "save"},
        ),
        "contact_remove": ("post", reverse("organisations:contact_remove", args=[o, c]), {}),
        "area_page": ("get", reverse("organisations:contact_area", args=[o]), {}),
        "area_set": (
            "post",
            reverse("organisations:contact_area", args=[o]),
            {"phone": "0161 496 0000", "action": "save"},
        ),
    }


ENDPOINTS = [
    "dashboard",
    "csv",
    "member",
    "member_role",
    "member_remove",
    "lock_reset",
    "invitations",
    "link_create",
    "revoke",
    "invite_page",
    "invite_send",
    "zip_create",
    "zip_page",
    "zip_download",
    "lookup",
    "contacts",
    "contact_add_page",
    "contact_preview",
    "contact_add",
    "contact_edit_page",
    "contact_edit",
    "contact_remove",
    "area_page",
    "area_set",
]
MANAGER_STATUS = {"member_role": 302, "member_remove": 302, "link_create": 302, "revoke": 302}
# Sending invitations answers with the list of addresses sent and refused (issue 19), not a redirect.
MANAGER_STATUS |= {"invite_send": 200, "zip_create": 302}
MANAGER_STATUS |= {"contact_add": 302, "contact_edit": 302, "contact_remove": 302, "area_set": 302}
MANAGER_STATUS |= {"lock_reset": 302}


def _state(world) -> tuple:
    """Everything a page could change, to prove a refused request changed nothing."""
    return (
        list(Membership.objects.order_by("pk").values_list("pk", "role", "user_id")),
        list(Invitation.objects.order_by("pk").values_list("pk", "revoked_at")),
        CertificateExport.objects.count(),
        list(LocalContact.objects.order_by("pk").values_list("pk", "label", "phone", "order")),
        list(Organisation.objects.order_by("pk").values_list("pk", "children_services_phone")),
        LocalContactChange.objects.count(),
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_only_managers_of_this_organisation_get_in(client, world, role, endpoint):
    _build(world)
    method, url, data = _urls(world)[endpoint]
    if role == "manager":
        login_verified(client, world.users[role])
    elif role != "anonymous":
        client.force_login(world.users[role])
    before = _state(world)
    response = getattr(client, method)(url, data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role in ("learner", "other_manager"):
        assert response.status_code == 404  # the same answer as for an organisation that does not exist
    else:
        assert response.status_code == MANAGER_STATUS.get(endpoint, 200), response.content[:500]
    if role != "manager":
        assert _state(world) == before
        body = response.content if hasattr(response, "content") else b""
        assert b"Target Person" not in body
        assert b"Secret Officer Label" not in body


@pytest.mark.parametrize("role", ROLES)
def test_the_list_of_organisations_shows_only_your_own(client, world, role):
    url = reverse("organisations:list")
    if role == "manager":
        login_verified(client, world.users[role])
    elif role != "anonymous":
        client.force_login(world.users[role])
    response = client.get(url, follow=False)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        return
    if role == "manager":  # one organisation: straight to its dashboard
        assert response["Location"] == reverse("organisations:dashboard", args=[world.council.pk])
        return
    html = client.get(url, follow=True).content.decode()
    assert "Council Licensing" not in html
    if role == "learner":
        assert "You are not a manager of any organisation." in html


def test_a_manager_of_two_organisations_sees_both_listed(client, world):
    other = OrganisationFactory(name="Second Org")
    MembershipFactory(organisation=other, user=world.users["manager"], role=Membership.Role.MANAGER)
    login_verified(client, world.users["manager"])
    html = client.get(reverse("organisations:list")).content.decode()
    assert "Council Licensing" in html and "Second Org" in html


def test_an_export_of_another_organisation_is_not_found_through_yours(client, world):
    other = OrganisationFactory()
    MembershipFactory(organisation=other, user=world.users["manager"], role=Membership.Role.MANAGER)
    login_verified(client, world.users["manager"])
    for name in ("organisations:export", "organisations:export_download"):
        assert client.get(reverse(name, args=[other.pk, world.export.pk])).status_code == 404


def test_a_member_of_another_organisation_is_not_found_through_yours(client, world):
    stranger = MembershipFactory(organisation=OrganisationFactory())
    login_verified(client, world.users["manager"])
    url = reverse("organisations:member", args=[world.council.pk, stranger.pk])
    assert client.get(url).status_code == 404
    url = reverse("organisations:member_remove", args=[world.council.pk, stranger.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_manager_without_the_second_step_sees_no_member_data(client, world, endpoint):
    """Enforcement on: the manager's password alone leads to setting up (or entering) a second factor."""
    _build(world)
    method, url, data = _urls(world)[endpoint]
    client.force_login(world.users["manager"])
    before = _state(world)
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert _state(world) == before
    assert b"Target Person" not in response.content
