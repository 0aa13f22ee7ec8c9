"""Log-in with lock-outs that fit shared connections, and a password reset that lifts them.

django-axes locks an account *from one address* after AXES_FAILURE_LIMIT failures (AXES_LOCKOUT_PARAMETERS
[["username", "ip_address"]]): one person's wrong passwords in a staff room no longer lock their colleagues
out, and nobody can lock a named account from elsewhere. Axes allows only one limit for all its parameters,
so the higher ceiling per address (someone trying many accounts from one connection) is counted here with
the rate limiter: LOGIN_FAILURES_PER_IP failed log-ins from one address, whatever the accounts."""

from __future__ import annotations

from collections.abc import Callable

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

from elearning.client_ip import client_ip
from elearning.limits import limit_hit, limit_reached

from . import two_factor

FAILURES_GROUP = "login-failures-ip"
_PASSWORD_CHECKS: list[Callable[[object], str | None]] = []


def register_password_login_check(check: Callable[[object], str | None]) -> None:
    """Another app may refuse a right password (sso: an organisation that signs its members in itself);
    the check returns the reason to show, or None."""
    if check not in _PASSWORD_CHECKS:
        _PASSWORD_CHECKS.append(check)


def _locked_page(request: HttpRequest) -> HttpResponse:
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=settings.AXES_HTTP_RESPONSE_CODE)


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # accounts.middleware ended an idle staff or manager session: say why they are here
        context["timed_out_minutes"] = (
            settings.MANAGER_IDLE_MINUTES if self.request.session.pop("timed_out", False) else None
        )
        return context

    def form_valid(self, form) -> HttpResponse:
        """A right password for an account with a second factor is not yet a log-in: the user id waits in
        the session for the second step (accounts.two_factor_views.verify), which logs in."""
        user = form.get_user()
        for check in _PASSWORD_CHECKS:
            refusal = check(user)
            if refusal:
                form.add_error(None, refusal)
                return super().form_invalid(form)
        if not two_factor.has_second_factor(user):
            return super().form_valid(form)
        return two_factor.second_step_redirect(
            self.request, user=user, backend=user.backend, next_url=self.get_success_url()
        )

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if limit_reached(
            request, group=FAILURES_GROUP, value=client_ip(request), rate=settings.LOGIN_FAILURES_PER_IP
        ):
            return _locked_page(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        request = self.request
        failures = getattr(request, "axes_failures_since_start", None)
        if failures:  # axes counted a wrong password (not an empty form)
            limit_hit(
                request, group=FAILURES_GROUP, value=client_ip(request), rate=settings.LOGIN_FAILURES_PER_IP
            )
            left = settings.AXES_FAILURE_LIMIT - failures
            if left > 0:
                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                form.add_error(
                    None,
                    ngettext(
                        "You have %(left)d more try with this email address before logging in is paused "
                        "for %(minutes)d minutes. If you have forgotten your password, reset it instead.",
                        "You have %(left)d more tries with this email address before logging in is paused "
                        "for %(minutes)d minutes. If you have forgotten your password, reset it instead.",
                        left,
                    )
                    % {"left": left, "minutes": minutes},
                )
        return super().form_invalid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a new password also lifts the account's log-in lock-outs, from every address."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["new_password1"].error_messages["required"] = gettext("Enter a new password")
        again = form.fields["new_password2"]
        again.error_messages["required"] = gettext("Enter the new password again, to confirm it")
        return form

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        axes_reset(username=form.user.email.strip().lower())
        return response
