"""A small data set with answers worked out by hand (see test_statistics.py for the arithmetic).

Course with three audiences: A (12 learners, all right first time), B (5 learners), C (20 learners in three
groups). Unit 1's quiz has questions q1, q2, q3 (single choice; option a right). Pass mark 80: only 3/3
passes.

C, first attempts:  g1 (10): q1 a, q2 a, q3 a (passed)
                    g2 (5):  q1 a, q2 b, q3 b (failed)
                    g3 (5):  q1 b, q2 a, q3 a (failed)
C, later attempts:  g2 second: all a (passed)
                    g3 second: q1 b, q2 a, q3 b (failed); g3 third: all a (passed)
B, first attempts: all a. Unit visits: 600 s each; every attempt 60 s.
Unit 2's quiz (question q5, option a right): 10 learners of C, 2 right (20 %).
"""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from courses.models import CourseRelease, Enrolment, UnitVisit
from quizzes.models import Answer, Attempt, TopicTag
from tests.courses.factories import CourseFactory, PathwayFactory, UnitFactory
from tests.quizzes.factories import QuizFactory, make_single

DAY1 = dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC)


def _attempt(enrolment, quiz, questions, picks, when, *, pass_mark=80):
    right = [pick == "a" for pick in picks]
    score = round(100 * sum(right) / len(right))
    attempt = Attempt.objects.create(
        enrolment=enrolment,
        quiz=quiz,
        seed=1,
        question_ids=[q.pk for q in questions],
        submitted_at=when,
        score=score,
        passed=score >= pass_mark,
        seconds_spent=60,
    )
    Answer.objects.bulk_create(
        Answer(
            attempt=attempt,
            question=q,
            order=i,
            response={"choice": pick},
            score=1.0 if ok else 0.0,
            is_correct=ok,
            snapshot={},
        )
        for i, (q, pick, ok) in enumerate(zip(questions, picks, right, strict=True), start=1)
    )
    return attempt


def seed_world():
    course = CourseFactory(slug="analysis-course", title="Analysis course")
    CourseRelease.objects.create(course=course, major=1, released_on=dt.date(2026, 1, 1))
    pa = PathwayFactory(course=course, slug="audience-a", title="Audience A", order=1)
    pb = PathwayFactory(course=course, slug="audience-b", title="Audience B", order=2)
    pc = PathwayFactory(course=course, slug="audience-c", title="Audience C", order=3)
    unit = UnitFactory(course=course, slug="unit-one", title="Unit one", order=1)
    unit2 = UnitFactory(course=course, slug="unit-two", title="Unit two", order=2)
    quiz = QuizFactory(unit=unit)
    quiz2 = QuizFactory(unit=unit2)
    for name, kind, label in [
        ("sign:missing", "sign", "You don't know where your child is"),
        ("sign:older", "sign", "They have a much older boyfriend or girlfriend"),
        ("route:police", "route", "Talk to the police on 101"),
    ]:
        TopicTag.objects.create(course=course, name=name, kind=kind, label=label)
    q1 = make_single(quiz, key="q1", order=1, tags=["sign:missing"])
    q2 = make_single(quiz, key="q2", order=2, tags=["sign:older"])
    q3 = make_single(quiz, key="q3", order=3, tags=["route:police"])
    q5 = make_single(quiz2, key="q5", order=1, tags=["sign:missing"])
    questions = [q1, q2, q3]

    def enrol(pathway, count):
        # Built, not created one by one: no password hashing for dozens of learners.
        users = User.objects.bulk_create(
            User(
                email=f"{pathway.slug}-{i}@example.com",
                certificate_name=f"Learner {pathway.slug} {i}",
                password="!",
            )
            for i in range(count)
        )
        enrolments = [Enrolment.objects.create(learner=u, course=course, pathway=pathway) for u in users]
        UnitVisit.objects.bulk_create(
            UnitVisit(enrolment=e, unit=unit, first_opened_at=DAY1, last_opened_at=DAY1, seconds_spent=600)
            for e in enrolments
        )
        return enrolments

    group_a, group_b, group_c = enrol(pa, 12), enrol(pb, 5), enrol(pc, 20)
    for e in group_a + group_b:
        _attempt(e, quiz, questions, "aaa", DAY1)
    g1, g2, g3 = group_c[:10], group_c[10:15], group_c[15:]
    for e in g1:
        _attempt(e, quiz, questions, "aaa", DAY1)
    for e in g2:
        _attempt(e, quiz, questions, "abb", DAY1)
        _attempt(e, quiz, questions, "aaa", DAY1 + dt.timedelta(days=1))
    for e in g3:
        _attempt(e, quiz, questions, "baa", DAY1)
        _attempt(e, quiz, questions, "bab", DAY1 + dt.timedelta(days=1))
        _attempt(e, quiz, questions, "aaa", DAY1 + dt.timedelta(days=2))
    for i, e in enumerate(group_c[:10]):
        _attempt(e, quiz2, [q5], "a" if i < 2 else "b", DAY1)
    return {
        "course": course,
        "pathways": (pa, pb, pc),
        "questions": (q1, q2, q3, q5),
        "units": (unit, unit2),
        "groups": (group_a, group_b, group_c),
    }
