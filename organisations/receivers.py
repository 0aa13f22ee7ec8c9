"""Signal receivers: at log-in, remember in the session whether the user manages an organisation, so the
navigation can show the managers' link on every page without a query."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .context_processors import remember_manager_flag


@receiver(user_logged_in, dispatch_uid="organisations.user_logged_in")
def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember_manager_flag(request, user)
