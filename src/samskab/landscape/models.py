"""The last computed landscape of a municipality over a period.

The network, its measures, the map's layout and the involvement from top to bottom are computed
in the background (`samskab.landscape.tasks`) and stored as one JSON document per municipality
and period; pages, exports and the API read it and never wait. The document's format is
described in `samskab.landscape.results`.
"""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager


class LandscapeRun(models.Model):
    """`data`: the result (empty until first computed). `pending_since`: a computation is queued.
    `error`: why the last computation failed (the previous `data` is kept)."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    start = models.DateField()
    end = models.DateField()
    data = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    pending_since = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "start", "end"], name="one_landscape_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"landscape {self.municipality_id} {self.start}–{self.end}"
