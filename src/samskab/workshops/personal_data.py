from __future__ import annotations

from typing import Any

from samskab.workshops.models import WorkshopParticipant


def export(person: Any) -> dict[str, Any]:
    """The workshops the person joined and the name they used (called with scopes disabled)."""
    return {
        "participations": list(
            WorkshopParticipant.objects.filter(person=person)
            .order_by("joined_at", "id")
            .values("session__title", "session__challenge_id", "pseudonym", "role", "joined_at")
        )
    }


def erase(person: Any) -> None:
    """The answers stay in their apps (as the deleted participant's); the workshop names go."""
    WorkshopParticipant.objects.filter(person=person).delete()
