"""Managers' pages (dashboard, CSV, ZIP of certificates, invitations, members, licence look-up) and the
public page where an invited person joins. Every manager page answers 404 to anyone who does not manage
that organisation, so nobody learns which organisations exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import two_factor
from accounts.forms import SignUpForm
from accounts.verification import send_verification_email
from elearning.client_ip import client_ip
from elearning.limits import limit_hit, limit_reached
from quizzes import rules as quiz_rules

from . import selectors, services, spreadsheet
from .context_processors import remember_manager_flag
from .forms import (
    EmailInvitationForm,
    LicenceLookupForm,
    LinkInvitationForm,
    MemberFilterForm,
    RoleForm,
    parse_ids,
)
from .models import CertificateExport, Invitation, Membership, Organisation

PAGE_SIZE = 50
LOOKUP_GROUP = "invitation-lookups"


def manager_required(view: Callable) -> Callable:
    """Log-in required; then the organisation in the URL must be one the user manages, else 404; then the
    session must have passed two-step verification (set it up first if the manager has none)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, organisation_id: int, *args, **kwargs) -> HttpResponse:
        try:
            organisation = selectors.organisation_get_for_manager(
                user=request.user, organisation_id=organisation_id
            )
        except Organisation.DoesNotExist as exc:
            raise Http404("No such organisation.") from exc
        needs_second_step = two_factor.required_redirect(request, reason="manager")
        if needs_second_step is not None:
            return needs_second_step
        return view(request, organisation, *args, **kwargs)

    return wrapper


def _posted(request: HttpRequest):
    """The data to bind a form to: a POST with no fields is still a submission (and gets its errors)."""
    return request.POST if request.method == "POST" else None


def _member_or_404(organisation: Organisation, membership_id: int) -> Membership:
    try:
        return selectors.member_get_with_status(organisation=organisation, membership_id=membership_id)
    except Membership.DoesNotExist as exc:
        raise Http404("No such member.") from exc


# Organisations and the dashboard ------------------------------------------------------------------------


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisation_list_for_manager(user=request.user))
    remember_manager_flag(request, request.user)
    if len(organisations) == 1:
        return redirect("organisations:dashboard", organisation_id=organisations[0].pk)
    return render(request, "organisations/list.html", {"organisations": organisations})


@manager_required
@require_GET
def dashboard(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = MemberFilterForm(request.GET or None, licensing=organisation.is_licensing_authority)
    filters = form.filters()
    members = selectors.member_list(organisation=organisation, **filters)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.member_status_counts(organisation=organisation)
    return render(
        request,
        "organisations/dashboard.html",
        {
            "organisation": organisation,
            "form": form,
            "filtered": any(filters.values()),
            "page": page,
            "summary": [(key, label, counts[key]) for key, label in selectors.Status.CHOICES],
            "query": query.urlencode(),
        },
    )


@manager_required
@require_GET
def export_csv(request: HttpRequest, organisation: Organisation) -> StreamingHttpResponse:
    form = MemberFilterForm(request.GET or None, licensing=organisation.is_licensing_authority)
    members = selectors.member_rows_for_export(organisation=organisation, **form.filters())
    response = StreamingHttpResponse(
        spreadsheet.member_rows(members, licensing=organisation.is_licensing_authority),  # in this language
        content_type="text/csv; charset=utf-8",
    )
    filename = f"members-{organisation.pk}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Members ------------------------------------------------------------------------------------------------


@manager_required
@require_GET
def member_detail(request: HttpRequest, organisation: Organisation, membership_id: int) -> HttpResponse:
    member = _member_or_404(organisation, membership_id)
    training = selectors.member_training(membership=member)
    return render(
        request,
        "organisations/member_detail.html",
        {
            "organisation": organisation,
            "member": member,
            "labels": selectors.Status.LABELS,
            "training": training,
            "locks": quiz_rules.locks_for_enrolments(enrolments=training.enrolments),
            "invitations": member.invitations.order_by("-created_at") if member.is_invited else [],
            "is_self": member.user_id == request.user.pk,
        },
    )


@manager_required
@require_POST
def member_role(request: HttpRequest, organisation: Organisation, membership_id: int) -> HttpResponse:
    member = _member_or_404(organisation, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return render(request, "errors/400.html", {"message": _("Choose manager or learner.")}, status=400)
    try:
        changed = services.membership_set_role(membership=member, role=form.cleaned_data["role"])
    except services.MembershipError as exc:
        messages.error(request, str(exc))
        return redirect("organisations:member", organisation_id=organisation.pk, membership_id=member.pk)
    name = member.user.certificate_name if member.user else member.email
    now = _("%(name)s is now a manager.") if changed.is_manager else _("%(name)s is now a learner.")
    messages.success(request, now % {"name": name})
    if changed.user_id == request.user.pk and not changed.is_manager:  # stepped down: no longer allowed here
        remember_manager_flag(request, request.user)
        return redirect("organisations:list")
    return redirect("organisations:member", organisation_id=organisation.pk, membership_id=member.pk)


@manager_required
@require_POST
def member_remove(request: HttpRequest, organisation: Organisation, membership_id: int) -> HttpResponse:
    member = _member_or_404(organisation, membership_id)
    try:
        services.membership_remove(membership=member)
    except services.MembershipError as exc:
        messages.error(request, str(exc))
        return redirect("organisations:member", organisation_id=organisation.pk, membership_id=member.pk)
    name = member.user.certificate_name if member.user else member.email
    messages.success(
        request, _("%(name)s has been removed from %(org)s.") % {"name": name, "org": organisation.name}
    )
    if member.user_id == request.user.pk:
        remember_manager_flag(request, request.user)
        return redirect("organisations:list")
    return redirect("organisations:dashboard", organisation_id=organisation.pk)


# Invitations --------------------------------------------------------------------------------------------


def _invitation_rows(organisation: Organisation) -> list[dict]:
    now = timezone.now()
    return [
        {
            "invitation": invitation,
            "state": invitation.state(now),
            "url": services.invitation_url(invitation) if invitation.kind == Invitation.Kind.LINK else "",
        }
        for invitation in selectors.invitation_list(organisation=organisation)[:200]
    ]


@manager_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = LinkInvitationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.invitation_link_create(
            organisation=organisation,
            created_by=request.user,
            pathway=form.cleaned_data["pathway"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
        messages.success(request, _("Your invitation link has been created. Copy it from the table below."))
        return redirect("organisations:invitations", organisation_id=organisation.pk)
    return render(
        request,
        "organisations/invitations.html",
        {"organisation": organisation, "form": form, "rows": _invitation_rows(organisation)},
        status=400 if request.method == "POST" else 200,
    )


@manager_required
@require_POST
def invitation_revoke(request: HttpRequest, organisation: Organisation, invitation_id: int) -> HttpResponse:
    try:
        invitation = selectors.invitation_get(organisation=organisation, invitation_id=invitation_id)
    except Invitation.DoesNotExist as exc:
        raise Http404("No such invitation.") from exc
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation has been withdrawn. It can no longer be used."))
    return redirect("organisations:invitations", organisation_id=organisation.pk)


@manager_required
@require_http_methods(["GET", "POST"])
def invite_emails(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = EmailInvitationForm(_posted(request))
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.invitations_create_for_emails(
            organisation=organisation,
            text=form.cleaned_data["emails"],
            created_by=request.user,
            pathway=form.cleaned_data["pathway"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
        # Every address used is listed, and every one refused; those are offered again, to correct and send.
        bad_lines = "\n".join(problem.value for problem in result.problems)
        form = EmailInvitationForm(
            initial={
                "emails": bad_lines,
                "pathway": form.cleaned_data["pathway"],
                "expires_in_days": form.cleaned_data["expires_in_days"],
            }
        )
    status = 400 if request.method == "POST" and result is None else 200
    return render(
        request,
        "organisations/invite_emails.html",
        {"organisation": organisation, "form": form, "result": result},
        status=status,
    )


# Certificate ZIPs ---------------------------------------------------------------------------------------


@manager_required
@require_POST
def export_create(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    ids = parse_ids(request.POST.getlist("member"), limit=services.exports.MAX_MEMBERS_PER_EXPORT)
    try:
        export = services.export_create(
            organisation=organisation, requested_by=request.user, membership_ids=ids
        )
    except services.ExportError as exc:
        messages.error(request, str(exc))
        return redirect("organisations:dashboard", organisation_id=organisation.pk)
    return redirect("organisations:export", organisation_id=organisation.pk, export_id=export.pk)


def _export_or_404(organisation: Organisation, export_id: int) -> CertificateExport:
    try:
        return selectors.export_get(organisation=organisation, export_id=export_id)
    except CertificateExport.DoesNotExist as exc:
        raise Http404("No such export.") from exc


@manager_required
@require_GET
def export_detail(request: HttpRequest, organisation: Organisation, export_id: int) -> HttpResponse:
    export = _export_or_404(organisation, export_id)
    return render(
        request,
        "organisations/export_detail.html",
        {"organisation": organisation, "export": export, "people": len(export.membership_ids)},
    )


@manager_required
@require_GET
def export_download(request: HttpRequest, organisation: Organisation, export_id: int) -> HttpResponse:
    export = _export_or_404(organisation, export_id)
    if export.status != CertificateExport.Status.READY or not export.file:
        raise Http404("The file is not ready.")
    response = FileResponse(
        export.file.open("rb"),
        content_type="application/zip",
        as_attachment=True,
        filename=f"certificates-{organisation.pk}-{export.pk}.zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Licence look-up ----------------------------------------------------------------------------------------


@manager_required
@require_GET
def lookup(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    if not organisation.is_licensing_authority:
        raise Http404("Only licensing authorities can look up licence numbers.")
    form = LicenceLookupForm(request.GET if "number" in request.GET else None)
    matches = None
    if form.is_bound and form.is_valid():
        matches = selectors.member_lookup_by_licence(
            organisation=organisation, number=form.cleaned_data["number"]
        )
    response = render(
        request,
        "organisations/lookup.html",
        {
            "organisation": organisation,
            "form": form,
            "matches": matches,
            "labels": selectors.Status.LABELS,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Joining ------------------------------------------------------------------------------------------------


def _unusable(request: HttpRequest, invitation: Invitation, state: str) -> HttpResponse:
    return render(
        request,
        "organisations/join_unusable.html",
        {"organisation": invitation.organisation, "state": state},
        status=410,
    )


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    messages.success(request, _("You have joined %(name)s.") % {"name": invitation.organisation.name})
    if invitation.pathway is not None:
        return redirect("courses:start", course_slug=invitation.pathway.course.slug)
    return redirect("courses:dashboard")


def _wrong_account(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    context = {"organisation": invitation.organisation}
    return render(request, "organisations/join_wrong_account.html", context, status=403)


def _lookup_limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "organisations/join_limited.html", status=429)
    response["Retry-After"] = "600"
    return response


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    ip = client_ip(request)
    if limit_reached(request, group=LOOKUP_GROUP, value=ip, rate=settings.INVITATION_LOOKUP_RATE):
        return _lookup_limited(request)
    try:
        invitation = selectors.invitation_from_token(token=token)
    except Invitation.DoesNotExist:
        limit_hit(request, group=LOOKUP_GROUP, value=ip, rate=settings.INVITATION_LOOKUP_RATE)
        return render(request, "organisations/join_invalid.html", status=404)
    state = invitation.state()
    if state != "active":
        return _unusable(request, invitation, state)
    if request.user.is_authenticated:
        if not services.invitation_is_for(invitation=invitation, user=request.user):
            return _wrong_account(request, invitation)
        if request.method == "POST":
            try:
                services.invitation_accept(invitation_id=invitation.pk, user=request.user)
            except services.InvitationUnusable as exc:
                if exc.state == "another-address":
                    return _wrong_account(request, invitation)
                return _unusable(request, invitation, exc.state)
            return _joined(request, invitation)
        already = selectors.membership_for_user(organisation=invitation.organisation, user=request.user)
        return render(
            request, "organisations/join_confirm.html", {"invitation": invitation, "already_member": already}
        )
    form = SignUpForm(_posted(request), initial={"email": invitation.email})
    if (
        request.method == "POST"
        and form.is_valid()
        and invitation.kind == Invitation.Kind.EMAIL
        and form.cleaned_data["email"] != (invitation.email or "").lower()
    ):
        form.add_error(
            "email",
            _(
                "This invitation was sent to another email address. Sign up with the address it was sent to, "
                "or ask %(name)s to invite this one."
            )
            % {"name": invitation.organisation.name},
        )
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept_with_sign_up(
                invitation_id=invitation.pk,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                certificate_name=form.cleaned_data["certificate_name"],
            )
        except services.InvitationUnusable as exc:
            return _unusable(request, invitation, exc.state)
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        if not membership.user.email_verified:  # a link invitation says nothing about the address
            send_verification_email(user=membership.user)
        return _joined(request, invitation)
    return render(
        request,
        "organisations/join_sign_up.html",
        {
            "invitation": invitation,
            "form": form,
            "login_url": f"{reverse('login')}?{urlencode({'next': request.path})}",
        },
        status=400 if request.method == "POST" else 200,
    )
