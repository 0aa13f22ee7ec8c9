"""Existing data under the assessment rules: learners keep their passes, open attempts can still be finished,
failures made before the limit existed do not lock anyone (the data migrations' backfills)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from courses.models import UnitProgress, UnitVisit
from quizzes import rules
from quizzes.models import Attempt, LockReset, Quiz
from tests.quizzes.factories import AttemptFactory
from tests.quizzes.view_helpers import answers, enrol, result_url, submit_url

pytestmark = pytest.mark.django_db

courses_backfill = importlib.import_module("courses.migrations.0004_unit_visits_backfill").backfill
quizzes_backfill = importlib.import_module("quizzes.migrations.0004_existing_attempts").backfill


def test_the_backfills_keep_passes_and_open_attempts_working(learner_client, sample_course, user):
    # A learner from before the rules: passed unit 2's quiz, failed unit 1's four times, one attempt open.
    enrolment = enrol(user, "taxi-drivers", sample_course, open_units=False)
    signs = Quiz.objects.get(unit__slug="signs")
    pass_it_on = Quiz.objects.get(unit__slug="pass-it-on")
    UnitProgress.objects.create(enrolment=enrolment, unit=pass_it_on.unit, completed_at=timezone.now())
    AttemptFactory(enrolment=enrolment, quiz=pass_it_on, submitted_at=timezone.now(), score=100, passed=True)
    for _ in range(4):
        AttemptFactory(enrolment=enrolment, quiz=signs, submitted_at=timezone.now(), score=0, passed=False)
    open_attempt = AttemptFactory(enrolment=enrolment, quiz=signs)
    assert rules.allowance_for(enrolment=enrolment, quiz=signs).is_locked  # what the rules alone would say

    courses_backfill(apps, None)
    quizzes_backfill(apps, None)
    courses_backfill(apps, None)  # idempotent

    assert set(UnitVisit.objects.values_list("unit__slug", flat=True)) == {"signs", "pass-it-on"}
    assert LockReset.objects.filter(reset_by=None, reset_by_name="Attempt limits introduced").count() == 2
    allowance = rules.allowance_for(enrolment=enrolment, quiz=signs)
    assert (allowance.is_locked, allowance.left) == (False, 3)
    assert UnitProgress.objects.filter(enrolment=enrolment, unit=pass_it_on.unit).exists()  # the pass stays

    response = learner_client.post(submit_url(open_attempt), answers(open_attempt))

    assert (response.status_code, response["Location"]) == (302, result_url(open_attempt))
    open_attempt.refresh_from_db()
    assert open_attempt.passed is True
    assert Attempt.objects.filter(submitted_at__isnull=True).count() == 0
