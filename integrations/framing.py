"""Framed launches: an LMS shows our course inside its own page. Only sessions that began with an LMS launch
may be framed, and only by that LMS's origin; only their cookies get SameSite=None (and only over HTTPS,
where browsers accept it). Every other page keeps `X-Frame-Options: DENY`, `frame-ancestors 'none'` and
SameSite=Lax cookies."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SESSION_KEY = "integrations_frame_origin"


def session_allow_frame(request: HttpRequest, *, origin: str) -> None:
    if origin:
        request.session[SESSION_KEY] = origin


class FramedSessionMiddleware:
    """Listed before SessionMiddleware, so it sees the session and CSRF cookies that inner middleware set."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key:
            return response
        origin = session.get(SESSION_KEY)
        if not origin:
            return response
        response.xframe_options_exempt = True
        replace = dict(getattr(response, "_csp_replace", None) or {})  # keep what a view replaced
        replace["frame-ancestors"] = ["'self'", origin]
        response._csp_replace = replace
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
