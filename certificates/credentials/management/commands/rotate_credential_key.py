"""Generate a new credential signing key (published at once, signing once verifiers' cached key sets have
expired); with --retire <kid>, also withdraw a (leaked) key and re-sign what it signed with the current
key."""

from django.core.management.base import BaseCommand, CommandError

from certificates.credentials import keys, status
from certificates.credentials.issue import credentials_resign


class Command(BaseCommand):
    help = (
        "Start a new Open Badges signing key (older keys stay published). With --retire <kid>, withdraw that "
        "key from the published set and re-sign every credential it signed with the current key."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--retire",
            metavar="KID",
            help="a published key to withdraw (its kid, e.g. key-2026-01-01-1a2b3c4d, or <did>#<kid>)",
        )

    def handle(self, *args, **options) -> None:
        retire = options.get("retire")
        if retire and retire.rsplit("#", 1)[-1] not in {key.kid for key in keys.all_keys()}:
            raise CommandError(f"No published key {retire!r}: see /.well-known/jwks.json for the kids.")
        key = keys.generate_key()
        self.stdout.write(
            f"New signing key {key.kid} ({keys.method_id(key.kid)}), published now; it signs once it is "
            f"{keys.PUBLIC_SECONDS} seconds old (until then the previous key does)."
        )
        if retire:
            old = keys.retire_key(retire)
            current = keys.signing_key()
            count = credentials_resign(key_id=old.kid, key=current)
            status.invalidate()  # the cached status lists may be signed by the withdrawn key
            self.stdout.write(
                f"Retired {old.kid}: it is no longer published and never signs again. Re-signed {count} "
                f"credential(s) with {current.kid}; holders download them again from their certificates page."
            )
        self.stdout.write(f"{len(keys.all_keys())} keys published.")
