"""Reads for organisation pages, exports and reminders. Member statuses are computed in SQL so the dashboard
can filter, count and paginate them; certificate rows come, read-only, from certificates.api."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.search import Fold
from accounts.services import normalise_licence_number
from certificates import api as certificates_api
from certificates.api import Certificate, CertificateStatus
from courses.models import Enrolment, Pathway, Unit, UnitProgress
from courses.progress import percent_done_sql
from elearning.language import localized

from . import training
from .models import CertificateExport, Invitation, Membership, Organisation
from .statuses import EXPIRING_WITHIN_DAYS, Status

TOKEN_SALT = "organisations.invitation"  # noqa: S105 - an HMAC salt, not a secret


# Who manages what --------------------------------------------------------------------------------------


def organisation_list_for_manager(*, user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.MANAGER
    ).order_by("name", "id")


def organisation_get_for_manager(*, user, organisation_id: int) -> Organisation:
    """Raises Organisation.DoesNotExist for unknown organisations and for ones the user does not manage."""
    return organisation_list_for_manager(user=user).get(pk=organisation_id)


def user_is_manager(*, user) -> bool:
    return organisation_list_for_manager(user=user).exists()


def membership_get(*, organisation: Organisation, membership_id: int) -> Membership:
    return Membership.objects.select_related("user").get(organisation=organisation, pk=membership_id)


def membership_for_user(*, organisation: Organisation, user) -> Membership | None:
    return Membership.objects.filter(organisation=organisation, user=user).first()


def manager_count(*, organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Membership.Role.MANAGER).count()


# Member statuses ---------------------------------------------------------------------------------------


def _count(qs: QuerySet, group_by: str) -> Subquery:
    return Subquery(qs.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1])


def _with_status(qs: QuerySet[Membership], *, today: dt.date) -> QuerySet[Membership]:
    """Annotate each membership with its latest enrolment's progress and latest certificate, then `status`.

    Everything is a correlated subquery, so a page of members costs one query however many rows it has."""
    latest_enrolment = Enrolment.objects.filter(learner=OuterRef("user")).order_by("-started_at", "-id")
    with_counts = latest_enrolment.annotate(
        done=Coalesce(_count(UnitProgress.objects.filter(enrolment=OuterRef("pk")), "enrolment"), 0),
        total=Coalesce(_count(Unit.objects.filter(course=OuterRef("course")), "course"), 0),
    )
    latest_certificate = certificates_api.certificates_latest_first(learner=OuterRef("user"))
    invitation = Invitation.objects.filter(membership=OuterRef("pk")).order_by("-created_at", "-id")
    qs = qs.annotate(
        enrolment_completed_at=Subquery(latest_enrolment.values("completed_at")[:1]),
        units_done=Coalesce(Subquery(with_counts.values("done")[:1]), 0),
        units_total=Coalesce(Subquery(with_counts.values("total")[:1]), 0),
        pathway_ref=Coalesce(
            Subquery(latest_enrolment.values("pathway_id")[:1]),
            Subquery(invitation.values("pathway_id")[:1]),
        ),
        pathway_title=Coalesce(
            Subquery(latest_enrolment.annotate(t=localized("pathway__title")).values("t")[:1]),
            Subquery(invitation.annotate(t=localized("pathway__title")).values("t")[:1]),
        ),
        certificate_status=Subquery(latest_certificate.values("status")[:1]),
        certificate_expires_on=Subquery(latest_certificate.values("expires_on")[:1]),
        certificate_code=Subquery(latest_certificate.values("code")[:1]),
        # The version the latest certificate was earned on, and the course's: an older major means
        # material facts changed since (the holder has been offered a refresher).
        certificate_version_major=Subquery(latest_certificate.values("version_major")[:1]),
        certificate_version_minor=Subquery(latest_certificate.values("version_minor")[:1]),
        course_version_major=Subquery(latest_certificate.values("course__version_major")[:1]),
        # Honest time (issue 17): recorded time beside the course's declared CPD time.
        seconds_spent=Subquery(latest_enrolment.values("seconds_spent")[:1]),
        cpd_minutes=Subquery(latest_enrolment.values("course__cpd_minutes")[:1]),
    )
    issued = Q(certificate_status=CertificateStatus.ISSUED)
    return qs.annotate(
        status=Case(
            When(user__isnull=True, then=Value(Status.INVITED)),
            When(certificate_status=CertificateStatus.REVOKED, then=Value(Status.REVOKED)),
            When(issued & Q(certificate_expires_on__lt=today), then=Value(Status.EXPIRED)),
            When(
                issued & Q(certificate_expires_on__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS)),
                then=Value(Status.EXPIRING),
            ),
            When(issued, then=Value(Status.VALID)),
            When(certificate_status__isnull=False, then=Value(Status.COMPLETED)),  # pending or failed
            When(enrolment_completed_at__isnull=False, then=Value(Status.COMPLETED)),
            When(units_done__gt=0, then=Value(Status.IN_PROGRESS)),
            default=Value(Status.NOT_STARTED),
            output_field=CharField(),
        ),
        on_old_version=Case(
            When(
                issued
                & Q(certificate_expires_on__gte=today)  # expired: the whole course again, not a refresher
                & Q(certificate_version_major__lt=F("course_version_major")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        progress_percent=percent_done_sql("units_done", "units_total", "enrolment_completed_at"),
    )


def _members(*, organisation: Organisation, search: str = "") -> QuerySet[Membership]:
    """The organisation's members, only those matching `search` if given."""
    qs = Membership.objects.filter(organisation=organisation)
    search = " ".join(search.split())
    if search:
        # Accents and case ignored on both sides ("sian" finds "Siân"), by the database's cse_fold().
        typed = Fold(Value(search))
        qs = qs.alias(
            email_folded=Fold("email"),
            user_email_folded=Fold("user__email"),
            name_folded=Fold("user__certificate_name"),
        )
        match = (
            Q(email_folded__contains=typed)
            | Q(user_email_folded__contains=typed)
            | Q(name_folded__contains=typed)
        )
        if organisation.is_licensing_authority and len(number := normalise_licence_number(search)) >= 2:
            match |= Q(user__licence_number__startswith=number)  # a partial number finds its holders
        qs = qs.filter(match)
    return qs


def member_list(
    *,
    organisation: Organisation,
    status: str = "",
    pathway_id: int | None = None,
    search: str = "",
    today: dt.date | None = None,
) -> QuerySet[Membership]:
    """The organisation's members with their training status, filtered, ordered by name then email.

    Status and pathway filter by ids from the grouped training query (organisations.training), run once for
    the whole organisation; the correlated annotations of `_with_status` are then computed only for the rows
    read (PostgreSQL evaluates them after the sort and LIMIT of a page)."""
    today = today or timezone.localdate()
    qs = _members(organisation=organisation, search=search)
    if status or pathway_id:
        sql, params = training.ids_sql(
            Membership.objects.filter(organisation=organisation),
            today=today,
            status=status,
            pathway_id=pathway_id,
        )
        qs = qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611  # nosec B611 - values are parameters
    qs = _with_status(qs.select_related("user"), today=today)
    return qs.order_by(Coalesce("user__certificate_name", Value("")), "email", "pk")


def member_rows_for_export(
    *,
    organisation: Organisation,
    status: str = "",
    pathway_id: int | None = None,
    search: str = "",
    today: dt.date | None = None,
) -> Iterator[training.MemberRow]:
    """member_list's members and values for the CSV, from one grouped query streamed a chunk at a time."""
    return training.member_rows(
        _members(organisation=organisation, search=search),
        today=today or timezone.localdate(),
        status=status,
        pathway_id=pathway_id,
    )


def member_status_counts(*, organisation: Organisation, today: dt.date | None = None) -> dict[str, int]:
    """How many members have each status, in one grouped query."""
    return training.status_counts(
        Membership.objects.filter(organisation=organisation), today=today or timezone.localdate()
    )


def pathway_choices() -> QuerySet[Pathway]:
    return (
        Pathway.objects.filter(course__is_published=True)
        .select_related("course")
        .order_by("course__title", "order", "id")
    )


def member_get_with_status(
    *, organisation: Organisation, membership_id: int, today: dt.date | None = None
) -> Membership:
    return member_list(organisation=organisation, today=today).get(pk=membership_id)


@dataclass(frozen=True)
class MemberTraining:
    enrolments: list[Enrolment]
    certificates: list[Certificate]


def member_training(*, membership: Membership) -> MemberTraining:
    """Training records a manager may see: enrolments with progress and certificates. No quiz answers."""
    if membership.user_id is None:
        return MemberTraining(enrolments=[], certificates=[])
    enrolments = (
        Enrolment.objects.filter(learner_id=membership.user_id)
        .select_related("course", "pathway")
        .annotate(
            units_done=Coalesce(
                _count(UnitProgress.objects.filter(enrolment=OuterRef("pk")), "enrolment"), 0
            ),
            units_total=Coalesce(_count(Unit.objects.filter(course=OuterRef("course")), "course"), 0),
        )
        .order_by("-started_at", "-id")
    )
    certificates = certificates_api.certificates_latest_first(learner=membership.user_id)
    return MemberTraining(enrolments=list(enrolments), certificates=list(certificates))


def member_lookup_by_licence(
    *, organisation: Organisation, number: str, today: dt.date | None = None
) -> list[Membership]:
    """Members of this organisation whose recorded licence or badge number matches; nobody else, ever."""
    number = normalise_licence_number(number)
    if not number:
        return []
    return list(
        member_list(organisation=organisation, today=today).filter(
            user__isnull=False, user__licence_number=number
        )
    )


# Invitations --------------------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The token in an invitation link: the stored key plus an HMAC of it, so a copy of the database alone
    cannot be used to join."""
    return f"{invitation.key}.{salted_hmac(TOKEN_SALT, invitation.key).hexdigest()[:32]}"


def invitation_from_token(*, token: str) -> Invitation:
    """Raises Invitation.DoesNotExist for malformed, forged and unknown tokens alike."""
    key, _, mac = token.partition(".")
    if not key or not mac or len(key) > 32:
        raise Invitation.DoesNotExist
    expected = salted_hmac(TOKEN_SALT, key).hexdigest()[:32]
    if not constant_time_compare(mac, expected):
        raise Invitation.DoesNotExist
    return Invitation.objects.select_related("organisation", "pathway", "pathway__course").get(key=key)


def invitation_list(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation).select_related("pathway", "created_by")


def invitation_get(*, organisation: Organisation, invitation_id: int) -> Invitation:
    return Invitation.objects.get(organisation=organisation, pk=invitation_id)


# Exports ------------------------------------------------------------------------------------------------


def export_get(*, organisation: Organisation, export_id: int) -> CertificateExport:
    return CertificateExport.objects.get(organisation=organisation, pk=export_id)


def export_list(*, organisation: Organisation) -> QuerySet[CertificateExport]:
    return CertificateExport.objects.filter(organisation=organisation).select_related("requested_by")


def certificates_for_export(
    *, organisation: Organisation, membership_ids: list[int]
) -> QuerySet[Certificate]:
    """Issued certificates (with a PDF) of the chosen members who are still in the organisation."""
    users = Membership.objects.filter(
        organisation=organisation, pk__in=membership_ids, user__isnull=False
    ).values("user_id")
    return certificates_api.certificates_issued_with_pdf(learners=users)


def members_for_export(*, organisation: Organisation, membership_ids: list[int]) -> QuerySet[Membership]:
    return Membership.objects.filter(
        organisation=organisation, pk__in=membership_ids, user__isnull=False
    ).select_related("user")


# Reminders and summaries --------------------------------------------------------------------------------

REMINDER_DAYS = (90, 30, 7)


def certificates_due_a_reminder(*, today: dt.date) -> QuerySet[Certificate]:
    """Issued, unexpired certificates within 90 days of expiry whose most urgent due reminder (annotated as
    `threshold`) has not been sent, and that no later certificate for the same course has replaced."""
    from .models import ExpiryReminder

    thresholds = sorted(REMINDER_DAYS)  # most urgent first
    threshold = Case(
        *[When(expires_on__lte=today + dt.timedelta(days=days), then=Value(days)) for days in thresholds],
        output_field=IntegerField(),
    )
    done = ExpiryReminder.objects.filter(
        certificate=OuterRef("pk"),
        threshold_days=OuterRef("threshold"),
        outcome__in=[ExpiryReminder.Outcome.SENT, ExpiryReminder.Outcome.SKIPPED],
    )
    return (
        certificates_api.certificates_issued_expiring(
            start=today, end=today + dt.timedelta(days=max(thresholds))
        )
        .annotate(threshold=threshold)
        .exclude(Exists(done))
        .order_by("expires_on", "id")
    )


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    expiring: list[Membership]
    expired: list[Membership]
    more_expiring: int
    more_expired: int


def summary_for(*, organisation: Organisation, today: dt.date, limit: int = 50) -> Summary:
    counts = member_status_counts(organisation=organisation, today=today)
    expiring = list(
        member_list(organisation=organisation, status=Status.EXPIRING, today=today).order_by(
            "certificate_expires_on", "pk"
        )[:limit]
    )
    expired = list(
        member_list(organisation=organisation, status=Status.EXPIRED, today=today).order_by(
            "-certificate_expires_on", "pk"
        )[:limit]
    )
    return Summary(
        counts=counts,
        expiring=expiring,
        expired=expired,
        more_expiring=max(0, counts[Status.EXPIRING] - len(expiring)),
        more_expired=max(0, counts[Status.EXPIRED] - len(expired)),
    )


def organisations_with_managers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        Exists(Membership.objects.filter(organisation=OuterRef("pk"), role=Membership.Role.MANAGER))
    ).order_by("pk")


def manager_recipients(*, organisation: Organisation) -> list[tuple[str, str]]:
    """Active managers' (email, chosen language) pairs; an empty language means "not chosen"."""
    return list(
        Membership.objects.filter(
            organisation=organisation, role=Membership.Role.MANAGER, user__is_active=True
        ).values_list("user__email", "user__language")
    )


def personal_data_memberships(user) -> list[dict]:
    """A learner's organisations, for "download my data"."""
    return [
        {
            "organisation": m.organisation.name,
            "role": m.get_role_display(),
            "joined_at": m.joined_at.isoformat() if m.joined_at else None,
        }
        for m in Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("joined_at", "pk")
    ]
