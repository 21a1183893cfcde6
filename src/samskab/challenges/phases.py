"""Which actions each phase of a challenge allows: one registry, not scattered ifs.

A challenge moves ideas → prioritisation → decision → follow-up (adhocracy4 keeps the same idea
in phases/contents.py). Views, rules and the API ask `allows(phase, action)`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    IDEAS = "ideas", _("Idéer")
    PRIORITISATION = "prioritisation", _("Prioritering")
    DECISION = "decision", _("Beslutning")
    FOLLOW_UP = "followup", _("Opfølgning")


class Action(models.TextChoices):
    SUBMIT = "submit", _("foreslå idéer")
    COMMENT = "comment", _("kommentere")
    SUPPORT = "support", _("støtte idéer")
    COMPARE = "compare", _("sammenligne idéer parvis")


FEATURES: dict[str, frozenset[str]] = {
    Phase.IDEAS: frozenset({Action.SUBMIT, Action.COMMENT, Action.SUPPORT}),
    Phase.PRIORITISATION: frozenset({Action.COMMENT, Action.SUPPORT, Action.COMPARE}),
    Phase.DECISION: frozenset({Action.COMMENT}),
    Phase.FOLLOW_UP: frozenset({Action.COMMENT}),
}

ORDER: list[str] = [Phase.IDEAS, Phase.PRIORITISATION, Phase.DECISION, Phase.FOLLOW_UP]


def allows(phase: str, action: str) -> bool:
    return action in FEATURES.get(phase, frozenset())


def next_phase(phase: str) -> str | None:
    index = ORDER.index(phase)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None
