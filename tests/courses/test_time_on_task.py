"""Honest time: time on units and quizzes is recorded by the server, shown beside the declared CPD time in the
learner's data download, and the certificate keeps the declared CPD time only when enough was spent."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.pdf import render_certificate_pdf
from certificates.services import cpd_fields
from courses import services
from courses.models import Enrolment, UnitVisit
from quizzes.models import Attempt
from tests.quizzes.view_helpers import answers, enrol, open_attempt, submit_url, take_url

pytestmark = pytest.mark.django_db


def _ago(enrolment, minutes: float) -> None:
    """Pretend the learner opened their last unit page `minutes` ago."""
    Enrolment.objects.filter(pk=enrolment.pk).update(
        unit_opened_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def test_time_on_a_unit_counts_until_the_next_step_capped(learner_client, sample_course, user):
    enrolment = enrol(user, "taxi-drivers", sample_course, open_units=False)
    learner_client.get(reverse("courses:unit", args=[sample_course.slug, "signs"]))
    _ago(enrolment, 7)

    learner_client.get(reverse("courses:unit", args=[sample_course.slug, "pass-it-on"]))
    signs = UnitVisit.objects.get(enrolment=enrolment, unit__slug="signs")
    assert 7 * 60 <= signs.seconds_spent <= 7 * 60 + 5
    _ago(enrolment, 600)  # a tab left open overnight counts at most the cap
    learner_client.get(reverse("courses:unit", args=[sample_course.slug, "signs"]))

    pass_it_on = UnitVisit.objects.get(enrolment=enrolment, unit__slug="pass-it-on")
    assert pass_it_on.seconds_spent == services.UNIT_STINT_MAX_SECONDS
    enrolment.refresh_from_db()
    assert enrolment.seconds_spent == signs.seconds_spent + pass_it_on.seconds_spent


def test_a_reload_credits_the_stint_to_the_same_unit_and_counts_the_opening(
    learner_client, sample_course, user
):
    """Issue 20: a reload is one statement for the stint's time and the visit; nothing is lost by it."""
    enrolment = enrol(user, "taxi-drivers", sample_course, open_units=False)
    url = reverse("courses:unit", args=[sample_course.slug, "signs"])
    learner_client.get(url)
    _ago(enrolment, 4)
    learner_client.get(url)
    _ago(enrolment, 3)
    learner_client.get(url)

    signs = UnitVisit.objects.get(enrolment=enrolment, unit__slug="signs")
    assert signs.times_opened == 3 and 7 * 60 <= signs.seconds_spent <= 7 * 60 + 5
    enrolment.refresh_from_db()
    assert enrolment.seconds_spent == signs.seconds_spent
    assert UnitVisit.objects.filter(enrolment=enrolment).count() == 1


def test_opening_the_quiz_closes_the_unit_stint_and_the_quiz_time_counts(learner_client, sample_course, user):
    enrolment = enrol(user, "taxi-drivers", sample_course, open_units=False)
    learner_client.get(reverse("courses:unit", args=[sample_course.slug, "signs"]))
    _ago(enrolment, 4)
    page = learner_client.get(take_url())
    assert page.status_code == 200, page.get("Location")
    attempt = open_attempt(enrolment)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - dt.timedelta(minutes=3))
    # (the content last changed before the attempt started, or the attempt would be void)
    type(sample_course).objects.update(updated_at=timezone.now() - dt.timedelta(days=1))

    learner_client.post(submit_url(attempt), answers(attempt))

    attempt.refresh_from_db()
    enrolment.refresh_from_db()
    assert 3 * 60 <= attempt.seconds_spent <= 3 * 60 + 5
    unit_seconds = UnitVisit.objects.get(enrolment=enrolment, unit__slug="signs").seconds_spent
    assert 4 * 60 <= unit_seconds <= 4 * 60 + 5
    assert enrolment.seconds_spent == unit_seconds + attempt.seconds_spent
    data = json.loads(learner_client.get(reverse("accounts:data_download")).content)
    [record] = data["courses"]
    assert record["time_spent_minutes"] == round(enrolment.seconds_spent / 60)
    assert record["declared_cpd_minutes"] == sample_course.cpd_minutes
    assert record["units_opened"][0]["unit"] and "first_opened_at" in record["units_opened"][0]
    assert data["quiz_attempts"][0]["time_spent_minutes"] == 3


@pytest.mark.parametrize(
    ("share", "spent_minutes", "shown", "is_time_spent"),
    [(50, 30, 60, False), (50, 29, 29, True), (50, 0, 1, True), (25, 15, 60, False), (100, 59, 59, True)],
)
def test_the_certificate_keeps_the_declared_cpd_time_only_with_enough_time(
    settings, share, spent_minutes, shown, is_time_spent
):
    settings.CPD_MIN_TIME_SHARE_PERCENT = share
    course = type("C", (), {"cpd_minutes": 60})()
    enrolment = Enrolment(seconds_spent=spent_minutes * 60)

    fields = cpd_fields(course=course, enrolment=enrolment)

    assert (fields["cpd_minutes"], fields["cpd_is_time_spent"]) == (shown, is_time_spent)
    assert fields["time_spent_minutes"] == spent_minutes


def test_the_pdf_states_time_actually_spent_when_it_is_not_the_cpd_time():
    certificate = Certificate(
        code="7K3MQ9TX2HRBW4PDA1CE",
        holder_name="Sam Jones",
        course_title="Course",
        pathway_title="Pathway",
        cpd_minutes=21,
        cpd_is_time_spent=True,
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2028, 1, 1),
        content_version=1,
    )
    text = PdfReader(io.BytesIO(render_certificate_pdf(certificate, verification_url="https://x/"))).pages[0]
    words = text.extract_text()
    assert "Time spent on the course: 21 minutes" in words and "CPD time" not in words


def test_a_refreshers_certificate_counts_the_time_of_the_training_it_renews(settings):
    settings.CPD_MIN_TIME_SHARE_PERCENT = 50
    course = type("C", (), {"cpd_minutes": 60})()
    first = Enrolment(seconds_spent=50 * 60)
    refresher = Enrolment(seconds_spent=8 * 60, refreshes=first)  # one changed unit, 8 minutes

    fields = cpd_fields(course=course, enrolment=refresher)

    assert (fields["cpd_minutes"], fields["cpd_is_time_spent"]) == (60, False)
    assert fields["time_spent_minutes"] == 58
