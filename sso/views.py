"""“Continue with your organisation”: the email address finds the organisation's provider; the callback
checks state, exchanges the code (PKCE), verifies the id_token and its nonce, then signs in."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import two_factor

from . import oidc, services
from .models import OrganisationSSO

FLOW_KEY = "sso_flow"
FLOW_SECONDS = 10 * 60
NO_SSO = _("Your organisation does not sign in here with its own account. Log in with your password.")
EXPIRED = _("This sign-in link has expired or is not one we started. Start again.")
NOT_SIGNED_IN = _("Your organisation's sign-in service did not sign you in. Start again.")


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your work email address"),
            "invalid": _("Enter an email address like name@council.gov.uk"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sso:callback"))


def _safe_next(request: HttpRequest, target: str) -> str:
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST if request.method == "POST" else None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if form.is_valid():
        config = services.config_for_email(form.cleaned_data["email"])
        if config is None:
            form.add_error(
                "email",
                NO_SSO,
            )
        else:
            try:
                flow = oidc.authorization(
                    config, redirect_uri=_redirect_uri(request), login_hint=form.cleaned_data["email"]
                )
            except oidc.OIDCError as exc:
                form.add_error(None, str(exc))
            else:
                request.session[FLOW_KEY] = {
                    "config": config.pk,
                    "state": flow.state,
                    "nonce": flow.nonce,
                    "verifier": flow.code_verifier,
                    "next": _safe_next(request, next_url),
                    "at": int(time.time()),
                }
                return redirect(flow.url)
    return render(request, "sso/start.html", {"form": form, "next": next_url})


def _refused(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "sso/refused.html", {"message": message}, status=status)


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    flow = request.session.pop(FLOW_KEY, None)
    state = request.GET.get("state", "")
    if (
        not isinstance(flow, dict)
        or time.time() - flow.get("at", 0) > FLOW_SECONDS
        or not state
        or not constant_time_compare(state, flow.get("state", ""))
    ):
        return _refused(request, EXPIRED)
    if request.GET.get("error"):
        return _refused(request, NOT_SIGNED_IN)
    config = (
        OrganisationSSO.objects.select_related("organisation").filter(pk=flow["config"], enabled=True).first()
    )
    code = request.GET.get("code", "")
    if config is None or not code:
        return _refused(request, EXPIRED)
    try:
        id_token = oidc.exchange_code(
            config, code=code, code_verifier=flow["verifier"], redirect_uri=_redirect_uri(request)
        )
        claims = oidc.verify_id_token(config, id_token=id_token, nonce=flow["nonce"])
        user = services.sign_in(config=config, claims=claims)
    except (oidc.OIDCError, services.SignInRefused) as exc:
        return _refused(request, str(exc))
    backend = "django.contrib.auth.backends.ModelBackend"
    if two_factor.has_second_factor(user):  # the organisation vouches for the first step only
        return two_factor.second_step_redirect(request, user=user, backend=backend, next_url=flow["next"])
    login(request, user, backend=backend)
    return redirect(flow["next"])
