from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certificates"

    def ready(self) -> None:
        from django.conf import settings

        from accounts.personal_data import register_deletion_step, register_section
        from courses.hooks import set_completion_notes
        from courses.services import register_completion_check
        from elearning.celery import register_periodic

        from . import receivers, revocation, services, version_notices  # noqa: F401 - receivers connects the completion signal
        from .personal_data import personal_data_certificates

        register_section("certificates", personal_data_certificates)
        # A course whose certificate was revoked no longer says "Completed".
        set_completion_notes(revocation.completion_notes)
        # Part of the completion rule, so an enrolment never completes without a name to print.
        register_completion_check("certificates.holder_name", services.holder_name_reason, order=30)
        register_completion_check(
            "certificates.refresher_renews_valid",
            version_notices.refresher_certificate_reason,
            order=40,
        )
        # The steps are independent; the numbers only fix the order (certificates 10, organisations 20).
        register_deletion_step(
            "certificates.holder_removed",
            lambda user: services.certificate_holder_removed(learner=user),
            order=10,
        )

        register_periodic(
            "certificates-sweep-pending",
            "certificates.sweep_pending",
            schedule=float(settings.CERTIFICATE_SWEEP_EVERY_SECONDS),
        )
        # PDFs a failed run wrote but never recorded print a holder's name: removed daily.
        register_periodic(
            "certificates-sweep-orphan-files", "certificates.sweep_orphan_files", schedule=24 * 60 * 60.0
        )
