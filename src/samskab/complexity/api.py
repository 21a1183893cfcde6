"""Complexity assessment in the API: round summaries (never who answered what)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from samskab.challenges.services import get_challenge_or_404
from samskab.complexity import presentation, services
from samskab.municipalities.access import municipality_scope

router = Router(tags=["complexity"])


class PositionOut(Schema):
    label: str
    n: int
    agreement: int
    certainty: int
    spread_agreement: int
    spread_certainty: int
    zone: int
    zone_name: str


class RoundOut(Schema):
    number: int
    is_open: bool
    n_ratings: int
    url: str
    overall: PositionOut | None
    roles: list[PositionOut]
    zone_prompt: str
    # Ratings on the 1–5 scale as [agreement, certainty] pairs, sorted: no person, no role, no
    # order of answering.
    ratings: list[list[int]]


def _position(p: Any) -> dict[str, Any]:
    return {
        "label": p.label,
        "n": p.n,
        "agreement": p.agreement,
        "certainty": p.certainty,
        "spread_agreement": p.spread_agreement,
        "spread_certainty": p.spread_certainty,
        "zone": p.zone,
        "zone_name": p.zone_name,
    }


@router.get("/municipalities/{code}/challenges/{challenge_id}/assessment", response=list[RoundOut])
def list_rounds(request: Any, code: str, challenge_id: int) -> list[dict[str, Any]]:
    """Every round of the challenge's complexity assessment, summarised (percent, 0–100)."""
    with municipality_scope(code) as municipality:
        challenge = get_challenge_or_404(request.user, municipality, challenge_id)
        thresholds = services.thresholds_for(municipality.pk)
        rounds = services.assessments_for_challenge(challenge, request.user)
        by_round = services.ratings_by_round(rounds)
        out = []
        for round_ in rounds:
            ratings = by_round[round_.pk]
            summary = presentation.summarise(ratings, thresholds)
            built = presentation.build(summary) if summary else None
            out.append(
                {
                    "number": round_.number,
                    "is_open": round_.is_open,
                    "n_ratings": len(ratings),
                    "url": round_.get_absolute_url(),
                    "overall": _position(built["overall"]) if built else None,
                    "roles": [_position(p) for p in built["roles"]] if built else [],
                    "zone_prompt": built["zone_prompt"] if built else "",
                    "ratings": sorted([r.agreement, r.certainty] for r in ratings),
                }
            )
        return out
