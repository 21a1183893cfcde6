"""Live workshops in the API: a workshop's state and its current activity's live counts, for
the people who run it (never who answered what)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from ninja import Router, Schema

from samskab.municipalities.access import municipality_scope
from samskab.workshops import board
from samskab.workshops.models import Activity, LiveSession

router = Router(tags=["workshops"])


class ActivityOut(Schema):
    id: int
    position: int
    kind: str
    is_open: bool


class WorkshopOut(Schema):
    id: int
    title: str
    code: str
    is_open: bool
    expires_at: datetime
    allow_anonymous: bool
    participants: int
    current: int | None
    activities: list[ActivityOut]
    # The current activity's answers so far (ratings, votes, comparisons or reflections).
    answers: int


def _answers(data: dict[str, Any]) -> int:
    if "stacey" in data:
        return int(data["stacey"]["n"])
    if "statements" in data:
        return sum(s.total for s in data["statements"])
    if "pairwise" in data:
        return int(data["pairwise"]["n"])
    return len(data.get("answers", []))


@router.get("/municipalities/{code}/workshops/{session_id}", response=WorkshopOut)
def workshop(request: Any, code: str, session_id: int) -> dict[str, Any]:
    """A workshop and how many have answered its current activity (for those who run it)."""
    with municipality_scope(code) as municipality:
        session = (
            LiveSession.objects.filter(municipality=municipality, pk=session_id)
            .select_related("challenge__space", "current")
            .first()
        )
        if session is None or not request.user.has_perm("workshops.run_workshop", session):
            raise Http404
        data = board.board(session)
        return {
            "id": session.pk,
            "title": session.title,
            "code": session.code,
            "is_open": session.is_live,
            "expires_at": session.expires_at,
            "allow_anonymous": session.allow_anonymous,
            "participants": data["n_participants"],
            "current": session.current_id,
            "activities": list(
                Activity.objects.filter(session=session)
                .order_by("position")
                .values("id", "position", "kind", "is_open")
            ),
            "answers": _answers(data),
        }
