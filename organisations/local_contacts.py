"""Reads of organisations' local contacts: the boxes a learner sees ("From <organisation>: your local
contacts"), the manager's list and audit trail. The learner's boxes come from the cache, keyed on the user
(their organisations) and on each organisation (its contacts), so a unit page costs no query for them once
warm, and one organisation's contacts are only ever read under that organisation's own key."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import QuerySet

from .models import LocalContact, LocalContactChange, Membership, Organisation
from .phones import phone_display, phone_tel

# The units about passing it on and what happens next show the boxes under the guide's routes (their slugs
# in courses/content; tests/organisations/test_local_contacts.py checks they exist).
UNITS_WITH_LOCAL_CONTACTS = frozenset({"pass-it-on", "what-happens-next"})
CACHE_SECONDS = 60 * 60
_USER_KEY = "organisations:local-contacts:user:{}"
_ORG_KEY = "organisations:local-contacts:organisation:{}"


@dataclass(frozen=True)
class ContactShown:
    label: str
    name: str
    phone_display: str
    phone_tel: str
    email: str
    when_to_use: str


@dataclass(frozen=True)
class Box:
    organisation_name: str
    contacts: list[ContactShown] = field(default_factory=list)
    area_phone_display: str = ""
    area_phone_tel: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.contacts and not self.area_phone_display


def user_key(user_id: int) -> str:
    return _USER_KEY.format(user_id)


def organisation_key(organisation_id: int) -> str:
    return _ORG_KEY.format(organisation_id)


def contact_shown(*, label: str, name: str, phone: str, email: str, when_to_use: str) -> ContactShown:
    return ContactShown(label, name, phone_display(phone), phone_tel(phone), email, when_to_use)


def box_build(*, organisation_name: str, contacts: list[dict], area_phone: str) -> Box:
    """A box from plain values (stored rows, or a manager's unsaved form for the preview)."""
    return Box(
        organisation_name=organisation_name,
        contacts=[contact_shown(**c) for c in contacts],
        area_phone_display=phone_display(area_phone) if area_phone else "",
        area_phone_tel=phone_tel(area_phone) if area_phone else "",
    )


CONTACT_FIELDS = ("label", "name", "phone", "email", "when_to_use")


def contact_values(contact: LocalContact) -> dict:
    return {name: getattr(contact, name) for name in CONTACT_FIELDS}


def remember_user_organisations(*, user_id: int, organisation_ids: list[int]) -> None:
    """Called at log-in with the memberships it reads anyway, so the first unit page needs no query."""
    cache.set(user_key(user_id), list(organisation_ids), CACHE_SECONDS)


def _load_user_organisation_ids(user_id: int) -> list[int]:
    return list(
        Membership.objects.filter(user_id=user_id)
        .order_by("organisation__name", "organisation_id")
        .values_list("organisation_id", flat=True)
    )


def _user_organisation_ids(user) -> list[int]:
    ids = cache.get(user_key(user.pk))
    if ids is None:
        ids = _load_user_organisation_ids(user.pk)
        # add, not set: a membership change that committed since the read has already written its refresh,
        # and what this page read is older than that.
        cache.add(user_key(user.pk), ids, CACHE_SECONDS)
    return ids


def refresh_user_organisations(user_id: int) -> None:
    """After a membership change commits: the user's organisations, read again into the cache."""
    remember_user_organisations(user_id=user_id, organisation_ids=_load_user_organisation_ids(user_id))


def _load_organisations(ids: list[int]) -> dict[int, dict | None]:
    """One query (organisations left-joined to their contacts); ids of deleted organisations map to None."""
    found: dict[int, dict | None] = dict.fromkeys(ids)
    rows = (
        Organisation.objects.filter(pk__in=ids)
        .order_by("pk", "local_contacts__order", "local_contacts__id")
        .values_list(
            "pk", "name", "children_services_phone", *(f"local_contacts__{f}" for f in CONTACT_FIELDS)
        )
    )
    for pk, name, area_phone, *contact in rows:
        if found[pk] is None:
            found[pk] = {"organisation_name": name, "contacts": [], "area_phone": area_phone}
        if contact[0] is not None:  # an organisation with no contacts has one row of NULLs
            found[pk]["contacts"].append(dict(zip(CONTACT_FIELDS, contact, strict=True)))
    return found


def refresh_organisation_box(organisation_id: int) -> None:
    """After a change to an organisation's contacts commits: its box, read again into the cache (so no
    member's page pays for it). A deleted organisation's key holds an empty box."""
    value = _load_organisations([organisation_id])[organisation_id]
    cache.set(organisation_key(organisation_id), value or {}, CACHE_SECONDS)


def boxes_for_user(user) -> list[Box]:
    """The boxes of every organisation the user is a member of, by organisation name; empty ones left out."""
    if user is None or not user.is_authenticated:
        return []
    ids = _user_organisation_ids(user)
    if not ids:
        return []
    keys = {pk: organisation_key(pk) for pk in ids}
    cached = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in cached]
    if missing:
        loaded = _load_organisations(missing)
        fresh = {keys[pk]: (value if value is not None else {}) for pk, value in loaded.items()}
        for key, value in fresh.items():  # add, not set: never over a refresh written since the read
            cache.add(key, value, CACHE_SECONDS)
        cached.update(fresh)
    return _boxes(ids, {pk: cached.get(key) for pk, key in keys.items()})


def _boxes(ids: list[int], values: dict[int, dict | None]) -> list[Box]:
    boxes = [box_build(**values[pk]) for pk in ids if values.get(pk)]
    return [box for box in boxes if not box.is_empty]


def boxes_for_user_from_database(user_id: int) -> list[Box]:
    """The same boxes read from the database (two queries), for a background task: a worker without Redis
    has its own in-process cache, which the web process's refreshes never reach."""
    ids = _load_user_organisation_ids(user_id)
    return _boxes(ids, _load_organisations(ids)) if ids else []


def contacts_for_manager(*, organisation: Organisation) -> QuerySet[LocalContact]:
    return LocalContact.objects.filter(organisation=organisation).order_by("order", "id")


def contact_get_for_organisation(*, organisation: Organisation, contact_id: int) -> LocalContact:
    return LocalContact.objects.get(organisation=organisation, pk=contact_id)


def contact_changes(*, organisation: Organisation, limit: int = 50) -> QuerySet[LocalContactChange]:
    return (
        LocalContactChange.objects.filter(organisation=organisation)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )


def organisation_box(*, organisation: Organisation) -> Box:
    """The box as saved now (for the manager's page), read from the database."""
    contacts = [contact_values(c) for c in contacts_for_manager(organisation=organisation)]
    return box_build(
        organisation_name=organisation.name,
        contacts=contacts,
        area_phone=organisation.children_services_phone,
    )


def certificate_email_sections(*, learner) -> list:
    """The learner's boxes for the certificate email (registered with certificates.api at start-up), read
    from the database: the email is sent by the Celery worker, whose cache may not be the web's."""
    from django.template.loader import render_to_string

    from certificates.api import EmailSection

    context = {"boxes": boxes_for_user_from_database(learner.pk)}
    return [
        EmailSection(
            text=render_to_string("organisations/email/local_contacts.txt", context).strip(),
            html=render_to_string("organisations/email/local_contacts.html", context),
        )
    ]
