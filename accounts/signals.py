"""Signals accounts sends; other apps connect to them (accounts imports none of them)."""

from django.dispatch import Signal

# Sent with `user` once their email address is verified (by link, or by an invitation sent to it).
email_verified = Signal()
