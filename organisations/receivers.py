"""Signal receivers: at log-in, remember in the session whether the user manages an organisation, so the
navigation can show the managers' link on every page without a query, and remember in the cache which
organisations they belong to (for their boxes of local contacts) from the same query."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .context_processors import SESSION_KEY
from .local_contacts import remember_user_organisations
from .models import Membership


@receiver(user_logged_in, dispatch_uid="organisations.user_logged_in")
def on_user_logged_in(sender, request, user, **kwargs) -> None:
    rows = list(
        Membership.objects.filter(user=user)
        .order_by("organisation__name", "organisation_id")
        .values_list("organisation_id", "role")
    )
    remember_user_organisations(user_id=user.pk, organisation_ids=[pk for pk, _ in rows])
    if request is not None and hasattr(request, "session"):
        is_manager = any(role == Membership.Role.MANAGER for _, role in rows)
        if request.session.get(SESSION_KEY) != is_manager:
            request.session[SESSION_KEY] = is_manager
