"""Helpers for organisation tests: build members in every training state (one at a time through the real
services, or hundreds at once with bulk_create), and read sent mail."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from accounts.models import User
from certificates.models import Certificate
from certificates.services import new_code
from courses import services as course_services
from courses.models import Enrolment, UnitProgress
from organisations.models import Membership, Organisation
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import body_text, sent_messages  # noqa: F401 - re-exported for tests
from tests.elearning.factories import UserFactory

from .factories import InvitedMembershipFactory, MembershipFactory

PASSWORD = "correct-horse-battery-1"


def member_in_state(organisation: Organisation, course, state: str, *, today: dt.date | None = None, **user):
    """A member whose training is in `state`: invited, not_started, in_progress, completed, valid,
    expiring, expired or revoked (for certificate states, `expires_in` days may be given in `user`)."""
    today = today or timezone.localdate()
    expires_in = user.pop("expires_in", None)
    if state == "invited":
        return InvitedMembershipFactory(
            organisation=organisation, **{k: v for k, v in user.items() if k == "email"}
        )
    learner = UserFactory(**user)
    membership = MembershipFactory(organisation=organisation, user=learner)
    if state == "not_started":
        return membership
    enrolment = course_services.enrolment_create(learner=learner, pathway=course.pathway)
    course_services.unit_visit(enrolment=enrolment, unit=course.units[0])
    if state == "in_progress":
        course_services.unit_complete(enrolment=enrolment, unit=course.units[0])
        return membership
    # Complete by setting the rows directly: the signal would queue a real certificate issue.
    for unit in course.units:
        UnitProgress.objects.create(enrolment=enrolment, unit=unit, completed_at=timezone.now())
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now(), content_version=1)
    enrolment.refresh_from_db()
    if state == "completed":
        CertificateFactory(enrolment=enrolment, status=Certificate.Status.PENDING)
        return membership
    days = (
        {"valid": 400, "expiring": 60, "expired": -5, "revoked": 400}[state]
        if expires_in is None
        else expires_in
    )
    CertificateFactory(
        enrolment=enrolment,
        status=Certificate.Status.REVOKED if state == "revoked" else Certificate.Status.ISSUED,
        issued_on=today - dt.timedelta(days=30),
        expires_on=today + dt.timedelta(days=days),
    )
    return membership


STATES = ("invited", "not_started", "in_progress", "completed", "valid", "expiring", "expired", "revoked")


def bulk_members(organisation: Organisation, course, count: int, *, prefix: str = "bulk") -> list[Membership]:
    """`count` members cycling through every state, made with bulk_create (fast enough for 10,000)."""
    today = timezone.localdate()
    now = timezone.now()
    states = list(itertools.islice(itertools.cycle(STATES), count))
    invited = [
        Membership(organisation=organisation, email=f"{prefix}-inv-{i}@example.com", invited_at=now)
        for i, state in enumerate(states)
        if state == "invited"
    ]
    joined_states = [state for state in states if state != "invited"]
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}-{i}@example.com",
                certificate_name=f"{prefix.title()} Learner {i:05d}",
                password="!",
            )
            for i in range(len(joined_states))
        ]
    )
    members = Membership.objects.bulk_create(
        invited + [Membership(organisation=organisation, user=u, email=u.email, joined_at=now) for u in users]
    )
    started = [(u, s) for u, s in zip(users, joined_states, strict=True) if s != "not_started"]
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                learner=u,
                course=course.course,
                pathway=course.pathway,
                completed_at=None if s == "in_progress" else now,
                content_version=None if s == "in_progress" else 1,
            )
            for u, s in started
        ]
    )
    progress = []
    certificates = []
    for enrolment, (u, s) in zip(enrolments, started, strict=True):
        units = course.units[:1] if s == "in_progress" else course.units
        progress += [UnitProgress(enrolment=enrolment, unit=unit, completed_at=now) for unit in units]
        if s == "in_progress":
            continue
        status = {
            "completed": Certificate.Status.PENDING,
            "revoked": Certificate.Status.REVOKED,
        }.get(s, Certificate.Status.ISSUED)
        days = {"completed": 1000, "valid": 400, "expiring": 60, "expired": -5, "revoked": 400}[s]
        certificates.append(
            Certificate(
                code=new_code(),
                enrolment=enrolment,
                learner=u,
                course=course.course,
                pathway=course.pathway,
                content_version=1,
                holder_name=u.certificate_name,
                course_title=course.course.title,
                pathway_title=course.pathway.title,
                cpd_minutes=60,
                issued_on=today - dt.timedelta(days=30),
                expires_on=today + dt.timedelta(days=days),
                status=status,
            )
        )
    UnitProgress.objects.bulk_create(progress)
    Certificate.objects.bulk_create(certificates)
    return members
