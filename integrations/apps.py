from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "LMS integrations (LTI 1.3, SCORM 1.2)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from accounts.personal_data import register_section
        from elearning.celery import register_periodic

        from . import receivers  # noqa: F401
        from .selectors import personal_data_lms_links

        register_section("lms_links", personal_data_lms_links)

        register_periodic(
            "integrations-sweep", "integrations.sweep", float(settings.GRADE_POST_SWEEP_EVERY_SECONDS)
        )
