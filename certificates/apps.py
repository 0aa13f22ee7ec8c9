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
