"""Welsh or English (issue 21): the learner's choice, kept on their account and in a cookie.

Anonymous visitors get the language of the `language` cookie, else of their browser (Accept-Language), as
Django's LocaleMiddleware finds it. A signed-in user who has chosen one gets theirs on every page, in every
email, reminder, export and PDF (`user_language`). The "Cymraeg / English" link on every page
(`accounts.views.language_switch`, which saves the choice on the account) keeps the visitor on the page they
were on.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import Expression, F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest, HttpResponse
from django.utils import translation

CODES = {code for code, _ in settings.LANGUAGES}


def active_code() -> str:
    """The active language as one of settings.LANGUAGES ("en" for en-gb and the like)."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in CODES else settings.LANGUAGE_CODE


def localized(name: str) -> Expression:
    """A translated field (courses/translation.py) in the active language inside a query, e.g. a Subquery's
    `.annotate(t=localized("title")).values("t")`: its Welsh column, or the English one where the Welsh is
    empty. (modeltranslation's own `values("title")` builds its fallback untyped and fails in Welsh.)"""
    english = F(f"{name}_en")
    code = active_code()
    if code == settings.LANGUAGE_CODE:
        return english
    return Coalesce(NullIf(F(f"{name}_{code}"), Value("")), english, output_field=TextField())


def user_language(user) -> str:
    """The language to write to this user in: their own choice, else English."""
    code = getattr(user, "language", "") or ""
    return code if code in CODES else settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """After authentication: a signed-in user's own choice wins over cookie and browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:  # no session: no user, nothing to read
            user = request.user
            code = getattr(user, "language", "") if user.is_authenticated else ""
            if code in CODES and code != request.LANGUAGE_CODE:
                translation.activate(code)
                request.LANGUAGE_CODE = code
        return self.get_response(request)


def remember_language(response: HttpResponse, code: str) -> HttpResponse:
    """The `language` cookie, for the pages after logging out (LocaleMiddleware reads it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response
