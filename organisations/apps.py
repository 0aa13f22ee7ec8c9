from django.apps import AppConfig

DAY = 24 * 60 * 60.0


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from accounts.personal_data import register_deletion_check, register_deletion_step, register_section
        from accounts.two_factor import register_requirement
        from certificates.api import register_email_sections
        from elearning.celery import register_periodic

        from . import receivers  # noqa: F401 - log-in flag for the managers' link
        from .local_contacts import certificate_email_sections
        from .selectors import personal_data_memberships, user_is_manager
        from .services import user_deletion_blockers, user_forget

        register_section("organisations", personal_data_memberships)
        register_requirement(lambda user: user_is_manager(user=user))  # managers need two-step verification
        register_email_sections(certificate_email_sections)
        register_deletion_check("organisations.sole_manager", user_deletion_blockers)
        register_deletion_step("organisations.forget", lambda user: user_forget(user=user), order=20)
        # Reminders and summaries are safe to run as often as we like (each email is recorded once), so
        # the schedule only needs to be frequent enough; daily catches a late or missed day the next day.
        register_periodic(
            "organisations-expiry-reminders", "organisations.send_expiry_reminders", schedule=DAY
        )
        register_periodic(
            "organisations-manager-summaries", "organisations.send_manager_summaries", schedule=DAY
        )
        register_periodic("organisations-sweep", "organisations.sweep", schedule=300.0)
