"""The grouped training query (organisations.training) held to the per-member correlated subqueries it
replaced (selectors._with_status, filtered and counted directly as before issue 20): on random histories —
invited members with and without a pathway, several enrolments per learner on two courses, units done,
certificates pending, failed, issued, revoked, expired and expiring on several versions, ties in dates — the
statuses, values, counts, filters and order are exactly the same, in English and in Welsh."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import Count, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from accounts.models import User
from certificates.models import Certificate
from certificates.services import new_code
from courses.models import Enrolment, UnitProgress
from organisations import selectors, training
from organisations.models import Invitation, Membership
from organisations.selectors import Status
from tests.courses.factories import CourseFactory, PathwayFactory, UnitFactory

from .factories import InvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
FIELDS = (
    "pk",
    "email",
    "status",
    "pathway_ref",
    "pathway_title",
    "units_done",
    "units_total",
    "progress_percent",
    "enrolment_completed_at",
    "certificate_status",
    "certificate_expires_on",
    "certificate_code",
    "on_old_version",
    "seconds_spent",
    "cpd_minutes",
)
# Expiry dates around every boundary of the status rule.
EXPIRY_OFFSETS = (-400, -1, 0, 1, 89, 90, 91, 365)


def _courses():
    first = CourseFactory(version_major=2, cpd_minutes=90)
    second = CourseFactory(version_major=1, cpd_minutes=30)
    pathways = [
        PathwayFactory(course=first, title="Foster carers", title_cy="Gofalwyr maeth"),
        PathwayFactory(course=first, title="Taxi drivers", title_cy=""),  # Welsh falls back to English
        PathwayFactory(course=second, title="Hotel staff", title_cy="Staff gwesty"),
    ]
    units = {first: [UnitFactory(course=first) for _ in range(3)], second: [UnitFactory(course=second)]}
    return pathways, units


def _history(rng: random.Random, organisation, pathways, units, count: int) -> None:
    """`count` members with random training histories; some learners are in another organisation too."""
    now = timezone.now()
    base = timezone.make_aware(dt.datetime(2026, 1, 1))
    other = OrganisationFactory()
    for n in range(count):
        if rng.random() < 0.2:
            member = Membership.objects.create(
                organisation=organisation, email=f"inv{n}-{rng.random()}@example.com", invited_at=now
            )
        else:
            user = User.objects.create(
                email=f"m{n}-{rng.random()}@example.com",
                # Repeated and missing names make the email and id decide the order.
                certificate_name=rng.choice(["Ann", "Bob", "Siân", "", "Zoë"]),
                password="!",  # noqa: S106 - unusable
            )
            member = Membership.objects.create(
                organisation=organisation, user=user, email=user.email, joined_at=now
            )
            if rng.random() < 0.2:
                Membership.objects.create(organisation=other, user=user, email=user.email, joined_at=now)
            _learner_history(rng, user, pathways, units, base)
        for _ in range(rng.choice((0, 0, 1, 2))):
            invitation = InvitationFactory(
                organisation=organisation,
                kind=Invitation.Kind.EMAIL,
                email=member.email,
                membership=member,
                pathway=rng.choice([None, *pathways]),
            )
            # Ties in created_at: the id decides which invitation is the latest.
            Invitation.objects.filter(pk=invitation.pk).update(
                created_at=base + dt.timedelta(days=rng.choice((1, 2)))
            )


def _learner_history(rng: random.Random, user, pathways, units, base) -> None:
    open_courses: set[int] = set()
    versions = 0
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        pathway = rng.choice(pathways)
        course = pathway.course
        completed = course.pk in open_courses or rng.random() < 0.6
        enrolment = Enrolment.objects.create(
            learner=user,
            course=course,
            pathway=pathway,
            completed_at=base if completed else None,
            content_version=1 if completed else None,
            seconds_spent=rng.randint(0, 5000),
        )
        if not completed:
            open_courses.add(course.pk)
        # Ties in started_at: the id decides which enrolment is the latest.
        Enrolment.objects.filter(pk=enrolment.pk).update(
            started_at=base + dt.timedelta(days=rng.choice((1, 2, 3)))
        )
        course_units = units[course]
        for unit in rng.sample(course_units, rng.randint(0, len(course_units))):
            UnitProgress.objects.create(enrolment=enrolment, unit=unit, completed_at=base)
        for _ in range(rng.choice((0, 1, 1, 2))):
            versions += 1
            Certificate.objects.create(
                code=new_code(),
                enrolment=enrolment,
                learner=user,
                course=course,
                pathway=pathway,
                content_version=versions,
                version_major=rng.randint(1, course.version_major),
                holder_name=user.certificate_name,
                course_title=course.title,
                pathway_title=pathway.title,
                cpd_minutes=60,
                issued_on=TODAY - dt.timedelta(days=rng.choice((10, 20))),  # ties: the id decides
                expires_on=TODAY + dt.timedelta(days=rng.choice(EXPIRY_OFFSETS)),
                status=rng.choice(list(Certificate.Status)),
            )


def _old(organisation, *, status: str = "", pathway_id: int | None = None) -> list[Membership]:
    """The members as the dashboard read them before issue 20: correlated subqueries filtered directly."""
    qs = selectors._with_status(
        Membership.objects.filter(organisation=organisation).select_related("user"), today=TODAY
    )
    if status:
        qs = qs.filter(status=status)
    if pathway_id:
        qs = qs.filter(pathway_ref=pathway_id)
    return list(qs.order_by(Coalesce("user__certificate_name", Value("")), "email", "pk"))


def _old_counts(organisation) -> dict[str, int]:
    rows = (
        selectors._with_status(Membership.objects.filter(organisation=organisation), today=TODAY)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {key: 0 for key, _ in Status.CHOICES} | {row["status"]: row["n"] for row in rows}


def _values(rows) -> list[tuple]:
    return [tuple(getattr(row, name) for name in FIELDS) for row in rows]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("language", ["en", "cy"])
def test_grouped_query_gives_what_the_correlated_subqueries_gave(seed, language):
    rng = random.Random(seed)  # noqa: S311 - test data
    organisation = OrganisationFactory()
    pathways, units = _courses()
    _history(rng, organisation, pathways, units, count=40)
    with translation.override(language):
        old = _old(organisation)
        assert {row.status for row in old} >= {Status.INVITED, Status.NOT_STARTED}  # the data is varied
        assert len({row.status for row in old}) >= 5
        new_rows = list(selectors.member_rows_for_export(organisation=organisation, today=TODAY))
        assert _values(new_rows) == _values(old)
        assert [row.user.certificate_name if row.user else None for row in new_rows] == [
            row.user.certificate_name if row.user else None for row in old
        ]
        page = selectors.member_list(organisation=organisation, today=TODAY)
        assert _values(page) == _values(old)
        counts = selectors.member_status_counts(organisation=organisation, today=TODAY)
        assert counts == _old_counts(organisation)
        assert sum(counts.values()) == len(old)
        for status, _ in Status.CHOICES:
            expected = _values(_old(organisation, status=status))
            assert _values(selectors.member_list(organisation=organisation, status=status, today=TODAY)) == (
                expected
            ), status
            exported = selectors.member_rows_for_export(organisation=organisation, status=status, today=TODAY)
            assert _values(exported) == expected, status
        for pathway in pathways:
            expected = _values(_old(organisation, pathway_id=pathway.pk))
            filtered = selectors.member_list(organisation=organisation, pathway_id=pathway.pk, today=TODAY)
            assert _values(filtered) == expected
            exported = selectors.member_rows_for_export(
                organisation=organisation, pathway_id=pathway.pk, today=TODAY
            )
            assert _values(exported) == expected
        both = selectors.member_list(
            organisation=organisation, status=Status.VALID, pathway_id=pathways[0].pk, today=TODAY
        )
        assert _values(both) == [
            v for v in _values(_old(organisation, pathway_id=pathways[0].pk)) if v[2] == Status.VALID
        ]


def test_search_narrows_the_grouped_rows_like_the_page(organisation):
    rng = random.Random(7)  # noqa: S311 - test data
    pathways, units = _courses()
    _history(rng, organisation, pathways, units, count=30)
    for search in ("sian", "ann", "example.com", "nobody"):
        page = _values(selectors.member_list(organisation=organisation, search=search, today=TODAY))
        exported = _values(
            selectors.member_rows_for_export(organisation=organisation, search=search, today=TODAY)
        )
        assert exported == page, search
    assert _values(selectors.member_list(organisation=organisation, search="sian", today=TODAY))


def test_members_of_other_organisations_are_not_counted(organisation, other_organisation):
    rng = random.Random(8)  # noqa: S311 - test data
    pathways, units = _courses()
    _history(rng, other_organisation, pathways, units, count=10)
    assert selectors.member_status_counts(organisation=organisation, today=TODAY) == _old_counts(organisation)
    assert list(training.member_rows(Membership.objects.filter(organisation=organisation), today=TODAY)) == []
