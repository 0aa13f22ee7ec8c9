"""Generate a new credential signing key; it signs from now on, and every older key stays published."""

from django.core.management.base import BaseCommand

from certificates.credentials import keys


class Command(BaseCommand):
    help = "Start signing Open Badges credentials with a new key (older keys stay in the published key set)."

    def handle(self, *args, **options) -> None:
        key = keys.generate_key()
        published = len(keys.all_keys())
        self.stdout.write(
            f"New signing key {key.kid} ({keys.method_id(key.kid)}); {published} keys published."
        )
