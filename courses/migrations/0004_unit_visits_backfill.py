"""Learners already enrolled: a unit they completed counts as opened (its quiz stays open to them)."""

from django.db import migrations


def backfill(apps, schema_editor):
    UnitProgress = apps.get_model("courses", "UnitProgress")
    UnitVisit = apps.get_model("courses", "UnitVisit")
    Enrolment = apps.get_model("courses", "Enrolment")
    visits = [
        UnitVisit(
            enrolment_id=p.enrolment_id,
            unit_id=p.unit_id,
            first_opened_at=p.completed_at,
            last_opened_at=p.completed_at,
            seconds_spent=0,
        )
        for p in UnitProgress.objects.all().iterator()
    ]
    # The last unit each learner opened was opened too.
    done = {(v.enrolment_id, v.unit_id) for v in visits}
    for enrolment in Enrolment.objects.filter(last_unit__isnull=False).iterator():
        if (enrolment.pk, enrolment.last_unit_id) not in done:
            visits.append(
                UnitVisit(
                    enrolment_id=enrolment.pk,
                    unit_id=enrolment.last_unit_id,
                    first_opened_at=enrolment.started_at,
                    last_opened_at=enrolment.started_at,
                    seconds_spent=0,
                )
            )
    UnitVisit.objects.bulk_create(visits, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("courses", "0003_unit_visits_and_time")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
