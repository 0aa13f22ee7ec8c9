"""Changing role on an open enrolment: a clear warning of what is done again, shared completed units kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from courses import pathway_change
from courses.models import Enrolment, UnitProgress
from tests.certificates.helpers import complete_enrolment, pass_quiz
from tests.courses.view_helpers import enrol_in_sample

pytestmark = pytest.mark.django_db


def role_url(course) -> str:
    return reverse("courses:change_role", args=[course.slug])


@pytest.fixture
def taxi_with_two_units_done(user, sample_course) -> Enrolment:
    enrolment = enrol_in_sample(user, sample_course)
    assert enrolment.pathway.slug == "taxi-drivers"
    pass_quiz(enrolment=enrolment, unit=sample_course.units.get(slug="signs"))  # has taxi-only content
    pass_quiz(enrolment=enrolment, unit=sample_course.units.get(slug="pass-it-on"))  # the same for both
    return enrolment


def _done(enrolment) -> list[str]:
    return sorted(UnitProgress.objects.filter(enrolment=enrolment).values_list("unit__slug", flat=True))


def test_the_plan_keeps_shared_units_and_redoes_the_rest(taxi_with_two_units_done, sample_course):
    foster = sample_course.pathways.get(slug="foster-carers")
    plan = pathway_change.pathway_change_plan(enrolment=taxi_with_two_units_done, pathway=foster)
    assert [u.slug for u in plan.kept] == ["pass-it-on"]
    assert [u.slug for u in plan.redo] == ["signs"]


def test_the_page_warns_before_anything_changes(learner_client, taxi_with_two_units_done, sample_course):
    assertContains(
        learner_client.get(reverse("courses:detail", args=[sample_course.slug])), role_url(sample_course)
    )
    choose = learner_client.get(role_url(sample_course))
    assertContains(choose, "Nothing changes until you confirm.")
    assertNotContains(choose, 'value="taxi-drivers"')  # only the other roles are offered

    preview = learner_client.get(role_url(sample_course), {"pathway": "foster-carers"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "You will do 1 unit again</strong>" in html
    assert "Unit 1: " in html.split("You will do", 1)[1].split("</ul>", 1)[0]
    assert "You keep 1 completed unit" in html
    taxi_with_two_units_done.refresh_from_db()
    assert taxi_with_two_units_done.pathway.slug == "taxi-drivers"
    assert _done(taxi_with_two_units_done) == ["pass-it-on", "signs"]


def test_confirming_changes_the_role_and_keeps_the_shared_unit(
    learner_client, taxi_with_two_units_done, sample_course
):
    response = learner_client.post(role_url(sample_course), {"pathway": "foster-carers"})
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:detail", args=[sample_course.slug])
    taxi_with_two_units_done.refresh_from_db()
    assert taxi_with_two_units_done.pathway.slug == "foster-carers"
    assert _done(taxi_with_two_units_done) == ["pass-it-on"]
    page = learner_client.get(response["Location"]).content.decode()
    foster = sample_course.pathways.get(slug="foster-carers")
    assert f"Your role is now {foster.title}." in page
    assert "1 unit to do again." in page


@pytest.mark.parametrize("pathway", ["", "taxi-drivers", "no-such-role"])
def test_a_bad_choice_is_refused_in_place_and_changes_nothing(
    learner_client, taxi_with_two_units_done, sample_course, pathway
):
    response = learner_client.post(role_url(sample_course), {"pathway": pathway})
    assert response.status_code == 400
    assertContains(response, "Choose the role you want to change to.", status_code=400)
    taxi_with_two_units_done.refresh_from_db()
    assert taxi_with_two_units_done.pathway.slug == "taxi-drivers"
    assert _done(taxi_with_two_units_done) == ["pass-it-on", "signs"]


def test_a_completed_course_keeps_its_role(learner_client, user, sample_course):
    enrolment = complete_enrolment(enrol_in_sample(user, sample_course))
    response = learner_client.post(role_url(sample_course), {"pathway": "foster-carers"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.pathway.slug == "taxi-drivers"
    with pytest.raises(pathway_change.PathwayChangeRefused):
        pathway_change.pathway_change_plan(
            enrolment=enrolment, pathway=sample_course.pathways.get(slug="foster-carers")
        )


def test_the_preview_query_count_is_pinned(
    learner_client, taxi_with_two_units_done, sample_course, django_assert_num_queries
):
    # Constant, however many units: blocks, questions and completed units are one query each. The course's
    # structure is cached per process and content version (a running server has it): warm it first.
    learner_client.get(role_url(sample_course), {"pathway": "foster-carers"})
    with django_assert_num_queries(7):
        response = learner_client.get(role_url(sample_course), {"pathway": "foster-carers"})
    assert response.status_code == 200


def test_units_to_redo_must_be_opened_again_in_the_new_role(taxi_with_two_units_done, sample_course):
    from courses.models import UnitVisit

    opened = set(
        UnitVisit.objects.filter(enrolment=taxi_with_two_units_done).values_list("unit__slug", flat=True)
    )
    assert {"signs", "pass-it-on"} <= opened
    foster = sample_course.pathways.get(slug="foster-carers")
    pathway_change.enrolment_pathway_change(enrolment=taxi_with_two_units_done, pathway=foster)
    after = set(
        UnitVisit.objects.filter(enrolment=taxi_with_two_units_done).values_list("unit__slug", flat=True)
    )
    assert after == opened - {"signs"}  # the new role's content of "signs" is read before its quiz


def test_a_change_refused_at_the_last_moment_is_a_400_in_place(
    learner_client, taxi_with_two_units_done, sample_course, monkeypatch
):
    def completed_meanwhile(**kwargs):  # the enrolment completed in another tab after the page's check
        raise pathway_change.PathwayChangeRefused(
            "You have completed this course, so its role can no longer be changed."
        )

    monkeypatch.setattr(pathway_change, "enrolment_pathway_change", completed_meanwhile)
    response = learner_client.post(role_url(sample_course), {"pathway": "foster-carers"})
    assert response.status_code == 400
    assertContains(response, "its role can no longer be changed", status_code=400)
