"""Issue 20: the home page a visitor who is not signed in sees is rendered once per process, language and
state of the published courses, then served as rendered; it must never show anything stale or anyone's."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Course
from elearning import page_cache, views
from tests.courses.factories import CourseFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(is_published=True, title="Spotting the signs", summary="What to look for")
    UnitFactory(course=course)
    return course


def _home(client, **headers) -> str:
    response = client.get(reverse("home"), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_visit_is_served_as_rendered_with_one_query(client, course):
    first = _home(client)
    with CaptureQueriesContext(connection) as queries:
        second = _home(client)
    assert second == first
    assert len(queries) == 1  # the published courses, which the page's key is made of
    assert "Spotting the signs" in second and "Log in" in second


def test_any_change_to_what_the_page_shows_is_seen_at_once(client, course):
    _home(client)
    # A queryset update leaves updated_at alone: the key is what the page shows, not when it changed.
    Course.objects.filter(pk=course.pk).update(title="Recognising the signs", cpd_minutes=90)
    html = _home(client)
    assert "Recognising the signs" in html and "about 90 minutes" in html
    UnitFactory(course=course)
    assert "2, each followed by a short scenario quiz" in _home(client)
    Course.objects.filter(pk=course.pk).update(is_published=False)
    assert "Recognising the signs" not in _home(client)


def test_each_language_has_its_own_page(client, course):
    english = _home(client)
    welsh = _home(client, HTTP_ACCEPT_LANGUAGE="cy")
    assert '<html lang="cy">' in welsh and '<html lang="en">' in english
    assert _home(client) == english
    assert _home(client, HTTP_ACCEPT_LANGUAGE="cy") == welsh


def test_a_signed_in_user_or_a_query_string_is_rendered_afresh(client, user, course):
    _home(client)
    client.force_login(user)
    html = _home(client)
    assert "Go to your courses" in html and "Log out" in html
    client.logout()
    response = client.get(reverse("home"), {"next": "/courses/"})
    assert "next=/%3Fnext%3D%252Fcourses%252F" in response.content.decode()  # the language link keeps it
    assert page_cache.size() == 1  # only the plain visitor's page was kept


def test_a_message_waiting_for_the_visitor_is_shown_and_not_kept(rf, course):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get(reverse("home"))
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "You have logged out.")
    html = views.home(request).content.decode()
    assert "You have logged out." in html
    assert page_cache.size() == 0  # the next visitor, with no message, gets the plain page


def test_a_change_in_another_language_or_a_removed_unit_is_seen_at_once(client, course):
    """The key is read with one plain statement over every language's columns, not the page's language."""
    _home(client)
    _home(client, HTTP_ACCEPT_LANGUAGE="cy")
    Course.objects.filter(pk=course.pk).update(title_cy="Adnabod yr arwyddion")
    assert "Adnabod yr arwyddion" in _home(client, HTTP_ACCEPT_LANGUAGE="cy")
    Course.objects.filter(pk=course.pk).update(summary_cy="Beth i chwilio amdano")
    assert "Beth i chwilio amdano" in _home(client, HTTP_ACCEPT_LANGUAGE="cy")
    extra = UnitFactory(course=course)
    assert "2, each followed by a short scenario quiz" in _home(client)
    extra.delete()
    assert "1, each followed by a short scenario quiz" in _home(client)
    Course.objects.filter(pk=course.pk).update(validity_months=24, slug="renamed")
    html = _home(client)
    assert "valid for 24 months" in html and 'id="course-renamed"' in html


def test_the_key_is_one_plain_statement(client, course):
    _home(client)
    with CaptureQueriesContext(connection) as queries:
        _home(client)
    (statement,) = queries.captured_queries
    assert statement["sql"].startswith(
        'SELECT c."id", c."cpd_minutes", c."slug", c."summary", c."summary_cy"'
    )


def test_a_page_whose_key_changed_while_it_was_rendered_is_served_but_not_kept(rf):
    """A change committed between the key's read and the page's own reads must not be stored under the key
    from before it: the key is read again after rendering and the page is kept only if it is the same."""
    from django.http import HttpResponse

    states = iter(["before", "after", "after", "after"])
    request = rf.get("/")
    response = page_cache.rendered(request, lambda: next(states), lambda: HttpResponse("rendered meanwhile"))
    assert response.content == b"rendered meanwhile" and page_cache.size() == 0
    page_cache.rendered(request, lambda: next(states), lambda: HttpResponse("now"))
    assert page_cache.size() == 1  # the key held still: kept
