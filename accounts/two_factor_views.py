"""Pages of two-step verification: set up an authenticator app, the second step of logging in, recovery
codes, and turning it off (learners only: staff and managers must keep it)."""

from __future__ import annotations

import time

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login, user_login_failed
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from elearning.client_ip import client_ip
from elearning.limits import limit_hit, limit_reached

from . import two_factor
from .login import FAILURES_GROUP  # wrong codes share the per-address ceiling of wrong passwords

PENDING_SECONDS = 5 * 60
WRONG_CODE = _("That code is not right. Check the app shows this account, and try again")
REASONS = {
    "manager": _(
        "Managers see their members' training records, so their accounts need two-step verification."
    ),
    "staff": _("Staff accounts see everyone's records, so they need two-step verification."),
}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code your authenticator app shows, or one of your recovery codes."),
        error_messages={"required": _("Enter the code")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class SetupForm(CodeForm):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The 6-digit code the app shows for this account."),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def _pending_user(request: HttpRequest):
    pending = request.session.get(two_factor.PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(two_factor.PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending.get("backend")


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: after a right password (pending in the session), or for a logged-in user whose
    session has not passed it yet (a manager page asked). Wrong codes count like wrong passwords: towards
    django-axes' lock-out of the account from this address, and the per-address ceiling."""
    backend = None
    if request.user.is_authenticated:
        user = request.user
        if two_factor.is_verified(request):
            return redirect(_next(request))
    else:
        user, backend = _pending_user(request)
        if user is None:
            return redirect(settings.LOGIN_URL)
    if not two_factor.has_second_factor(user):
        return redirect("accounts:two_factor_setup")
    credentials = {"username": user.email}
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ip = client_ip(request)
        rate = settings.LOGIN_FAILURES_PER_IP
        if AxesProxyHandler.is_locked(request, credentials) or limit_reached(
            request, group=FAILURES_GROUP, value=ip, rate=rate
        ):
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=settings.AXES_HTTP_RESPONSE_CODE)
        if form.is_valid():
            device = two_factor.verify_token(user=user, token=form.cleaned_data["code"])
            if device is not None:
                if not request.user.is_authenticated:
                    request.session.pop(two_factor.PENDING_KEY, None)
                    login(request, user, backend=backend)
                two_factor.mark_verified(request, device)
                return redirect(_next(request))
            limit_hit(request, group=FAILURES_GROUP, value=ip, rate=rate)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "next": _next(request),
        "why": REASONS.get(request.GET.get("why", "")),
        "has_passkey": two_factor.has_passkey(user),
    }
    return render(request, "accounts/two_factor/verify.html", context)


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: a QR code and the key as text, then a code to confirm.
    Replacing an app that is already set up needs this session to have passed the second step."""
    if two_factor.has_second_factor(request.user) and not two_factor.is_verified(request):
        return two_factor.required_redirect(request, reason="")
    device = two_factor.totp_unconfirmed(user=request.user)
    form = SetupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = two_factor.totp_confirm(request=request, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            context = {"codes": codes, "next": _next(request)}
            return _no_store(render(request, "accounts/two_factor/recovery_codes.html", context))
        form.add_error("code", WRONG_CODE)
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=4, title=gettext("QR code to scan with your authenticator app")),
        "secret": two_factor.totp_secret_text(device),
        "next": _next(request),
        "why": REASONS.get(request.GET.get("why", "")),
    }
    return _no_store(render(request, "accounts/two_factor/setup.html", context))


@never_cache
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "has_app": two_factor.has_totp(user),
        "passkeys": two_factor.passkeys(user),
        "codes_left": two_factor.recovery_codes_left(user=user),
        "verified": two_factor.is_verified(request),
        "required": two_factor.is_required(request),
        "resets": two_factor.recent_resets(user=user),
    }
    return render(request, "accounts/two_factor/manage.html", context)


@require_POST
@login_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if not two_factor.is_verified(request):
        return two_factor.required_redirect(request, reason="")
    codes = two_factor.recovery_codes_generate(user=request.user)
    two_factor.sign_out_everywhere(user=request.user, request=request)
    context = {"codes": codes, "next": _next(request)}
    return _no_store(render(request, "accounts/two_factor/recovery_codes.html", context))


@require_POST
@login_required
def turn_off(request: HttpRequest) -> HttpResponse:
    if two_factor.is_required(request):
        return render(request, "errors/400.html", {"message": REASONS["manager"]}, status=400)
    if two_factor.has_second_factor(request.user) and not two_factor.is_verified(request):
        return two_factor.required_redirect(request, reason="")
    two_factor.two_factor_turn_off(request=request, user=request.user)
    return HttpResponseRedirect(two_factor.manage_url())
