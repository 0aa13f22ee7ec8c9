"""Project-level pages: home and error pages."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from courses import selectors as course_selectors
from elearning import page_cache


def home(request: HttpRequest) -> HttpResponse:
    def page() -> HttpResponse:
        return render(request, "home.html", {"courses": list(course_selectors.course_list_published())})

    # Issue 20: a visitor who is not signed in gets the page as rendered for their language and for what it
    # shows of the published courses (elearning.page_cache); a signed-in user, a query string (the language
    # link carries the path) or a message to show is rendered afresh.
    if request.user.is_authenticated or request.META.get("QUERY_STRING") or len(get_messages(request)):
        return page()
    language = get_language()
    return page_cache.rendered(
        request, lambda: ("home", language, course_selectors.course_list_published_state()), page
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = gettext(
        "This form has expired or was sent from somewhere else, so nothing has been changed. "
        "Go back, reload the page and try again."
    )
    return render(request, "errors/403.html", {"message": message}, status=403)


def hello_world(request: HttpRequest) -> HttpResponse:
    """`make bench` only (BENCH_HELLO_WORLD=1): the framework's ceiling, through the same middleware."""
    return HttpResponse("Hello, world", content_type="text/plain")
