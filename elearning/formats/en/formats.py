"""English here is British English: the en_GB formats under the "en" language code (settings.LANGUAGES)."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
