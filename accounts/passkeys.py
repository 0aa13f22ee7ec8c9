"""Passkeys (WebAuthn) through django-otp-webauthn's ceremony views, fitted to our two steps:

- registering one needs a session that has passed the second step (an authenticator app first, so every
  account with a passkey also has recovery codes), and signs the account out everywhere else;
- using one is a second factor: for a logged-in session that has not passed the step, or for the password
  step pending in the session (accounts.login). Never a log-in on its own
  (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is off)."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.i18n import JavaScriptCatalog
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp_webauthn import views as webauthn_views

from . import two_factor
from .two_factor_views import _pending_user


def _session_verified(request: HttpRequest) -> None:
    """django-otp-webauthn asks `request.user.is_verified()` (django-otp's middleware, which we do without:
    the session key alone says it, with no query)."""
    if request.user.is_authenticated:
        request.user.is_verified = lambda: two_factor.is_verified(request)


def _refuse(message, status: int = 403) -> JsonResponse:
    return JsonResponse({"detail": str(message), "code": "not_allowed"}, status=status)


@csrf_protect
def registration_begin(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated or not two_factor.is_verified(request):
        return _refuse(_("Enter a code from your authenticator app first, then add a passkey."))
    _session_verified(request)
    return webauthn_views.BeginCredentialRegistrationView.as_view()(request)


@csrf_protect
def registration_complete(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated or not two_factor.is_verified(request):
        return _refuse(_("Enter a code from your authenticator app first, then add a passkey."))
    _session_verified(request)
    response = webauthn_views.CompleteCredentialRegistrationView.as_view()(request)
    if response.status_code == 200:
        two_factor.sign_out_everywhere(user=request.user, request=request)
    return response


def _as_pending_user(request: HttpRequest):
    """For the second step after the password: the ceremony runs for the user waiting in the session."""
    if request.user.is_authenticated:
        _session_verified(request)
        return None, None
    user, backend = _pending_user(request)
    if user is None:
        return None, None
    user.is_verified = lambda: False
    request.user = user
    return user, backend


@csrf_protect
def authentication_begin(request: HttpRequest) -> HttpResponse:
    was_anonymous = not request.user.is_authenticated
    pending, _backend = _as_pending_user(request)
    if was_anonymous and pending is None:
        return _refuse(_("Enter your email address and password first."), status=401)
    return webauthn_views.BeginCredentialAuthenticationView.as_view()(request)


@csrf_protect
def authentication_complete(request: HttpRequest) -> HttpResponse:
    was_anonymous = not request.user.is_authenticated
    pending, backend = _as_pending_user(request)
    if was_anonymous and pending is None:
        return _refuse(_("Enter your email address and password first."), status=401)
    response = webauthn_views.CompleteCredentialAuthenticationView.as_view()(request)
    if response.status_code != 200:
        return response
    device = Device.from_persistent_id(request.session.get(DEVICE_ID_SESSION_KEY, ""))
    if device is None or device.user_id != request.user.pk:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        return _refuse(_("That passkey is not for this account."))
    if pending is not None:
        request.session.pop(two_factor.PENDING_KEY, None)
        login(request, pending, backend=backend)
    two_factor.mark_verified(request, device)
    return response


# Under django-otp-webauthn's own namespace and names, so its template tags and scripts find them.
urlpatterns = [
    path("registration/begin/", registration_begin, name="credential-registration-begin"),
    path("registration/complete/", registration_complete, name="credential-registration-complete"),
    path("authentication/begin/", authentication_begin, name="credential-authentication-begin"),
    path("authentication/complete/", authentication_complete, name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
