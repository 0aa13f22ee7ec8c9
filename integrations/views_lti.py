"""LTI 1.3 endpoints: our JWKS, OIDC login initiation, the resource-link launch, dynamic registration."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import LtiRegistration
from lti_tool.utils import DjangoToolConfig
from lti_tool.views import jwks as lti_jwks
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.exception import LtiException

from . import framing, lti_launch
from .keys import tool_key_ensure

jwks = require_GET(lti_jwks)


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """The page a refused launch gets. LMSs show tools in a frame, so this page (no form, no action) may be
    framed by any site; a page someone could act on never is."""
    response = render(
        request,
        "integrations/launch_error.html",
        {"heading": gettext("We could not open the course"), "message": message},
        status=status,
    )
    response.xframe_options_exempt = True
    response._csp_replace = {"frame-ancestors": ["*"]}
    return response


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest, registration_uuid) -> HttpResponse:
    """Step 1 of a launch: the platform sends the learner here; we send them back to its authorisation
    endpoint with a fresh state (cookie and cache) and nonce, to come back to our launch URL."""
    params = request.POST if request.method == "POST" else request.GET
    if not params.get("iss") or not params.get("login_hint"):
        return HttpResponseBadRequest("Missing iss or login_hint.")
    if not LtiRegistration.objects.active().filter(uuid=registration_uuid, issuer=params["iss"]).exists():
        return _refused(request, gettext("This learning platform is not registered with us."), 404)
    tool_key_ensure()
    tool_conf = DjangoToolConfig(registration_uuid)
    oidc = DjangoOIDCLogin(request, tool_conf, launch_data_storage=DjangoCacheDataStorage())
    try:
        return oidc.redirect(request.build_absolute_uri(reverse("integrations:lti_launch")))
    except LtiException:
        return _refused(request, gettext("Your learning platform sent an incomplete log-in request."), 400)


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """Step 2: the id_token. Refused launches get a page that says why, and change nothing."""
    try:
        valid = lti_launch.launch_validate(request)
        result = lti_launch.launch_sign_in(launch=valid)
    except lti_launch.LaunchRefused as refused:
        return _refused(request, refused.message, refused.status)
    login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    framing.session_allow_frame(request, origin=result.frame_origin)
    if result.course is None:
        return redirect("courses:dashboard")
    if result.enrolled:
        return redirect("courses:start", course_slug=result.course.slug)
    return redirect("courses:detail", course_slug=result.course.slug)


@xframe_options_exempt
@require_GET
def register(request: HttpRequest, token: str) -> HttpResponse:
    """Dynamic registration: the LMS opens this URL (made by staff for one organisation) with its
    `openid_configuration` and `registration_token`."""
    from . import registration

    invite = registration.invite_usable(token)
    if invite is None:
        return _refused(
            request,
            gettext("This registration link does not work: it was used, withdrawn or has expired."),
            404,
        )
    config_url = request.GET.get("openid_configuration", "")
    if not config_url:
        return _refused(
            request,
            gettext("Paste this address into your LMS's “add a tool by URL” (dynamic registration) page."),
            400,
        )
    urls = {
        "jwks": request.build_absolute_uri(reverse("integrations:lti_jwks")),
        "login": request.build_absolute_uri("/lti/login/") + "{uuid}/",
        "launch": request.build_absolute_uri(reverse("integrations:lti_launch")),
    }
    try:
        registration.registration_complete(
            invite=invite,
            openid_configuration_url=config_url,
            registration_token=request.GET.get("registration_token", ""),
            urls=urls,
        )
    except registration.RegistrationFailed as failed:
        return _refused(request, str(failed), 400)
    return render(request, "integrations/registered.html", {"organisation": invite.organisation})
