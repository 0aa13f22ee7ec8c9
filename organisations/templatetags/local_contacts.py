"""`{% local_contacts_box %}`: the learner's boxes of their organisations' local contacts, for the course
page and (with `unit=unit`) the units about passing it on and what happens next. Courses' templates load it;
courses' code never imports organisations."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from organisations.local_contacts import UNITS_WITH_LOCAL_CONTACTS, boxes_for_user

register = template.Library()


@register.simple_tag(takes_context=True)
def local_contacts_box(context, unit=None) -> str:
    if unit is not None and unit.slug not in UNITS_WITH_LOCAL_CONTACTS:
        return ""
    request = context.get("request")
    user = getattr(request, "user", None)
    return render_to_string(
        "organisations/_local_contacts.html", {"boxes": boxes_for_user(user), "prefix": ""}
    )
