"""The one rounding rule for "N % done", in Python and in SQL: to the nearest whole number, halves up
(2 of 7 units is 29 %), 100 once the enrolment is complete. Used by learner pages, the managers' dashboard
and the CSV alike."""

from __future__ import annotations

from django.db.models import Case, Expression, F, IntegerField, Value, When


def percent_done(done: int, total: int, *, completed: bool = False) -> int:
    if completed:
        return 100
    if total <= 0:
        return 0
    return min(100, (200 * done + total) // (2 * total))


def percent_done_sql(done: str, total: str, completed_at: str) -> Expression:
    """The same rule on annotated fields (integer arithmetic, so PostgreSQL and SQLite agree)."""
    return Case(
        When(**{f"{completed_at}__isnull": False}, then=Value(100)),
        When(**{f"{total}__gt": 0}, then=(200 * F(done) + F(total)) / (2 * F(total))),
        default=Value(0),
        output_field=IntegerField(),
    )
