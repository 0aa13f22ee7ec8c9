"""Every course and quiz page keeps a way to the content note and the guide's support (issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.quizzes.view_helpers import COURSE, answers, result_url, submit_url, take_url

pytestmark = pytest.mark.django_db


def support_href() -> str:
    return reverse("courses:start", args=[COURSE]) + "#content-note"


def has_support_link(html: str) -> bool:
    return "If this affects you" in html and f'href="{support_href()}"' in html


def test_course_unit_quiz_and_result_pages_link_to_support(learner_client, attempt):
    pages = [
        reverse("courses:detail", args=[COURSE]),
        reverse("courses:unit", args=[COURSE, "signs"]),
        take_url(),
    ]
    for url in pages:
        response = learner_client.get(url)
        assert response.status_code == 200, url
        assert has_support_link(response.content.decode()), url

    learner_client.post(submit_url(attempt), answers(attempt, right=False))
    html = learner_client.get(result_url(attempt)).content.decode()
    assert has_support_link(html)


def test_the_link_leads_to_the_content_note(learner_client, taxi):
    html = learner_client.get(support_href().split("#")[0]).content.decode()
    assert 'id="content-note"' in html
