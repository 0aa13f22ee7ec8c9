"""Our signing keys (django-lti's `Key`): one is made on first need; `manage.py rotate_keys` adds a new one
(see README "Key rotation")."""

from __future__ import annotations

from lti_tool.models import Key


def tool_key_ensure() -> Key:
    key = Key.objects.active().order_by("-datetime_created").first()
    return key or Key.objects.generate()
