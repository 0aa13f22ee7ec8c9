"""Deleting stored files only once the database agrees: a rolled-back transaction must not lose a file
that its rows still point to."""

from __future__ import annotations

import logging
from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction

log = logging.getLogger(__name__)


def _delete_now(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the file is gone already, or storage is down: a sweeper catches what is left
            log.warning("Could not delete stored file %s", name, exc_info=True)


def delete_files_on_commit(*names: str) -> None:
    """Delete these stored files after the current transaction commits (at once outside one); nothing if
    it rolls back."""
    names = tuple(name for name in names if name)
    if names:
        transaction.on_commit(partial(_delete_now, names))
