"""Issue 20: public pages served as they were rendered, from process memory.

A page a visitor sees without signing in (the home page, a certificate's verification page) is rendered once
per process for a key made of its language and every value it shows, read on each request as before; the next
request with the same key gets the same bytes without rendering the templates again. Nothing goes stale: a
changed value is a new key. Entries are dropped all at once when the table is full (old states of a page, or
many codes looked up), so memory stays bounded whatever a visitor asks for."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from django.http import HttpRequest, HttpResponse

MAX_ENTRIES = 2000
_pages: dict[Hashable, tuple[int, bytes]] = {}
_lock = threading.Lock()


def rendered(
    request: HttpRequest, key_of: Callable[[], Hashable], render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The response for the key `key_of()` reads: rendered by `render()` the first time, then a new response
    with the same status and body. Kept only if it is a 200 or 404 that set no cookie and used no CSRF token
    (a page with a form that posts is never shared), and only if the key read again after rendering is the
    same: a change committed while the page was rendered must not be stored under the key from before it.
    The path with its query string is part of the key: every page's language link carries it."""
    key = (request.get_full_path(), key_of())
    try:
        status, body = _pages[key]
    except KeyError:
        pass
    else:
        return HttpResponse(body, status=status)
    response = render()
    shareable = not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    if response.status_code in (200, 404) and shareable and not response.streaming and key_of() == key[1]:
        with _lock:
            if len(_pages) >= MAX_ENTRIES:
                _pages.clear()
            _pages[key] = (response.status_code, response.content)
    return response


def clear() -> None:
    with _lock:
        _pages.clear()


def size() -> int:
    return len(_pages)
