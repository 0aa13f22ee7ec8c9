from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "analysis"
    verbose_name = "Item analysis"

    def ready(self) -> None:
        from elearning.celery import register_periodic

        # Nightly in effect: once a day, the every-learner reports are pre-aggregated (analysis.precompute).
        register_periodic("analysis-warm-reports", "analysis.warm_reports", schedule=24 * 60 * 60.0)
