"""Managers' pages for local contacts: preview before saving, errors in place (nothing saved), the audit trail
shown to the organisation's managers only, staff editing in the admin, and the certificate email."""

from __future__ import annotations

import pytest
from django.urls import reverse

from certificates import services as certificate_services
from organisations import services
from organisations.models import LocalContact, LocalContactChange
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import body_text, sent_messages
from tests.organisations.test_admin import inline
from tests.two_factor import login_verified

pytestmark = pytest.mark.django_db
FORM = {
    "label": "Designated safeguarding person",
    "name": "Dee Person",
    "phone": "020 7946 0000",
    "email": "dee@fostering.example",
    "when_to_use": "Tell Dee the same day about any worry.",
    "order": "1",
}


def test_a_manager_previews_the_learners_box_then_saves(manager_client, organisation, manager):
    url = reverse("organisations:contact_add", args=[organisation.pk])
    assert 'value="save"' not in manager_client.get(url).content.decode()  # preview comes first

    preview = manager_client.post(url, {**FORM, "action": "preview"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Preview: what your members will see" in html
    assert "From Cardiff Fostering: your local contacts" in html
    assert 'href="tel:+442079460000">020 7946 0000</a>' in html
    assert 'value="save"' in html
    assert not LocalContact.objects.exists() and not LocalContactChange.objects.exists()

    saved = manager_client.post(url, {**FORM, "action": "save"})
    assert saved.status_code == 302
    contact = LocalContact.objects.get()
    assert (contact.phone, contact.name, contact.organisation) == (
        "+442079460000",
        "Dee Person",
        organisation,
    )
    page = manager_client.get(reverse("organisations:contacts", args=[organisation.pk])).content.decode()
    assert "Designated safeguarding person" in page and "Added" in page and manager.email in page


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("999", "999 is one of the guide&#x27;s numbers"),
        ("02920 536490", "02920 536490 is one of the guide&#x27;s numbers"),
        ("101", "101 is one of the guide&#x27;s numbers"),
        ("", "Enter a phone number."),
        ("12345", "Enter a full UK phone number"),
        ("+1 202 555 0100", "Numbers outside the UK cannot be used here."),
    ],
)
@pytest.mark.parametrize("action", ["preview", "save"])
def test_a_bad_phone_is_reported_in_place_and_nothing_is_saved(
    manager_client, organisation, phone, message, action
):
    response = manager_client.post(
        reverse("organisations:contact_add", args=[organisation.pk]),
        {**FORM, "phone": phone, "action": action},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and message in html
    assert "Preview: what your members will see" not in html
    assert not LocalContact.objects.exists() and not LocalContactChange.objects.exists()


def test_a_manager_changes_and_removes_a_contact_and_sets_the_area_number(
    manager_client, organisation, manager
):
    contact = services.local_contact_create(
        organisation=organisation,
        actor=manager,
        label="Out of hours",
        phone="0113 496 0000",
        when_to_use="Nights.",
    )
    edit = reverse("organisations:contact_edit", args=[organisation.pk, contact.pk])
    assert 'value="0113 496 0000"' in manager_client.get(edit).content.decode()
    preview = manager_client.post(edit, {**FORM, "action": "preview"}).content.decode()
    assert "Dee Person" in preview and "Nights." not in preview  # the change replaces the saved contact
    assert manager_client.post(edit, {**FORM, "action": "save"}).status_code == 302
    contact.refresh_from_db()
    assert contact.label == "Designated safeguarding person"

    area = reverse("organisations:contact_area", args=[organisation.pk])
    preview = manager_client.post(area, {"phone": "0161 496 0000", "action": "preview"}).content.decode()
    assert "Children's services in Cardiff Fostering's area" in preview
    assert manager_client.post(area, {"phone": "999", "action": "save"}).status_code == 400
    assert manager_client.post(area, {"phone": "0161 496 0000", "action": "save"}).status_code == 302
    remove = reverse("organisations:contact_remove", args=[organisation.pk, contact.pk])
    assert manager_client.post(remove).status_code == 302
    assert not LocalContact.objects.exists()
    organisation.refresh_from_db()
    assert organisation.children_services_phone == "+441614960000"
    assert list(LocalContactChange.objects.order_by("pk").values_list("action", flat=True)) == [
        "created",
        "updated",
        "area_number",
        "deleted",
    ]
    page = manager_client.get(reverse("organisations:contacts", args=[organisation.pk])).content.decode()
    assert "Removed" in page and "services number changed" in page and "0161 496 0000" in page


def test_another_organisations_manager_cannot_read_or_change_the_contacts(
    client, organisation, manager, other_organisation, other_manager
):
    contact = services.local_contact_create(
        organisation=organisation,
        actor=manager,
        label="Secret DSP",
        phone="0113 496 0000",
        when_to_use="Now.",
    )
    login_verified(client, other_manager)
    # Through the other organisation's id too: the contact belongs to its own organisation only.
    for url in (
        reverse("organisations:contacts", args=[organisation.pk]),
        reverse("organisations:contact_edit", args=[organisation.pk, contact.pk]),
        reverse("organisations:contact_edit", args=[other_organisation.pk, contact.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404 and b"Secret DSP" not in response.content
    for url in (
        reverse("organisations:contact_edit", args=[other_organisation.pk, contact.pk]),
        reverse("organisations:contact_remove", args=[other_organisation.pk, contact.pk]),
    ):
        assert client.post(url, {**FORM, "action": "save"}).status_code == 404
    contact.refresh_from_db()
    assert contact.label == "Secret DSP" and LocalContactChange.objects.count() == 1


def test_staff_edit_any_organisations_contacts_in_the_admin_and_it_is_audited(
    admin_client, admin_user, organisation
):
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    base = {"name": organisation.name, "kind": organisation.kind, **inline("memberships", [])}
    row = {"order": "1", "label": "Licensing officer", "phone": "020 7946 0000", "when_to_use": "Any worry."}
    refused = admin_client.post(
        url, {**base, "children_services_phone": "", **inline("local_contacts", [{**row, "phone": "999"}])}
    )
    assert refused.status_code == 200 and "one of the guide" in refused.content.decode()
    assert not LocalContact.objects.exists()

    response = admin_client.post(
        url, {**base, "children_services_phone": "0161 496 0000", **inline("local_contacts", [row])}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = LocalContact.objects.get()
    assert contact.phone == "+442079460000"
    changes = list(LocalContactChange.objects.order_by("pk"))
    assert {c.action for c in changes} == {"created", "area_number"}
    assert all(c.by_staff and c.changed_by == admin_user for c in changes)

    delete = {**base, "children_services_phone": "0161 496 0000"}
    delete |= inline(
        "local_contacts",
        [{**row, "id": contact.pk, "organisation": organisation.pk, "DELETE": "on"}],
        initial=1,
    )
    assert admin_client.post(url, delete).status_code == 302
    assert not LocalContact.objects.exists()
    assert LocalContactChange.objects.filter(action="deleted", by_staff=True).count() == 1

    assert (
        admin_client.post(
            reverse("admin:organisations_organisation_delete", args=[organisation.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert not LocalContactChange.objects.exists()


def _issue_certificate_for(user):
    pending = CertificateFactory(enrolment__learner=user)
    certificate_services.certificate_issue(certificate_id=pending.pk)
    (message,) = sent_messages()
    return body_text(message, "text/plain"), body_text(message, "text/html")


def test_the_certificate_email_has_the_box_below_the_guides_999_line(
    organisation, manager, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.local_contact_create(
            organisation=organisation,
            actor=manager,
            label="Supervising social worker <b>",
            phone="020 7946 0000",
            when_to_use="Tell them within a day.",
        )
    text, html = _issue_certificate_for(learner)
    for body in (text, html):
        assert body.index("call 999") < body.index("From Cardiff Fostering: your local contacts")
        assert "020 7946 0000" in body and "Tell them within a day." in body
    assert "Supervising social worker &lt;b&gt;" in html and 'href="tel:+442079460000"' in html
    assert "Supervising social worker <b>" in text  # plain text is not HTML


def test_the_certificate_email_of_a_learner_with_no_organisation_says_the_numbers_are_cardiffs(user):
    text, html = _issue_certificate_for(user)
    for body in (text, html):
        assert "The numbers in this course are Cardiff" in body and "From " not in body.split("call 999")[1]


def test_data_download_and_account_deletion_still_work_for_a_manager_who_edited_contacts(
    client, organisation, manager, learner
):
    services.local_contact_create(
        organisation=organisation, actor=manager, label="DSP", phone="020 7946 0000", when_to_use="Now."
    )
    login_verified(client, manager)
    download = client.get(reverse("accounts:data_download"))
    assert download.status_code == 200 and download.json()
    services.membership_set_role(membership=organisation.memberships.get(user=learner), role="manager")
    from accounts.services import user_delete

    user_delete(user=manager)
    assert LocalContact.objects.get().label == "DSP"  # the organisation's contacts stay
    assert LocalContactChange.objects.get().changed_by is None
