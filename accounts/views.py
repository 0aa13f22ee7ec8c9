"""Account pages: sign up, your details (certificate name, licence number), download your data, delete your
account. Log-in, log-out and reset use Django's views."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from elearning.language import CODES, remember_language, user_language

from . import personal_data, services, sign_up
from .forms import (
    EMAIL_REQUIRED,
    CertificateNameForm,
    DeleteAccountForm,
    LanguageForm,
    LicenceNumberForm,
    SignUpForm,
    UserLanguagePasswordResetForm,
)
from .models import User
from .verification import (
    mail_language,
    send_sign_up_attempt_email,
    send_verification_email,
    user_from_verification_token,
)

RESET_RATE_PER_IP = "10/h"
RESET_RATE_PER_ACCOUNT = "3/h"


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A new address and one that already has an account get the same redirect to "check your email": the
    new account is sent a verification link (which logs them in), the existing owner a note that someone
    tried. Throttled per address and per client address."""
    if request.user.is_authenticated:
        return redirect("courses:dashboard")
    if request.method == "POST" and sign_up.limited(request):
        response = render(request, "accounts/signup_limited.html", status=429)
        response["Retry-After"] = "3600"
        return response
    form = SignUpForm(request.POST if request.method == "POST" else None, check_existing=False)
    if request.method == "POST" and form.is_valid():
        sign_up.count(request, email=form.cleaned_data["email"])
        existing = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if existing is not None:
            send_sign_up_attempt_email(user=existing)
        else:
            user = services.user_create(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                certificate_name=form.cleaned_data["certificate_name"],
                language=translation.get_language() or "",  # the language they signed up in
            )
            send_verification_email(user=user)
        return redirect("accounts:signup_sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)}, status=status)


@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


@require_GET
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    user = user_from_verification_token(token)
    if user is None:
        return render(request, "accounts/verify_invalid.html", status=404)
    if request.user.is_authenticated and request.user.pk != user.pk:
        return render(request, "accounts/verify_invalid.html", status=404)
    first_time = services.user_email_mark_verified(user=user)
    if not request.user.is_authenticated and first_time:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if request.user.is_authenticated:
        with translation.override(mail_language(user)):  # the next page is in their language
            messages.success(
                request,
                gettext("Thank you: %(email)s is confirmed. Certificates will be sent to it.")
                % {"email": user.email},
            )
        return redirect("courses:dashboard")
    messages.success(
        request, gettext("%(email)s is already confirmed. Log in to continue.") % {"email": user.email}
    )
    return redirect("login")


@login_required
@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    if request.user.email_verified:
        return redirect("accounts:profile")
    if sign_up.resend_limited(request):
        messages.error(request, gettext("We have sent several links already. Wait an hour, then ask again."))
        return redirect("accounts:profile")
    send_verification_email(user=request.user)
    messages.success(
        request, gettext("We have sent a new link to %(email)s.") % {"email": request.user.email}
    )
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = CertificateNameForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_certificate_name_update(
            user=request.user, certificate_name=form.cleaned_data["certificate_name"]
        )
        messages.success(
            request,
            gettext("Your certificate name has been saved. Certificates already issued keep the old name."),
        )
        return redirect("accounts:profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/profile.html", _profile_context(request, form=form), status=status)


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
                request,
                gettext("Your licence or badge number %(number)s has been saved.")
                % {"number": request.user.licence_number},
            )
        else:
            messages.success(request, gettext("Your licence or badge number has been removed."))
        return redirect("accounts:profile")
    request.user.refresh_from_db(fields=["licence_number"])
    return render(request, "accounts/profile.html", _profile_context(request, licence_form=form), status=400)


def _profile_context(request: HttpRequest, **forms) -> dict:
    """The three forms of "Your details": the one that was sent (with its errors), the others fresh."""
    user = request.user
    return {
        "form": forms.get("form") or CertificateNameForm(instance=user),
        "licence_form": forms.get("licence_form") or LicenceNumberForm(instance=user),
        # the page's language: the user's own choice when they have made one (elearning.language)
        "language_form": forms.get("language_form")
        or LanguageForm(initial={"language": translation.get_language()}),
    }


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Welsh or English, kept on the account (and in the cookie, for pages after logging out)."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        context = _profile_context(request, language_form=form)
        return render(request, "accounts/profile.html", context, status=400)
    code = services.user_language_update(user=request.user, language=form.cleaned_data["language"])
    with translation.override(code):  # said in the language just chosen
        messages.success(request, gettext("Your language has been saved."))
    return remember_language(redirect("accounts:profile"), code)


@login_required
@require_GET
def data_download(request: HttpRequest) -> HttpResponse:
    with translation.override(user_language(request.user)):  # any text in it, in the holder's language
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
        messages.success(request, gettext("Your account has been deleted."))
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

    form_class = UserLanguagePasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["email"].error_messages["required"] = EMAIL_REQUIRED
        return form

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, "limited", False):
            response = render(request, "registration/password_reset_limited.html", status=429)
            response["Retry-After"] = "3600"
            return response
        return super().post(request, *args, **kwargs)


@require_GET
@never_cache
def language_switch(request: HttpRequest, code: str) -> HttpResponse:
    """Change language and go back to the same page (`next`, a path on this site only)."""
    if code not in CODES:
        raise Http404("No such language.")
    target = request.GET.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    if request.user.is_authenticated and getattr(request.user, "language", None) != code:
        services.user_language_update(user=request.user, language=code)
    return remember_language(HttpResponseRedirect(target), code)
