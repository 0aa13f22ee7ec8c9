"""The real question bank under courses/content/ loads and meets the minimums set for it (issue 5)."""

from __future__ import annotations

from collections import Counter

import pytest

from courses.loading import load_courses
from courses.models import Course, Pathway
from quizzes import selectors
from quizzes.models import QUESTION_TYPES, Choice, Question, Quiz


@pytest.fixture(scope="module")
def bank(django_db_setup, django_db_blocker):
    """Load the real content once for this module, and remove it afterwards."""
    with django_db_blocker.unblock():
        results = load_courses()
        yield results
        Course.objects.filter(slug__in=[r.slug for r in results]).delete()


@pytest.fixture
def real(bank, db):
    return bank


def active_questions():
    return Question.objects.filter(is_active=True, quiz__is_active=True)


def test_the_bank_loads(real):
    assert real, "no course under courses/content/"
    assert Quiz.objects.filter(is_active=True).exists()


def test_at_least_50_questions_in_all(real):
    assert active_questions().count() >= 50


def test_every_unit_quiz_sets_each_pathway_at_least_4_questions(real):
    short = []
    for quiz in Quiz.objects.filter(is_active=True).select_related("unit__course"):
        for pathway in Pathway.objects.filter(course=quiz.unit.course):
            count = len(selectors.question_ids_for_pathway(quiz=quiz, pathway=pathway))
            if count < 4:
                short.append(f"{quiz.unit.slug} / {pathway.slug}: {count}")
    assert not short, f"quizzes with fewer than 4 questions for a pathway: {short}"


def test_every_unit_quiz_has_at_least_4_common_questions(real):
    """Questions set whatever the learner's role: the core of every quiz."""
    short = [
        f"{quiz.unit.slug}: {count}"
        for quiz in Quiz.objects.filter(is_active=True).select_related("unit")
        if (count := active_questions().filter(quiz=quiz, pathways__isnull=True).count()) < 4
    ]
    assert not short, f"quizzes with fewer than 4 common questions: {short}"


def test_every_unit_of_every_course_has_a_quiz(real):
    for course in Course.objects.filter(slug__in=[r.slug for r in real]):
        without = [
            unit.slug for unit in course.units.all() if not Quiz.objects.filter(unit=unit, is_active=True)
        ]
        assert not without, f"{course.slug}: units without a quiz: {without}"


def test_every_pathway_has_at_least_8_scenario_questions_in_its_role(real):
    counts = {
        pathway.slug: active_questions().filter(pathways=pathway, scenario__isnull=False).count()
        for pathway in Pathway.objects.all()
    }
    assert counts
    short = {slug: count for slug, count in counts.items() if count < 8}
    assert not short, f"pathways with fewer than 8 scenario questions: {short}"


def test_every_question_names_its_section_and_explains_itself(real):
    blank = [
        q.key
        for q in active_questions().non_polymorphic()
        if not q.section.strip() or not q.explanation.strip() or not q.prompt.strip()
    ]
    assert not blank, f"questions missing a section, explanation or prompt: {blank}"


def test_every_option_item_and_pair_has_feedback(real):
    questions = active_questions()
    missing = [
        f"{c.question.key}/{c.key}"
        for c in Choice.objects.filter(question__in=questions).select_related("question")
        if not c.feedback.strip()
    ]
    assert not missing, f"options without feedback: {missing}"
    without_choices = [q.key for q in questions.non_polymorphic() if not q.choices.exists()]
    assert not without_choices


def test_all_four_question_types_are_used(real):
    used = Counter(type(q).type_name for q in active_questions())
    assert set(used) == set(QUESTION_TYPES) == {"single", "multiple", "ordering", "matching"}, used


def test_scenario_questions_are_limited_to_their_scenarios_pathways(real):
    for question in active_questions().filter(scenario__isnull=False).select_related("scenario"):
        scenario_pathways = set(question.scenario.pathways.values_list("pk", flat=True))
        if scenario_pathways:
            assert set(question.pathways.values_list("pk", flat=True)) <= scenario_pathways, question.key


def test_every_question_can_be_answered_right(real):
    """Each question's own data lets a learner reach full marks (one right option, a full order, …)."""
    for quiz in Quiz.objects.filter(is_active=True):
        ids = list(active_questions().filter(quiz=quiz).values_list("pk", flat=True))
        for question, choices in selectors.questions_with_choices(question_ids=ids):
            assert len(choices) >= 2, question.key
            if question.type_name == "single":
                response = {"choice": next(c.key for c in choices if c.is_correct)}
            elif question.type_name == "multiple":
                response = {"choices": [c.key for c in choices if c.is_correct]}
            elif question.type_name == "ordering":
                response = {"positions": {c.key: c.position for c in choices}}
            else:
                response = {"matches": {c.key: c.match for c in choices}}
            assert question.grade(response, choices).score == 1.0, question.key
