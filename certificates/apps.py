from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certificates"

    def ready(self) -> None:
        from django.conf import settings

        from elearning.celery import register_periodic

        from . import receivers  # noqa: F401 - connects the completion signal

        register_periodic(
            "certificates-sweep-pending",
            "certificates.sweep_pending",
            schedule=float(settings.CERTIFICATE_SWEEP_EVERY_SECONDS),
        )
        # PDFs a failed run wrote but never recorded print a holder's name: removed daily.
        register_periodic(
            "certificates-sweep-orphan-files", "certificates.sweep_orphan_files", schedule=24 * 60 * 60.0
        )
