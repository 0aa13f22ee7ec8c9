"""SCORM 1.2 dispatch pages: the manager's package page, and the endpoints the package calls."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from organisations.models import Organisation
from organisations.views import manager_required

from . import framing, scorm
from .forms import ScormPackageForm
from .models import ScormDispatch


@manager_required
@require_http_methods(["GET", "POST"])
def packages(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = ScormPackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dispatch = scorm.dispatch_create(
            organisation=organisation,
            course=form.cleaned_data["course"],
            pathway=form.cleaned_data["pathway"],
            lms_origin=form.cleaned_data["lms_origin"],
            by=request.user,
        )
        return _download(dispatch)
    rows = (
        ScormDispatch.objects.filter(organisation=organisation)
        .select_related("course", "pathway")
        .order_by("-id")
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "integrations/scorm_packages.html",
        {"organisation": organisation, "form": form, "rows": rows},
        status=status,
    )


def _download(dispatch: ScormDispatch) -> HttpResponse:
    response = HttpResponse(scorm.package_build(dispatch=dispatch), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="cse-awareness-scorm12-{dispatch.pk}.zip"'
    return response


@manager_required
@require_GET
def package_download(request: HttpRequest, organisation: Organisation, dispatch_id: int) -> HttpResponse:
    dispatch = (
        ScormDispatch.objects.select_related("course", "organisation")
        .filter(organisation=organisation, pk=dispatch_id, withdrawn_at__isnull=True)
        .first()
    )
    if dispatch is None:
        raise Http404("No such package.")
    return _download(dispatch)


@manager_required
@require_POST
def package_withdraw(request: HttpRequest, organisation: Organisation, dispatch_id: int) -> HttpResponse:
    dispatch = ScormDispatch.objects.filter(organisation=organisation, pk=dispatch_id).first()
    if dispatch is None:
        raise Http404("No such package.")
    scorm.dispatch_withdraw(dispatch=dispatch)
    return redirect("integrations:scorm_packages", organisation_id=organisation.pk)


def _cors(response: HttpResponse) -> HttpResponse:
    # Called from the package's page on the LMS's own domain; no cookies are sent or accepted.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-store"
    return response


def _session_rate(group, request) -> str:
    return settings.SCORM_SESSION_RATE


@csrf_exempt
@require_POST
@ratelimit(key="ip", rate=_session_rate, block=False)
def session(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        limited = {"error": gettext("Too many course launches from here. Wait a minute.")}
        return _cors(JsonResponse(limited, status=429))
    try:
        links = scorm.session_start(
            key=request.POST.get("key", ""),
            learner_id=request.POST.get("learner_id", ""),
            learner_name=request.POST.get("learner_name", ""),
            origin=request.headers.get("Origin", ""),
        )
    except scorm.ScormRefused as refused:
        return _cors(JsonResponse({"error": refused.message}, status=refused.status))
    return _cors(JsonResponse(links))


@require_GET
def status(request: HttpRequest) -> HttpResponse:
    try:
        return _cors(JsonResponse(scorm.status_for(token=request.GET.get("t", ""))))
    except scorm.ScormRefused as refused:
        return _cors(JsonResponse({"error": refused.message}, status=refused.status))


@require_GET
def launch(request: HttpRequest) -> HttpResponse:
    try:
        result = scorm.launch_sign_in(token=request.GET.get("t", ""))
    except scorm.ScormRefused as refused:
        return render(
            request,
            "integrations/launch_error.html",
            {"heading": gettext("We could not open the course"), "message": refused.message},
            status=refused.status,
        )
    login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    framing.session_allow_frame(request, origin=result.dispatch.lms_origin)
    course = result.dispatch.course
    if result.dispatch.pathway is not None:
        return redirect("courses:start", course_slug=course.slug)
    return redirect("courses:detail", course_slug=course.slug)
