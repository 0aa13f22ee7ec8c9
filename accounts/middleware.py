"""Two rules every request passes: staff reach the admin only after two-step verification, and a session
that may see other people's data (staff, managers) ends after MANAGER_IDLE_MINUTES without a request.

Learners are not timed out (nor a learner who chose two-step verification): an idle learner keeps their
place in a quiz. Attempts are saved server-side, so a timed-out manager who was also taking a quiz finds it
where they left it after logging in again."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import two_factor

LAST_SEEN_KEY = two_factor.LAST_SEEN_KEY
TIMED_OUT_KEY = "timed_out"


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def _admin(self) -> str:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        return self._admin_prefix

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timed_out = self._idle_timeout(request)
            if timed_out is not None:
                return timed_out
            if (
                user.is_staff
                and request.path.startswith(self._admin())
                and not two_factor.is_verified(request)
            ):
                return two_factor.required_redirect(request, reason="staff")
        return self.get_response(request)

    def _idle_timeout(self, request: HttpRequest) -> HttpResponse | None:
        """Privileged sessions only (marked when the session passed the second step, or by staff status),
        so learners' pages cost nothing more than one session read."""
        session = request.session
        if not (session.get(two_factor.PRIVILEGED_KEY) or request.user.is_staff):
            return None
        now = int(time.time())
        last = session.get(LAST_SEEN_KEY)
        if last is not None and now - int(last) > settings.MANAGER_IDLE_MINUTES * 60:
            logout(request)
            request.session[TIMED_OUT_KEY] = True
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")
        if last is None or now - int(last) >= 30:  # write the session at most every 30 s
            session[LAST_SEEN_KEY] = now
        return None
