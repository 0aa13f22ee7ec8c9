"""Writes to organisations' local contacts and their children's services number. Every change writes an
audit row (who, when, before, after) in the same transaction, and clears that organisation's cached box
once it commits."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext

from ..local_contacts import (
    CONTACT_FIELDS,
    contact_values,
    refresh_organisation_box,
    refresh_user_organisations,
)
from ..models import LocalContact, LocalContactChange, Organisation
from ..phones import PhoneError, phone_normalise

MAX_CONTACTS = 20


class ContactError(ValueError):
    """A change we will not make; the message is written for the manager."""


def _forget_box(organisation_id: int) -> None:
    """Once the change commits, the organisation's cached box is read again (never left stale)."""
    transaction.on_commit(partial(refresh_organisation_box, organisation_id))


def forget_user_organisations(*, user_id: int) -> None:
    """The user's memberships changed: once that commits, their organisations are read again."""
    transaction.on_commit(partial(refresh_user_organisations, user_id))


def _audit(
    *,
    organisation_id: int,
    contact_id: int | None,
    action: str,
    actor,
    by_staff: bool,
    before: dict,
    after: dict,
) -> LocalContactChange:
    return LocalContactChange.objects.create(
        organisation_id=organisation_id,
        contact_id=contact_id,
        action=action,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
        by_staff=by_staff,
        before=before,
        after=after,
    )


def contact_clean(*, label: str, name: str, phone: str, email: str, when_to_use: str) -> dict:
    """The values as they would be stored (phone in E.164), or ContactError."""
    values = {
        "label": " ".join((label or "").split()),
        "name": " ".join((name or "").split()),
        "email": (email or "").strip().lower(),
        "when_to_use": " ".join((when_to_use or "").split()),
    }
    if not values["label"]:
        raise ContactError(gettext("Enter who this contact is, for example Designated safeguarding person."))
    if not values["when_to_use"]:
        raise ContactError(gettext("Enter when to use this contact, in one sentence."))
    try:
        values["phone"] = phone_normalise(phone)
    except PhoneError as exc:
        raise ContactError(str(exc)) from exc
    return values


def contacts_too_many(count: int) -> str:
    """What to tell the manager if a list of `count` contacts is too long; empty if it is not."""
    if count > MAX_CONTACTS:
        return gettext("An organisation can have up to %(max)s contacts. Remove one first.") % {
            "max": MAX_CONTACTS
        }
    return ""


def local_contact_create(
    *,
    organisation: Organisation,
    actor,
    label: str,
    phone: str,
    when_to_use: str,
    name: str = "",
    email: str = "",
    order: int = 1,
    by_staff: bool = False,
) -> LocalContact:
    values = contact_clean(label=label, name=name, phone=phone, email=email, when_to_use=when_to_use)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        too_many = contacts_too_many(LocalContact.objects.filter(organisation=organisation).count() + 1)
        if too_many:
            raise ContactError(too_many)
        contact = LocalContact.objects.create(organisation=organisation, order=order, **values)
        _audit(
            organisation_id=organisation.pk,
            contact_id=contact.pk,
            action=LocalContactChange.Action.CREATED,
            actor=actor,
            by_staff=by_staff,
            before={},
            after={**contact_values(contact), "order": contact.order},
        )
        _forget_box(organisation.pk)
    return contact


def local_contact_update(
    *,
    contact: LocalContact,
    actor,
    label: str,
    phone: str,
    when_to_use: str,
    name: str = "",
    email: str = "",
    order: int = 1,
    by_staff: bool = False,
) -> LocalContact:
    values = contact_clean(label=label, name=name, phone=phone, email=email, when_to_use=when_to_use)
    with transaction.atomic():
        locked = LocalContact.objects.select_for_update().get(pk=contact.pk)
        before = {**contact_values(locked), "order": locked.order}
        after = {**values, "order": order}
        if before == after:
            return locked
        for name_, value in after.items():
            setattr(locked, name_, value)
        locked.save(update_fields=[*CONTACT_FIELDS, "order", "updated_at"])
        _audit(
            organisation_id=locked.organisation_id,
            contact_id=locked.pk,
            action=LocalContactChange.Action.UPDATED,
            actor=actor,
            by_staff=by_staff,
            before=before,
            after=after,
        )
        _forget_box(locked.organisation_id)
    return locked


def local_contact_delete(*, contact: LocalContact, actor, by_staff: bool = False) -> None:
    with transaction.atomic():
        locked = LocalContact.objects.select_for_update().filter(pk=contact.pk).first()
        if locked is None:
            return
        _audit(
            organisation_id=locked.organisation_id,
            contact_id=locked.pk,
            action=LocalContactChange.Action.DELETED,
            actor=actor,
            by_staff=by_staff,
            before={**contact_values(locked), "order": locked.order},
            after={},
        )
        locked.delete()
        _forget_box(locked.organisation_id)


def area_number_clean(phone: str) -> str:
    if not (phone or "").strip():
        return ""
    try:
        return phone_normalise(phone)
    except PhoneError as exc:
        raise ContactError(str(exc)) from exc


def organisation_area_number_set(
    *, organisation: Organisation, actor, phone: str, by_staff: bool = False
) -> Organisation:
    """Set (or, with an empty value, clear) the organisation's own area's children's services number."""
    value = area_number_clean(phone)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if locked.children_services_phone == value:
            return locked
        before = {"children_services_phone": locked.children_services_phone}
        locked.children_services_phone = value
        locked.save(update_fields=["children_services_phone"])
        _audit(
            organisation_id=locked.pk,
            contact_id=None,
            action=LocalContactChange.Action.AREA_NUMBER,
            actor=actor,
            by_staff=by_staff,
            before=before,
            after={"children_services_phone": value},
        )
        _forget_box(locked.pk)
    organisation.children_services_phone = value
    return locked


def organisation_box_refresh(*, organisation_id: int) -> None:
    """Something else the box shows changed (the organisation's name, saved in the admin): once that
    commits, the box is read again."""
    _forget_box(organisation_id)


def organisation_delete(*, organisation: Organisation) -> None:
    """Delete an organisation (staff, in the admin): its members, invitations, contacts and their audit
    trail go with it, and its cached box is cleared."""
    with transaction.atomic():
        pk = organisation.pk
        Organisation.objects.filter(pk=pk).delete()
        _forget_box(pk)
