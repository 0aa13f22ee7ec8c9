"""Project package: settings, URLs, the Celery app and the accounts app."""

from .celery import app as celery_app

__all__ = ("celery_app",)
