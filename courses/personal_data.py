"""The courses section of "download my data": enrolments, the units completed in each, and story runs."""

from __future__ import annotations

from accounts.personal_data import iso as _iso

from .models import Enrolment, StoryRun, UnitProgress, UnitVisit


def personal_data_enrolments(user) -> list[dict]:
    progress: dict[int, list[dict]] = {}
    for row in (
        UnitProgress.objects.filter(enrolment__learner=user)
        .select_related("unit")
        .order_by("enrolment_id", "unit__order")
    ):
        progress.setdefault(row.enrolment_id, []).append(
            {"unit": row.unit.title, "completed_at": _iso(row.completed_at)}
        )
    opened: dict[int, list[dict]] = {}
    for visit in (
        UnitVisit.objects.filter(enrolment__learner=user)
        .select_related("unit")
        .order_by("enrolment_id", "unit__order")
    ):
        opened.setdefault(visit.enrolment_id, []).append(
            {
                "unit": visit.unit.title,
                "first_opened_at": _iso(visit.first_opened_at),
                "time_spent_minutes": round(visit.seconds_spent / 60),
            }
        )
    runs: dict[int, list[dict]] = {}
    for run in (
        StoryRun.objects.filter(enrolment__learner=user)
        .select_related("unit")
        .prefetch_related("choices")
        .order_by("enrolment_id", "started_at", "id")
    ):
        runs.setdefault(run.enrolment_id, []).append(
            {
                "unit": run.unit.title,
                "story": run.story_key,
                "started_at": _iso(run.started_at),
                "ended_at": _iso(run.ended_at),
                "ending": run.ending,
                "abandoned_at": _iso(run.abandoned_at),
                "choices": [
                    {"step": c.step_key, "choice": c.choice_key, "chosen_at": _iso(c.chosen_at)}
                    for c in run.choices.all()
                ],
            }
        )
    return [
        {
            "course": enrolment.course.title,
            "pathway": enrolment.pathway.title,
            "started_at": _iso(enrolment.started_at),
            "completed_at": _iso(enrolment.completed_at),
            "units_completed": progress.get(enrolment.pk, []),
            # Honest time: what the site recorded, beside the course's declared CPD time.
            "time_spent_minutes": round(enrolment.seconds_spent / 60),
            "declared_cpd_minutes": enrolment.course.cpd_minutes,
            "units_opened": opened.get(enrolment.pk, []),
            "stories": runs.get(enrolment.pk, []),
        }
        for enrolment in Enrolment.objects.filter(learner=user)
        .select_related("course", "pathway")
        .order_by("started_at", "id")
    ]
