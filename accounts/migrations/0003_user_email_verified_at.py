"""Email verification. Accounts that exist before this migration are treated as verified (their address
has been in use, and some already receive certificates): marking them unverified would hold back their next
certificate email until they found and followed a link they were never asked for. New sign-ups start
unverified."""

from django.db import migrations, models
from django.db.models import F


def existing_accounts_are_verified(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_licence_number"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the holder followed a verification link (or joined by an invitation sent to "
                "it). Certificates are emailed only to a verified address.",
                null=True,
                verbose_name="email address verified",
            ),
        ),
        migrations.RunPython(existing_accounts_are_verified, migrations.RunPython.noop),
    ]
