from __future__ import annotations

from typing import Any

from samskab.experiments.models import Experiment, Review
from samskab.experiments.services import DESIGN_FIELDS


def export(person: Any) -> dict[str, Any]:
    """The experiments the person designed and the reviews they wrote (called with scopes
    disabled)."""
    return {
        "designed": list(
            Experiment.objects.filter(created_by=person)
            .order_by("created_at", "id")
            .values("id", "initiative_id", *DESIGN_FIELDS, "status", "created_at")
        ),
        "reviews": list(
            Review.objects.filter(by=person)
            .order_by("at", "id")
            .values(
                "experiment_id", "decision", "sensed", "outcome", "learning", "next_review_on", "at"
            )
        ),
    }
