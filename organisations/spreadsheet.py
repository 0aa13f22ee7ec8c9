"""The members CSV: rows streamed from the grouped training query (organisations.training reads them from a
server-side cursor, a chunk at a time) so memory stays flat however many members."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Membership
from .statuses import Status
from .training import MemberRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: object) -> object:
    """Spreadsheets run cells that start like a formula; a leading apostrophe keeps names as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _date(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return value.isoformat() if value else ""


def member_rows(
    members: Iterable[MemberRow], *, licensing: bool, language: str | None = None
) -> Iterator[str]:
    """The rows, headings and words in `language` (the manager's page's), read now: the rows are streamed
    after the view has returned."""
    with translation.override(language or translation.get_language()):
        header = [_("Name"), _("Email"), _("Role"), _("Status"), _("Pathway"), _("Progress %")]
        header += [_("Certificate code"), _("Expires on"), _("Invited on"), _("Joined on")]
        header += [_("Time spent (minutes)"), _("Declared CPD time (minutes)")]
        if licensing:
            header.append(_("Licence or badge number"))
        roles = {Membership.Role.MANAGER: _("Manager"), Membership.Role.LEARNER: _("Learner")}
        statuses = {key: str(label) for key, label in Status.LABELS.items()}
    return _rows(members, header=header, roles=roles, statuses=statuses, licensing=licensing)


def _rows(members, *, header: list[str], roles: dict, statuses: dict, licensing: bool) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the byte-order mark makes Excel read UTF-8 names correctly
    for member in members:
        user = member.user
        certified = member.status in Status.FROM_CERTIFICATE
        row: list[object] = [
            user.certificate_name if user else "",
            user.email if user else member.email,
            roles.get(member.role, member.role),
            statuses.get(member.status, member.status),
            member.pathway_title or "",
            member.progress_percent if user else "",  # 100 once complete, as the learner sees it
            member.certificate_code if certified else "",
            _date(member.certificate_expires_on) if member.status in Status.WITH_EXPIRY else "",
            _date(member.invited_at),
            _date(member.joined_at),
            round(member.seconds_spent / 60) if member.seconds_spent is not None else "",
            member.cpd_minutes if member.cpd_minutes is not None else "",
        ]
        if licensing:
            row.append(user.licence_number if user else "")
        yield writer.writerow([safe_cell(cell) for cell in row])
