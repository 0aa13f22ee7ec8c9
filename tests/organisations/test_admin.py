"""Staff create an organisation and its first manager in the admin, through the membership service."""

import pytest
from django.urls import reverse

from organisations.models import Membership, Organisation
from tests.elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def test_staff_create_an_organisation_with_its_first_manager(admin_client):
    boss = UserFactory(email="Boss@Council.example")
    response = admin_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Newport Licensing",
            "kind": "licensing",
            **inline("memberships", [{"user": boss.pk, "role": "manager"}]),
            **inline("local_contacts", []),  # the page's second inline (issue 18)
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(name="Newport Licensing")
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role, membership.email) == (boss, "manager", "boss@council.example")
    assert membership.joined_at is not None


def test_admin_lists_open(admin_client):
    for name in (
        "organisation",
        "membership",
        "invitation",
        "certificateexport",
        "expiryreminder",
        "managersummary",
    ):
        assert admin_client.get(reverse(f"admin:organisations_{name}_changelist")).status_code == 200


def _contact_with_audit_row(organisation, manager):
    from organisations import services

    return services.local_contact_create(
        organisation=organisation,
        actor=manager,
        label="Designated safeguarding person",
        phone="020 7946 0000",
        when_to_use="Tell them the same day about any worry.",
    )


def test_staff_cannot_delete_a_row_of_the_contacts_audit_trail(admin_client, organisation, manager):
    from organisations.models import LocalContactChange

    _contact_with_audit_row(organisation, manager)
    change = LocalContactChange.objects.get()
    url = reverse("admin:organisations_localcontactchange_delete", args=[change.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert LocalContactChange.objects.filter(pk=change.pk).exists()
    page = admin_client.get(reverse("admin:organisations_localcontactchange_change", args=[change.pk]))
    assert page.status_code == 200 and url not in page.content.decode()


def test_deleting_an_organisation_in_the_admin_still_takes_its_audit_trail(
    admin_client, organisation, manager
):
    from organisations.models import LocalContactChange

    _contact_with_audit_row(organisation, manager)
    url = reverse("admin:organisations_organisation_delete", args=[organisation.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not LocalContactChange.objects.exists()


def test_renaming_an_organisation_in_the_admin_renames_its_members_box(
    admin_client, organisation, manager, learner, django_capture_on_commit_callbacks
):
    from organisations import local_contacts

    with django_capture_on_commit_callbacks(execute=True):
        contact = _contact_with_audit_row(organisation, manager)
    assert [b.organisation_name for b in local_contacts.boxes_for_user(learner)] == ["Cardiff Fostering"]
    memberships = list(Membership.objects.filter(organisation=organisation).order_by("pk"))
    rows = [
        {"id": m.pk, "organisation": organisation.pk, "user": m.user_id, "role": m.role} for m in memberships
    ]
    contact_row = {
        "id": contact.pk,
        "organisation": organisation.pk,
        **{k: getattr(contact, k) for k in ("order", "label", "name", "phone", "email", "when_to_use")},
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:organisations_organisation_change", args=[organisation.pk]),
            {
                "name": "Vale Fostering",
                "kind": organisation.kind,
                "children_services_phone": "",
                **inline("memberships", rows, initial=len(rows)),
                **inline("local_contacts", [contact_row], initial=1),
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [b.organisation_name for b in local_contacts.boxes_for_user(learner)] == ["Vale Fostering"]


def test_a_contact_over_the_limit_in_the_admin_is_an_error_on_the_page_and_nothing_is_saved(
    admin_client, organisation, manager, monkeypatch
):
    from organisations.models import LocalContact, LocalContactChange

    monkeypatch.setattr("organisations.services.contacts.MAX_CONTACTS", 1)
    contact = _contact_with_audit_row(organisation, manager)
    fields = ("order", "label", "name", "phone", "email", "when_to_use")
    rows = [
        {"id": contact.pk, "organisation": organisation.pk, **{k: getattr(contact, k) for k in fields}},
        {"order": 2, "label": "Out of hours", "phone": "0161 496 0000", "when_to_use": "At night."},
    ]
    response = admin_client.post(
        reverse("admin:organisations_organisation_change", args=[organisation.pk]),
        {
            "name": "Vale Fostering",
            "kind": organisation.kind,
            "children_services_phone": "",
            **inline(
                "memberships",
                [
                    {"id": m.pk, "organisation": organisation.pk, "user": m.user_id, "role": m.role}
                    for m in Membership.objects.filter(organisation=organisation)
                ],
                initial=1,
            ),
            **inline("local_contacts", rows, initial=1),
        },
    )
    assert response.status_code == 200
    assert "An organisation can have up to 1 contacts" in response.content.decode()
    assert LocalContact.objects.count() == 1 and LocalContactChange.objects.count() == 1
    assert Organisation.objects.get(pk=organisation.pk).name == "Cardiff Fostering"


def test_a_contact_the_service_refuses_after_the_form_checked_it_is_a_message_not_an_error(
    admin_client, organisation, manager, monkeypatch
):
    """A manager adds a contact on the site between the admin's check and its save: the service refuses."""
    from organisations.models import LocalContact

    monkeypatch.setattr("organisations.services.contacts.MAX_CONTACTS", 0)
    monkeypatch.setattr("organisations.services.contacts_too_many", lambda count: "")  # the form's check
    response = admin_client.post(
        reverse("admin:organisations_organisation_change", args=[organisation.pk]),
        {
            "name": organisation.name,
            "kind": organisation.kind,
            "children_services_phone": "",
            **inline(
                "memberships",
                [
                    {"id": m.pk, "organisation": organisation.pk, "user": m.user_id, "role": m.role}
                    for m in Membership.objects.filter(organisation=organisation)
                ],
                initial=1,
            ),
            **inline(
                "local_contacts",
                [{"order": 1, "label": "Out of hours", "phone": "0161 496 0000", "when_to_use": "At night."}],
            ),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Out of hours: not saved. An organisation can have up to 0 contacts" in response.content.decode()
    assert not LocalContact.objects.exists()
