from django.apps import AppConfig

DAY = 24 * 60 * 60.0


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from accounts.personal_data import register_section
        from accounts.services import register_deletion_check
        from elearning.celery import register_periodic

        from . import receivers  # noqa: F401 - log-in flag for the managers' link; forgetting deleted users
        from .selectors import personal_data_memberships
        from .services import user_deletion_blockers

        register_section("organisations", personal_data_memberships)
        register_deletion_check(user_deletion_blockers)
        # Reminders and summaries are safe to run as often as we like (each email is recorded once), so
        # the schedule only needs to be frequent enough; daily catches a late or missed day the next day.
        register_periodic(
            "organisations-expiry-reminders", "organisations.send_expiry_reminders", schedule=DAY
        )
        register_periodic(
            "organisations-manager-summaries", "organisations.send_manager_summaries", schedule=DAY
        )
        register_periodic("organisations-sweep", "organisations.sweep", schedule=300.0)
