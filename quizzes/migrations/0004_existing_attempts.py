"""Learners already enrolled keep their passes and open attempts: a unit with any attempt counts as opened,
and failed attempts made before attempt limits existed do not count towards the new limit (an audited reset
named after the change, so the record says why)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    UnitVisit = apps.get_model("courses", "UnitVisit")
    LockReset = apps.get_model("quizzes", "LockReset")
    seen: dict[tuple[int, int], object] = {}
    pairs: dict[tuple[int, int], object] = {}
    for attempt in Attempt.objects.select_related("quiz").order_by("started_at").iterator():
        seen.setdefault((attempt.enrolment_id, attempt.quiz.unit_id), attempt.started_at)
        pairs.setdefault((attempt.enrolment_id, attempt.quiz_id), attempt.started_at)
    UnitVisit.objects.bulk_create(
        [
            UnitVisit(enrolment_id=e, unit_id=u, first_opened_at=at, last_opened_at=at, seconds_spent=0)
            for (e, u), at in seen.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    LockReset.objects.bulk_create(
        [
            LockReset(enrolment_id=e, quiz_id=q, reset_by=None, reset_by_name="Attempt limits introduced")
            for (e, q) in pairs
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0003_pools_limits_time"), ("courses", "0004_unit_visits_backfill")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
