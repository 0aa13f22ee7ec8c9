from django.apps import AppConfig

DAY = 24 * 60 * 60.0


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from elearning.accounts.personal_data import register_section
        from elearning.celery import register_periodic

        from . import receivers  # noqa: F401 - remembers at log-in whether to show the managers' link
        from .selectors import personal_data_memberships

        register_section("organisations", personal_data_memberships)
        # Reminders and summaries are safe to run as often as we like (each email is recorded once), so
        # the schedule only needs to be frequent enough; daily catches a late or missed day the next day.
        register_periodic(
            "organisations-expiry-reminders", "organisations.send_expiry_reminders", schedule=DAY
        )
        register_periodic(
            "organisations-manager-summaries", "organisations.send_manager_summaries", schedule=DAY
        )
        register_periodic("organisations-sweep", "organisations.sweep", schedule=300.0)
