"""The one table analysis owns: which organisations commission training (and so see every audience)."""

from __future__ import annotations

from django.db import models


class Commissioner(models.Model):
    """An organisation marked as commissioning (a safeguarding board, a licensing authority): its managers
    see the item analysis across all organisations, by audience, never by person."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="commissioner"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "commissioning organisation"

    def __str__(self) -> str:
        return f"Commissioner: {self.organisation}"
