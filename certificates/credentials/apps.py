from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "certificates.credentials"
    label = "credentials"
    verbose_name = "Open Badges credentials"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_save

        from .keys import check_site_url

        checks.register(check_site_url)

        from accounts.personal_data import register_deletion_step
        from certificates.models import Certificate

        from . import status

        # A revoked certificate flips its credential's bit: the cached status list is dropped after commit.
        post_save.connect(status.certificate_saved, sender=Certificate, dispatch_uid="credentials-status")
        # After certificates.holder_removed (10): the stored credential, which names the holder, is wiped and
        # its bit flips (the list counts a removed holder as revoked).
        register_deletion_step("credentials.holder_removed", status.holder_removed, order=11)
