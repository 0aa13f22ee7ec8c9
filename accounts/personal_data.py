"""The registry of what apps keep about a user: each app adds its section of "download my data", the checks
that can refuse an account deletion and the steps to run when an account is deleted, from its
AppConfig.ready. Accounts knows none of the apps that register here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from .models import User

Section = Callable[[User], Any]
DeletionCheck = Callable[[User], list[str]]
DeletionStep = Callable[[User], object]

_SECTIONS: dict[str, Section] = {}
_DELETION_CHECKS: dict[str, DeletionCheck] = {}


@dataclass(frozen=True)
class _Step:
    order: int
    name: str
    run: DeletionStep


_DELETION_STEPS: dict[str, _Step] = {}


def iso(value) -> str | None:
    """Dates and times in a data download: ISO 8601, or None."""
    return value.isoformat() if value is not None else None


def register_section(name: str, build: Section) -> None:
    """Add `name` to "download my data", built by `build(user)`. Sections appear in the order they were
    registered (INSTALLED_APPS order, as apps register from ready()); registering a name again replaces it."""
    _SECTIONS[name] = build


def register_deletion_check(name: str, check: DeletionCheck) -> None:
    """`check(user)` returns reasons the account may not be deleted yet (empty when it may). Checks run in
    name order before anything is deleted; any reason stops the deletion."""
    _DELETION_CHECKS[name] = check


def register_deletion_step(name: str, step: DeletionStep, *, order: int) -> None:
    """`step(user)` runs just before the user row is deleted (however it is deleted: the account page, the
    admin or code), inside the deletion's transaction. Steps run by `order`, then name."""
    _DELETION_STEPS[name] = _Step(order=order, name=name, run=step)


def sections() -> list[str]:
    return list(_SECTIONS)


def deletion_steps() -> list[str]:
    """The registered steps' names, in the order they run."""
    return [step.name for step in sorted(_DELETION_STEPS.values(), key=lambda s: (s.order, s.name))]


def deletion_blockers_for(*, user: User) -> list[str]:
    return [reason for name in sorted(_DELETION_CHECKS) for reason in _DELETION_CHECKS[name](user)]


def deletion_steps_run(*, user: User) -> None:
    for name in deletion_steps():
        _DELETION_STEPS[name].run(user)


def _account(user: User) -> dict:
    return {
        "email": user.email,
        "certificate_name": user.certificate_name,
        "licence_number": user.licence_number,
        "language": user.language,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
    }


register_section("account", _account)


def personal_data_for(*, user: User) -> dict:
    """Everything the site keeps about the user, by section, with the time it was collected."""
    return {"exported_at": iso(timezone.now()), **{name: build(user) for name, build in _SECTIONS.items()}}
