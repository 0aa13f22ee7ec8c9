from django import template

register = template.Library()


@register.filter
def cell(cells: dict, key):
    """cells[key] in a template (a pathway id or "all")."""
    return cells[key]


@register.filter
def pct(value) -> str:
    return "" if value is None else f"{round(value * 100)}%"


@register.filter
def minutes(seconds) -> str:
    return "" if seconds is None else f"{seconds / 60:.0f} min"
