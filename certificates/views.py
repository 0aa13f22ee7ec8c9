"""Learner certificate pages (list, download, renew) and the public verification pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from courses import services as course_services
from elearning import page_cache

from . import repair, selectors, services, version_notices
from .forms import VerifyForm
from .models import Certificate


def verify_rate(group: str, request: HttpRequest) -> str:
    return settings.VERIFY_RATE_LIMIT


@login_required
@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = list(selectors.certificate_list_for_learner(learner=request.user))
    renewable = selectors.certificate_ids_renewable(learner=request.user, certificates=certificates)
    rows = [
        {
            "certificate": c,
            "state": c.verification_status(),
            "renewable": c.pk in renewable,
            "url": services.verification_url(c),
            # Only a renewable (newest, issued) certificate on an older major: what changed, and the units.
            "refresher": version_notices.refresher_offer(certificate=c, course=c.course)
            if c.pk in renewable
            else None,
        }
        for c in certificates
    ]
    waiting = any(c.status == Certificate.Status.PENDING for c in certificates)
    return render(request, "certificates/mine.html", {"rows": rows, "waiting": waiting})


def _own_or_404(request: HttpRequest, code: str) -> Certificate:
    try:
        return selectors.certificate_get_for_owner(code=code, learner=request.user)
    except Certificate.DoesNotExist as exc:
        raise Http404("No such certificate.") from exc


@login_required
@require_GET
def download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _own_or_404(request, code)
    # Only an issued certificate can be downloaded: a revoked one must not circulate as a PDF.
    if not certificate.pdf_sha256 or certificate.status != Certificate.Status.ISSUED:
        raise Http404("The certificate is not ready, or has been revoked.")
    if repair.pdf_is_missing(certificate):  # lost from storage: rendered again from the frozen data
        certificate = repair.certificate_pdf_repair(certificate_id=certificate.pk)
    response = FileResponse(
        certificate.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"certificate-{certificate.code}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download_bilingual(request: HttpRequest, code: str) -> HttpResponse:
    """The same certificate in Welsh and English (Welsh first), drawn on demand and never stored: the issued
    PDF, its hash and the issue task stay as they are; the QR code and verification address are the same."""
    from .pdf import render_certificate_pdf

    certificate = _own_or_404(request, code)
    if not certificate.pdf_sha256 or certificate.status != Certificate.Status.ISSUED:
        raise Http404("The certificate is not ready, or has been revoked.")
    content = render_certificate_pdf(
        certificate, verification_url=services.verification_url(certificate), bilingual=True
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}-cy-en.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def renew(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _own_or_404(request, code)
    if certificate.pk not in selectors.certificate_ids_renewable(
        learner=request.user, certificates=[certificate]
    ):
        return render(
            request,
            "errors/400.html",
            {"message": gettext("This certificate cannot be renewed yet.")},
            status=400,
        )
    if selectors.certificate_renews_by_refresher(certificate):  # a major release: only the changed units
        enrolment = course_services.enrolment_create_refresher(
            learner=request.user,
            pathway=certificate.pathway,
            refreshes=certificate.enrolment,
            from_major=certificate.version_major,
        )
        return redirect("courses:detail", course_slug=enrolment.course.slug)  # the outline: what is left
    else:
        enrolment = course_services.enrolment_create(learner=request.user, pathway=certificate.pathway)
    return redirect("courses:start", course_slug=enrolment.course.slug)


def _limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "certificates/verify_limited.html", status=429)
    response["Retry-After"] = "60"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET"])
@ratelimit(key="ip", rate=verify_rate, block=False)
def verify(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return _limited(request)
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("certificates:verify_code", code=form.cleaned_data["code"])
    response = render(
        request, "certificates/verify.html", {"form": form}, status=400 if form.is_bound else 200
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
@ratelimit(key="ip", rate=verify_rate, block=False)
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return _limited(request)
    normalised = services.normalise_code(code)[:64]
    if normalised and normalised != code:
        return redirect("certificates:verify_code", code=normalised)

    def page() -> HttpResponse:
        try:
            certificate = selectors.certificate_get_public(code=normalised) if normalised else None
        except Certificate.DoesNotExist:
            certificate = None
        state = certificate.verification_status() if certificate else None
        if state == "not-issued":
            certificate, state = None, None  # pending or failed certificates are not yet anything to check
        context = {
            "certificate": certificate,
            "state": state,
            "form": VerifyForm(),
            "version": version_notices.certificate_version_facts(certificate=certificate)
            if certificate
            else None,
        }
        status = 200 if certificate else 404
        return render(request, "certificates/verify_result.html", context, status=status)

    # Issue 20: served as rendered (elearning.page_cache) for the same language, day and values shown, read
    # in one plain statement; any change (revoked, expired today, a newer release, a corrected name) is a new
    # key, and only a new key builds the page from the ORM.
    def key() -> tuple:
        shown = selectors.certificate_public_state(code=normalised) if normalised else None
        return ("verify", get_language(), timezone.localdate(), shown)

    response = page_cache.rendered(request, key, page)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
