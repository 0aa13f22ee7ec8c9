"""Account pages: sign up, your details (certificate name, licence number), download your data, delete your
account. Log-in, log-out and reset use Django's views."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from . import personal_data, services
from .forms import CertificateNameForm, DeleteAccountForm, LicenceNumberForm, SignUpForm

RESET_RATE_PER_IP = "10/h"
RESET_RATE_PER_ACCOUNT = "3/h"


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("courses:dashboard")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            certificate_name=form.cleaned_data["certificate_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account has been created.")
        return redirect(_safe_next(request) or "courses:dashboard")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = CertificateNameForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_certificate_name_update(
            user=request.user, certificate_name=form.cleaned_data["certificate_name"]
        )
        messages.success(
            request, "Your certificate name has been saved. Certificates already issued keep the old name."
        )
        return redirect("accounts:profile")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "licence_form": LicenceNumberForm(instance=request.user)},
        status=status,
    )


@login_required
@require_POST
def licence_number(request: HttpRequest) -> HttpResponse:
    form = LicenceNumberForm(request.POST, instance=request.user)
    if form.is_valid():
        services.user_licence_number_update(
            user=request.user, licence_number=form.cleaned_data["licence_number"]
        )
        if request.user.licence_number:
            messages.success(
                request, f"Your licence or badge number {request.user.licence_number} has been saved."
            )
        else:
            messages.success(request, "Your licence or badge number has been removed.")
        return redirect("accounts:profile")
    request.user.refresh_from_db(fields=["licence_number"])
    return render(
        request,
        "accounts/profile.html",
        {"form": CertificateNameForm(instance=request.user), "licence_form": form},
        status=400,
    )


@login_required
@require_GET
def data_download(request: HttpRequest) -> HttpResponse:
    data = personal_data.personal_data_for(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_delete(user=request.user)
        logout(request)
        messages.success(request, "Your account has been deleted.")
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)


def _reset_email_key(group: str, request: HttpRequest) -> str:
    return (request.POST.get("email") or "").strip().lower()


@method_decorator(ratelimit(key="ip", rate=RESET_RATE_PER_IP, method="POST", block=False), name="dispatch")
@method_decorator(
    ratelimit(key=_reset_email_key, rate=RESET_RATE_PER_ACCOUNT, method="POST", block=False), name="dispatch"
)
class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, limited per IP address and per email address so it cannot be used to flood
    someone's inbox or probe many addresses."""

    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, "limited", False):
            response = render(request, "registration/password_reset_limited.html", status=429)
            response["Retry-After"] = "3600"
            return response
        return super().post(request, *args, **kwargs)
