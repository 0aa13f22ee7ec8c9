"""Review 26 items 5 and 6: phone numbers in a quiz are material content; the question admin refuses to
change them (in the question and in its choices) and saves every other edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Choice, Question
from tests.elearning.factories import UserFactory
from tests.two_factor import login_verified

pytestmark = pytest.mark.django_db


def _page_data(client, url):
    context = client.get(url).context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list) else value
    return data


def test_a_number_in_a_choices_feedback_cannot_be_changed_in_the_admin(client, sample_course):
    login_verified(client, UserFactory(is_staff=True, is_superuser=True))
    choice = Choice.objects.get(feedback="101 is not for immediate danger.")
    question = Question.objects.get(pk=choice.question_id)
    url = reverse(f"admin:quizzes_{type(question).__name__.lower()}_change", args=[question.pk])
    data = _page_data(client, url)
    key = next(k for k, v in data.items() if k.endswith("-id") and str(v) == str(choice.pk))[: -len("-id")]

    refused = client.post(url, {**data, f"{key}-feedback_en": "111 is not for immediate danger."})
    assert refused.status_code == 200 and "adds phone number 111" in refused.text
    wording = {**data, f"{key}-feedback_en": "101 is never for immediate danger."}
    assert client.post(url, wording).status_code == 302
    choice.refresh_from_db()
    assert choice.feedback == "101 is never for immediate danger."
