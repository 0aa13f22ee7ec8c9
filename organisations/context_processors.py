"""Template context: whether to show the "Your organisations" link. Read from the session (set at log-in
and refreshed on organisation pages), so ordinary pages cost no extra query."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors

SESSION_KEY = "organisations_manager"


def remember_manager_flag(request: HttpRequest, user) -> bool:
    is_manager = selectors.user_is_manager(user=user)
    if request.session.get(SESSION_KEY) != is_manager:
        request.session[SESSION_KEY] = is_manager
    return is_manager


def _flag(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if SESSION_KEY not in request.session:  # sessions from before this app: work it out once
        return remember_manager_flag(request, user)
    return bool(request.session[SESSION_KEY])


def organisations(request: HttpRequest) -> dict:
    return {"show_organisations_link": SimpleLazyObject(lambda: _flag(request))}
