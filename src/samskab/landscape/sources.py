"""Everything the capabilities recorded over a period, gathered through their public read
functions (`<app>.services.landscape_activity`), never their tables."""

from __future__ import annotations

from datetime import date
from typing import Any

from samskab.challenges import services as challenges
from samskab.complexity import services as complexity
from samskab.core.activity import ActivityReport, Arena
from samskab.experiments import services as experiments
from samskab.initiatives import services as initiatives
from samskab.opinions import services as opinions
from samskab.reflection import services as reflection
from samskab.workshops import services as workshops

SOURCES = (challenges, opinions, complexity, reflection, workshops, initiatives, experiments)


def collect(municipality: Any, start: date, end: date) -> ActivityReport:
    """All arenas and activities of `municipality` between `start` and `end` (inclusive), each
    arena once. Call inside the municipality's scope."""
    arenas: dict[str, Arena] = {}
    activities = []
    for source in SOURCES:
        report = source.landscape_activity(municipality, start, end)
        for arena in report.arenas:
            arenas.setdefault(arena.key, arena)
        activities.extend(report.activities)
    return ActivityReport(tuple(arenas[k] for k in sorted(arenas)), tuple(activities))
