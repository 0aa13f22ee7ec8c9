"""Managers' pages for their organisation's local contacts: the list with what members see, add, change
(each with a preview of the learner's box before saving), remove, the area's children's services number, and
the audit trail. Like every manager page, 404 to anyone who does not manage the organisation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import local_contacts, services
from .contact_forms import AreaNumberForm, LocalContactForm
from .models import LocalContact, Organisation
from .phones import phone_display
from .views import manager_required


def _contact_or_404(organisation: Organisation, contact_id: int) -> LocalContact:
    try:
        return local_contacts.contact_get_for_organisation(organisation=organisation, contact_id=contact_id)
    except LocalContact.DoesNotExist as exc:
        raise Http404("No such contact.") from exc


def _preview_box(
    organisation: Organisation,
    *,
    replacing: LocalContact | None,
    values: dict | None,
    order: int,
    area_phone: str | None = None,
) -> local_contacts.Box:
    """The box a member would see if this change were saved: the other contacts as saved, this one put in
    its place by position."""
    rows = [
        (c.order, c.pk, local_contacts.contact_values(c))
        for c in local_contacts.contacts_for_manager(organisation=organisation)
        if replacing is None or c.pk != replacing.pk
    ]
    if values is not None:
        rows.append((order, replacing.pk if replacing else 10**9, values))
    rows.sort(key=lambda row: (row[0], row[1]))
    return local_contacts.box_build(
        organisation_name=organisation.name,
        contacts=[row[2] for row in rows],
        area_phone=organisation.children_services_phone if area_phone is None else area_phone,
    )


FIELD_LABELS = {
    "label": _("Who"),
    "name": _("Name"),
    "phone": _("Phone"),
    "email": _("Email"),
    "when_to_use": _("When"),
    "order": _("Position"),
    "children_services_phone": _("Children's services"),
}


def _readable(values: dict) -> list[tuple[str, str]]:
    shown = []
    for key, value in values.items():
        if value in ("", None):
            continue
        if key in ("phone", "children_services_phone"):
            value = phone_display(value)
        shown.append((FIELD_LABELS.get(key, key), str(value)))
    return shown


@manager_required
@require_GET
def contact_list(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    box = local_contacts.organisation_box(organisation=organisation)
    contacts = local_contacts.contacts_for_manager(organisation=organisation)
    changes = local_contacts.contact_changes(organisation=organisation)
    return render(
        request,
        "organisations/contacts/list.html",
        {
            "organisation": organisation,
            "contacts": [(contact, phone_display(contact.phone)) for contact in contacts],
            "box": box,
            "box_list": [] if box.is_empty else [box],
            "changes": [(change, _readable(change.before), _readable(change.after)) for change in changes],
        },
    )


def _contact_form_page(
    request: HttpRequest, organisation: Organisation, contact: LocalContact | None
) -> HttpResponse:
    if request.method == "POST":
        form = LocalContactForm(request.POST)
    else:
        form = LocalContactForm(initial=LocalContactForm.initial_for(contact) if contact else None)
    preview = None
    if request.method == "POST":
        if not form.is_valid():
            return _render_form(request, organisation, contact, form, None, status=400)
        values, order = form.values(), form.cleaned_data["order"]
        if request.POST.get("action") == "save":
            try:
                if contact is None:
                    services.local_contact_create(
                        organisation=organisation, actor=request.user, order=order, **values
                    )
                else:
                    services.local_contact_update(contact=contact, actor=request.user, order=order, **values)
            except services.ContactError as exc:
                form.add_error(None, str(exc))
                return _render_form(request, organisation, contact, form, None, status=400)
            messages.success(
                request,
                gettext("Saved. Your members now see “%(label)s” in your box.") % {"label": values["label"]},
            )
            return redirect("organisations:contacts", organisation_id=organisation.pk)
        preview = _preview_box(organisation, replacing=contact, values=values, order=order)
    return _render_form(request, organisation, contact, form, preview)


def _render_form(request, organisation, contact, form, preview, status: int = 200) -> HttpResponse:
    return render(
        request,
        "organisations/contacts/form.html",
        {
            "organisation": organisation,
            "contact": contact,
            "form": form,
            "preview": preview,
            "preview_list": [preview] if preview else [],
        },
        status=status,
    )


@manager_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _contact_form_page(request, organisation, None)


@manager_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, organisation: Organisation, contact_id: int) -> HttpResponse:
    return _contact_form_page(request, organisation, _contact_or_404(organisation, contact_id))


@manager_required
@require_POST
def contact_remove(request: HttpRequest, organisation: Organisation, contact_id: int) -> HttpResponse:
    contact = _contact_or_404(organisation, contact_id)
    services.local_contact_delete(contact=contact, actor=request.user)
    messages.success(
        request, gettext("Removed “%(label)s”. Your members no longer see it.") % {"label": contact.label}
    )
    return redirect("organisations:contacts", organisation_id=organisation.pk)


@manager_required
@require_http_methods(["GET", "POST"])
def area_number(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    if request.method == "POST":
        form = AreaNumberForm(request.POST)
    else:
        initial = organisation.children_services_phone
        form = AreaNumberForm(initial={"phone": phone_display(initial) if initial else ""})
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            if request.POST.get("action") == "save":
                services.organisation_area_number_set(
                    organisation=organisation, actor=request.user, phone=phone
                )
                messages.success(request, gettext("Saved your area's children's services number."))
                return redirect("organisations:contacts", organisation_id=organisation.pk)
            preview = _preview_box(organisation, replacing=None, values=None, order=0, area_phone=phone)
        else:
            status = 400
    return render(
        request,
        "organisations/contacts/area.html",
        {
            "organisation": organisation,
            "form": form,
            "preview": preview,
            "preview_list": [preview] if preview else [],
        },
        status=status,
    )
