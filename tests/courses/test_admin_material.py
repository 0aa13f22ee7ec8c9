"""Review 26 item 6: material content (numbers, signs, routes, resources) is changed in the files with a
major release; the block admins refuse to change it, and accept every other edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.models import ContactBlock, ResourceBlock, SignsBlock, TextBlock
from tests.elearning.factories import UserFactory
from tests.two_factor import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, sample_course):
    login_verified(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def _post_edit(client, block, **changes):
    """Post the block's own admin form back with `changes`, as a member of staff would."""
    url = reverse(f"admin:courses_{type(block).__name__.lower()}_change", args=[block.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = (
            [str(v) for v in value] if isinstance(value, list | tuple) else ("" if value is None else value)
        )
    # English and Welsh sit side by side (issue 21): a change to `body` is a change to its English, `body_en`.
    data.update({(f"{k}_en" if f"{k}_en" in form.fields else k): v for k, v in changes.items()})
    return client.post(url, data)


def test_a_contact_cards_number_cannot_be_changed_in_the_admin(admin_client):
    card = ContactBlock.objects.get(who="Multi-Agency Safeguarding Hub")

    response = _post_edit(admin_client, card, number="01632 960001")

    assert response.status_code == 200
    assert (
        "This changes material content" in response.text and "adds phone number 01632960001" in response.text
    )
    card.refresh_from_db()
    assert card.number == "02920 536490"


@pytest.mark.parametrize(
    ("model", "lookup", "changes"),
    [
        (ContactBlock, {"who": "Multi-Agency Safeguarding Hub"}, {"who": "Children's services"}),
        (SignsBlock, {}, {"signs": '["A sign the guide does not name"]'}),
        (ResourceBlock, {"name": "Say Something"}, {"url": "http://example.invalid/other"}),
        (TextBlock, {"body__startswith": "Keep a diary"}, {"body": "Keep a diary. Call 01632 960001."}),
    ],
    ids=["route", "sign", "resource", "number-in-text"],
)
def test_material_fields_are_refused(admin_client, model, lookup, changes):
    block = model.objects.filter(**lookup).first()
    before = {name: getattr(block, name) for name in changes}

    response = _post_edit(admin_client, block, **changes)

    assert response.status_code == 200 and "This changes material content" in response.text
    block.refresh_from_db()
    assert {name: getattr(block, name) for name in changes} == before


def test_a_wording_edit_is_saved(admin_client):
    card = ContactBlock.objects.get(who="Multi-Agency Safeguarding Hub")

    response = _post_edit(admin_client, card, when="For advice from a social worker.")

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.when == "For advice from a social worker."


def test_a_block_with_material_content_cannot_be_deleted_in_the_admin(admin_client):
    card = ContactBlock.objects.get(who="Multi-Agency Safeguarding Hub")

    response = admin_client.post(
        reverse("admin:courses_contactblock_delete", args=[card.pk]), {"post": "yes"}
    )

    assert response.status_code == 403 and ContactBlock.objects.filter(pk=card.pk).exists()


def _unit_page_data(client, unit):
    """The unit's admin page (with its block inlines) as a member of staff would post it back unchanged."""
    url = reverse("admin:courses_unit_change", args=[unit.pk])
    context = client.get(url).context
    forms = [context["adminform"].form]
    data = {}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None and value is not False:
                data[key] = value
    return url, data


def test_the_unit_pages_block_inlines_refuse_a_number_change_and_a_deletion(admin_client):
    card = ContactBlock.objects.get(who="Multi-Agency Safeguarding Hub")
    url, data = _unit_page_data(admin_client, card.unit)
    prefix = next(k for k, v in data.items() if k.endswith("-id") and str(v) == str(card.pk))[: -len("-id")]

    changed = admin_client.post(url, {**data, f"{prefix}-number": "01632 960001"})
    assert changed.status_code == 200 and "This changes material content" in changed.text
    deleted = admin_client.post(url, {**data, f"{prefix}-DELETE": "on"})
    assert deleted.status_code == 200 and "This changes material content" in deleted.text
    assert admin_client.post(url, data).status_code == 302  # saved unchanged: accepted
    card.refresh_from_db()
    assert card.number == "02920 536490"


def test_a_number_in_a_unit_title_or_outcome_cannot_be_changed_but_wording_can(admin_client):
    unit = ContactBlock.objects.get(who="Multi-Agency Safeguarding Hub").unit
    url, data = _unit_page_data(admin_client, unit)

    refused = admin_client.post(url, {**data, "outcomes_en": '["choose the right number: 01632 960001"]'})
    assert refused.status_code == 200 and "adds phone number 01632960001" in refused.text
    assert admin_client.post(url, {**data, "title_en": "Pass it on, now"}).status_code == 302
    unit.refresh_from_db()
    assert (unit.title, unit.outcomes) == ("Pass it on, now", ["choose the right number to call"])


def test_a_number_in_the_course_summary_cannot_be_changed_in_the_admin(admin_client, sample_course):
    url = reverse("admin:courses_course_change", args=[sample_course.pk])
    context = admin_client.get(url).context
    data = {}
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list) else value

    refused = admin_client.post(url, {**data, "summary_en": "A sample course. Call 01632 960001."})

    assert refused.status_code == 200 and "adds phone number 01632960001" in refused.text
    assert admin_client.post(url, {**data, "summary_en": "A short sample course."}).status_code == 302
