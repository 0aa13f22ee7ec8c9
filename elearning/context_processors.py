"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

# settings.SITE_NAME, marked here so its Welsh is gathered with the rest (issue 21)
SITE_NAME = gettext_noop("CSE awareness training")


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": gettext(settings.SITE_NAME), "SITE_URL": settings.SITE_URL}
