"""Template helpers for the item analysis report: cells, percentages, minutes and the flags in words."""

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

register = template.Library()

# report.py records flags by these English names (the CSV keeps them); pages show them translated.
FLAG_LABELS = {
    "everyone fails it": _("everyone fails it"),
    "nobody fails it": _("nobody fails it"),
    "a distractor nobody picks": _("a distractor nobody picks"),
    "negative discrimination": _("negative discrimination"),
}


@register.filter
def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag, flag)


@register.filter
def cell(cells: dict, key):
    """cells[key] in a template (a pathway id or "all")."""
    return cells[key]


@register.filter
def pct(value) -> str:
    return "" if value is None else f"{round(value * 100)}%"


@register.filter
def minutes(seconds) -> str:
    return "" if seconds is None else gettext("%(minutes)s min") % {"minutes": f"{seconds / 60:.0f}"}
