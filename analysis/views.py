"""The item analysis pages: staff (content authors, and commissioners at staff level), an organisation's
managers (their own members only) and managers of a commissioning organisation (every organisation, by
audience). Manager pages use organisations' own `manager_required`, so whatever that check demands (log-in,
the manager role, any second factor) these pages demand too; everyone else gets 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accounts import two_factor
from organisations.models import Membership, Organisation
from organisations.views import manager_required

from . import chart, precompute, spreadsheet
from .forms import ReportFilterForm
from .models import Commissioner


def staff_required(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            raise Http404("No such page.")
        # Staff see every organisation's results: only after the second step, as in the admin.
        pending = two_factor.required_redirect(request, reason="staff")
        if pending is not None:
            return pending
        return view(request, *args, **kwargs)

    return wrapper


def _members(organisation: Organisation):
    return Membership.objects.filter(organisation=organisation, user__isnull=False).values("user_id")


def _commissioning(organisation: Organisation) -> Organisation:
    if not Commissioner.objects.filter(organisation=organisation).exists():
        raise Http404("No such page.")
    return organisation


def _build(request: HttpRequest, learner_ids=None, learners: str = "all"):
    form = ReportFilterForm(request.GET or None)
    scoped = form.scope(learner_ids=learner_ids)
    result = (
        None if scoped is None else precompute.report_for(scoped[0], learners=learners, pathway_id=scoped[1])
    )
    return form, result, scoped


def _page(
    request: HttpRequest, *, heading: str, who: str, csv_url: str, learner_ids=None, learners="all", **extra
):
    form, result, scoped = _build(request, learner_ids, learners)
    context = {
        "form": form,
        "report": result,
        "heading": heading,
        "who": who,
        "with_total": scoped is not None and scoped[1] is None,
        "csv_url": csv_url + (f"?{request.GET.urlencode()}" if request.GET else ""),
        "chart": chart.facility_svg(result) if result else "",
        **extra,
    }
    return render(request, "analysis/report.html", context, status=400 if form.errors else 200)


def _csv(request: HttpRequest, *, name: str, learner_ids=None, learners="all") -> HttpResponse:
    form, result, scoped = _build(request, learner_ids, learners)
    if result is None:
        return HttpResponse(
            gettext("Check the filters: ")
            + "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
            if form.errors
            else gettext("No course."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        spreadsheet.report_csv(result, with_total=scoped[1] is None), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate().isoformat()}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_GET
def staff_report(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        heading=gettext("Item analysis"),
        who=gettext("every learner, in every organisation and none"),
        csv_url=reverse("analysis:staff_csv"),
    )


@staff_required
@require_GET
def staff_csv(request: HttpRequest) -> HttpResponse:
    return _csv(request, name="item-analysis")


@manager_required
@require_GET
def organisation_report(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _page(
        request,
        heading=gettext("Item analysis: %(name)s") % {"name": organisation.name},
        who=gettext("the members of %(name)s") % {"name": organisation.name},
        csv_url=reverse("analysis:organisation_csv", args=[organisation.pk]),
        learner_ids=_members(organisation),
        learners=f"organisation:{organisation.pk}",
        organisation=organisation,
        commissioning=Commissioner.objects.filter(organisation=organisation).exists(),
    )


@manager_required
@require_GET
def organisation_csv(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _csv(
        request,
        name=f"item-analysis-{organisation.pk}",
        learner_ids=_members(organisation),
        learners=f"organisation:{organisation.pk}",
    )


@manager_required
@require_GET
def commissioner_report(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    organisation = _commissioning(organisation)
    return _page(
        request,
        heading=gettext("Item analysis across organisations"),
        who=gettext("every learner, in every organisation and none, by audience"),
        csv_url=reverse("analysis:commissioner_csv", args=[organisation.pk]),
        organisation=organisation,
    )


@manager_required
@require_GET
def commissioner_csv(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    _commissioning(organisation)
    return _csv(request, name="item-analysis-all")
