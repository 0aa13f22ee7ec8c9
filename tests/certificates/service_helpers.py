"""Helpers for the certificate service tests."""

from __future__ import annotations

from certificates import services


class Rollback(Exception):
    pass


def _enqueues(callbacks) -> list[int]:
    """The certificate ids queued by on-commit callbacks."""
    return [
        cb.keywords["certificate_id"]
        for cb in callbacks
        if getattr(cb, "func", None) is services.certificate_enqueue
    ]
