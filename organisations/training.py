"""Every member's training in one grouped query (issue 20): the latest enrolment and latest certificate per
learner picked with ROW_NUMBER() once for the whole organisation, units done counted in one GROUP BY, then
joined to the members; no subquery runs per member. Plain SQL that PostgreSQL and SQLite both run. The
selectors use it for the status counts and the status and pathway filters; the CSV streams its rows from a
server-side cursor. The values are the ones `selectors._with_status` annotates a page's rows with (a test
holds them equal on random histories).

The statement is put together from fixed fragments, table names from the models and the ORM's own compiled
SQL for the members; every value (ids, dates, status, search) goes in as a query parameter, never into the
text (hence the S608/B608 markers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from accounts.models import User
from certificates.api import Certificate, CertificateStatus
from courses.models import Course, Enrolment, Pathway, Unit, UnitProgress
from courses.progress import percent_done
from elearning.language import active_code

from .models import Invitation, Membership
from .statuses import EXPIRING_WITHIN_DAYS, Status

CHUNK_SIZE = 500

# The status rule of selectors._with_status, in the same order. "Any unit done" is one index probe of the
# latest enrolment (cheaper than counting every member's units, which only the CSV needs).
_STATUS = f"""CASE
    WHEN m.user_id IS NULL THEN '{Status.INVITED}'
    WHEN lc.status = '{CertificateStatus.REVOKED}' THEN '{Status.REVOKED}'
    WHEN lc.status = '{CertificateStatus.ISSUED}' AND lc.expires_on < %(today)s THEN '{Status.EXPIRED}'
    WHEN lc.status = '{CertificateStatus.ISSUED}' AND lc.expires_on <= %(soon)s THEN '{Status.EXPIRING}'
    WHEN lc.status = '{CertificateStatus.ISSUED}' THEN '{Status.VALID}'
    WHEN lc.status IS NOT NULL THEN '{Status.COMPLETED}'
    WHEN le.completed_at IS NOT NULL THEN '{Status.COMPLETED}'
    WHEN EXISTS (SELECT 1 FROM {UnitProgress._meta.db_table} p WHERE p.enrolment_id = le.id)
        THEN '{Status.IN_PROGRESS}'
    ELSE '{Status.NOT_STARTED}'
END"""  # noqa: S608  # nosec B608


def _title(alias: str) -> str:
    """A pathway's title in the active language, as elearning.language.localized gives it."""
    if active_code() == settings.LANGUAGE_CODE:
        return f"{alias}.title_{settings.LANGUAGE_CODE}"
    return f"COALESCE(NULLIF({alias}.title_{active_code()}, ''), {alias}.title_{settings.LANGUAGE_CODE})"


def _tables() -> dict[str, str]:
    return {
        "membership": Membership._meta.db_table,
        "user": User._meta.db_table,
        "enrolment": Enrolment._meta.db_table,
        "progress": UnitProgress._meta.db_table,
        "unit": Unit._meta.db_table,
        "course": Course._meta.db_table,
        "pathway": Pathway._meta.db_table,
        "certificate": Certificate._meta.db_table,
        "invitation": Invitation._meta.db_table,
    }


def _sql(select: str, tail: str, *, counted: bool, invited: bool, ids_only: bool) -> str:
    """The members (slot `members` selects their ids, `member_users` their user ids) joined once to each
    grouped part; aliases m, u, le (latest enrolment), lc (latest certificate), their pathways and courses,
    and if asked done and units (units counted, for the latest enrolments only) and li (latest invitation)."""
    t = _tables()
    done = f"""LEFT JOIN (
    SELECT p.enrolment_id, COUNT(*) AS n FROM {t["progress"]} p
    WHERE p.enrolment_id IN (SELECT id FROM le)
    GROUP BY p.enrolment_id
) done ON done.enrolment_id = le.id
LEFT JOIN (SELECT course_id, COUNT(*) AS n FROM {t["unit"]} GROUP BY course_id) units
    ON units.course_id = le.course_id"""  # noqa: S608  # nosec B608
    invitation = f"""LEFT JOIN (
    SELECT membership_id, pathway_id FROM (
        SELECT i.membership_id, i.pathway_id,
            ROW_NUMBER() OVER (PARTITION BY i.membership_id ORDER BY i.created_at DESC, i.id DESC) AS rn
        FROM {t["invitation"]} i WHERE i.membership_id IN (%(members)s)
    ) ranked WHERE rn = 1
) li ON li.membership_id = m.id
LEFT JOIN {t["pathway"]} ip ON ip.id = li.pathway_id"""  # noqa: S608  # nosec B608
    query = f"""SELECT {select} FROM {t["membership"]} m
LEFT JOIN {t["user"]} u ON u.id = m.user_id
LEFT JOIN le ON le.learner_id = m.user_id
{done if counted else ""}
LEFT JOIN {t["course"]} ec ON ec.id = le.course_id
LEFT JOIN {t["pathway"]} ep ON ep.id = le.pathway_id
LEFT JOIN (
    SELECT learner_id, course_id, status, expires_on, code, version_major, version_minor FROM (
        SELECT c.learner_id, c.course_id, c.status, c.expires_on, c.code, c.version_major, c.version_minor,
            ROW_NUMBER() OVER (PARTITION BY c.learner_id ORDER BY c.issued_on DESC, c.id DESC) AS rn
        FROM {t["certificate"]} c WHERE c.learner_id IN (%(member_users)s)
    ) ranked WHERE rn = 1
) lc ON lc.learner_id = m.user_id
LEFT JOIN {t["course"]} cc ON cc.id = lc.course_id
{invitation if invited else ""}
WHERE m.id IN (%(members)s) {tail}"""  # noqa: S608  # nosec B608
    if ids_only:
        # Computed once, whatever plan the query it filters gets: with no statistics yet (a new table)
        # PostgreSQL may pick a nested loop that would run the whole grouped query again for each row.
        query = f"""ids AS {"MATERIALIZED " if connection.vendor == "postgresql" else ""}({query})
SELECT id FROM ids"""  # noqa: S608  # nosec B608
    return f"""WITH le AS (
    SELECT id, learner_id, course_id, pathway_id, completed_at, seconds_spent FROM (
        SELECT e.id, e.learner_id, e.course_id, e.pathway_id, e.completed_at, e.seconds_spent,
            ROW_NUMBER() OVER (PARTITION BY e.learner_id ORDER BY e.started_at DESC, e.id DESC) AS rn
        FROM {t["enrolment"]} e WHERE e.learner_id IN (%(member_users)s)
    ) ranked WHERE rn = 1
){", " if ids_only else ""}
{query}"""  # noqa: S608  # nosec B608


def _query(
    members,
    *,
    today: dt.date,
    select: str,
    tail: str = "",
    counted=False,
    invited=False,
    ids_only=False,
    **named,
) -> tuple[str, list]:
    """`members` is a Membership queryset (its ids and user ids are subqueries); the SQL is written with
    %(name)s slots, made positional here so both databases' drivers take it."""
    members = members.order_by()
    subqueries = {
        "members": members.values("pk").query.sql_with_params(),
        "member_users": members.filter(user__isnull=False).values("user_id").query.sql_with_params(),
    }
    named["today"] = connection.ops.adapt_datefield_value(today)
    named["soon"] = connection.ops.adapt_datefield_value(today + dt.timedelta(days=EXPIRING_WITHIN_DAYS))
    pieces = _sql(select, tail, counted=counted, invited=invited, ids_only=ids_only).split("%(")
    out, params = [pieces[0]], []
    for piece in pieces[1:]:
        name, rest = piece.split(")s", 1)
        if name in subqueries:
            sql, sub_params = subqueries[name]
            out.append(sql)
            params.extend(sub_params)
        else:
            out.append("%s")
            params.append(named[name])
        out.append(rest)
    return "".join(out), params


def status_counts(members, *, today: dt.date) -> dict[str, int]:
    """How many of `members` have each status, in one query."""
    sql, params = _query(members, today=today, select=f"{_STATUS} AS status, COUNT(*)", tail="GROUP BY 1")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = dict(cursor.fetchall())
    counts = {key: 0 for key, _ in Status.CHOICES}
    counts.update(found)
    return counts


def ids_sql(members, *, today: dt.date, status: str = "", pathway_id: int | None = None) -> tuple[str, list]:
    """SQL selecting the ids of `members` with this status and pathway, for `pk__in=RawSQL(...)`."""
    tail = _conditions(status, pathway_id)
    return _query(
        members,
        today=today,
        select="m.id",
        tail=tail,
        invited=bool(pathway_id),
        ids_only=True,
        status=status,
        pathway=pathway_id,
    )


def _conditions(status: str, pathway_id: int | None) -> str:
    tail = ""
    if status:
        tail += f" AND {_STATUS} = %(status)s"
    if pathway_id:
        tail += " AND COALESCE(le.pathway_id, li.pathway_id) = %(pathway)s"
    return tail


@dataclass(frozen=True, slots=True)
class MemberUser:
    """The member's account fields the CSV shows (a model instance per row would cost more than the row)."""

    pk: int
    email: str
    certificate_name: str
    licence_number: str


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member with their training: the attributes the dashboard's rows have, from the grouped query."""

    pk: int
    email: str
    role: str
    invited_at: dt.datetime | None
    joined_at: dt.datetime | None
    user: MemberUser | None
    status: str
    pathway_ref: int | None
    pathway_title: str | None
    units_done: int
    units_total: int
    progress_percent: int
    enrolment_completed_at: dt.datetime | None
    certificate_status: str | None
    certificate_expires_on: dt.date | None
    certificate_code: str | None
    on_old_version: bool
    seconds_spent: int | None
    cpd_minutes: int | None


def _columns() -> str:
    return f"""m.id, m.email, m.role, m.invited_at, m.joined_at, u.id, u.email, u.certificate_name,
    u.licence_number, {_STATUS}, COALESCE(le.pathway_id, li.pathway_id),
    COALESCE({_title("ep")}, {_title("ip")}), COALESCE(done.n, 0), COALESCE(units.n, 0), le.completed_at,
    lc.status, lc.expires_on, lc.code, lc.version_major, cc.version_major, le.seconds_spent, ec.cpd_minutes"""


def member_rows(
    members, *, today: dt.date, status: str = "", pathway_id: int | None = None
) -> Iterator[MemberRow]:
    """`members` with this status and pathway and their training, ordered by name then email, in one query
    read CHUNK_SIZE rows at a time (from a server-side cursor on PostgreSQL): memory stays flat."""
    sql, params = _query(
        members,
        today=today,
        select=_columns(),
        tail=_conditions(status, pathway_id) + " ORDER BY COALESCE(u.certificate_name, ''), m.email, m.id",
        counted=True,
        invited=True,
        status=status,
        pathway=pathway_id,
    )
    return _stream(sql, params, today=today)  # the SQL is built now, in the language of the request


def _stream(sql: str, params: list, *, today: dt.date) -> Iterator[MemberRow]:
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    cursor = connection.chunked_cursor() if server_side else connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(CHUNK_SIZE):
            for values in batch:
                yield _row(values, today=today)


def _row(values: tuple, *, today: dt.date) -> MemberRow:
    (
        pk,
        email,
        role,
        invited_at,
        joined_at,
        user_id,
        user_email,
        name,
        licence,
        status,
        pathway_ref,
        pathway_title,
        done,
        total,
        completed_at,
        certificate_status,
        expires_on,
        code,
        major,
        course_major,
        seconds,
        cpd,
    ) = values
    expires_on = _as_date(expires_on)
    completed_at = _as_datetime(completed_at)
    user = None
    if user_id is not None:
        user = MemberUser(pk=user_id, email=user_email, certificate_name=name, licence_number=licence)
    return MemberRow(
        pk=pk,
        email=email,
        role=role,
        invited_at=_as_datetime(invited_at),
        joined_at=_as_datetime(joined_at),
        user=user,
        status=status,
        pathway_ref=pathway_ref,
        pathway_title=pathway_title,
        units_done=done,
        units_total=total,
        progress_percent=percent_done(done, total, completed=completed_at is not None),
        enrolment_completed_at=completed_at,
        certificate_status=certificate_status,
        certificate_expires_on=expires_on,
        certificate_code=code,
        on_old_version=bool(
            certificate_status == CertificateStatus.ISSUED and expires_on >= today and major < course_major
        ),
        seconds_spent=seconds,
        cpd_minutes=cpd,
    )


def _as_date(value) -> dt.date | None:
    """SQLite hands back text for dates and datetimes chosen through joins; PostgreSQL, typed values."""
    return parse_date(value) if isinstance(value, str) else value


def _as_datetime(value) -> dt.datetime | None:
    """SQLite stores UTC without an offset (Django's own converter adds it back); PostgreSQL's are aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value
