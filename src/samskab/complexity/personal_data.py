from __future__ import annotations

from typing import Any

from samskab.complexity.models import Rating


def export(person: Any) -> dict[str, Any]:
    """The person's own ratings (called with scopes disabled)."""
    return {
        "ratings": list(
            Rating.objects.filter(person=person)
            .order_by("created_at", "id")
            .values(
                "round__challenge_id",
                "round__number",
                "agreement",
                "certainty",
                "role",
                "reason",
                "created_at",
            )
        )
    }
