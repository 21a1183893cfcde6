"""A person's own reflection data, private entries included: it is theirs.

Anonymous entries are not here, and cannot be: nothing links them to the person (models.py).
"""

from __future__ import annotations

from typing import Any

from samskab.reflection.models import Entry, Learning, LearningAuthor, RoomMember


def export(person: Any) -> dict[str, Any]:
    """Called with scopes disabled."""
    return {
        "rooms": list(
            RoomMember.objects.filter(person=person).values(
                "room_id", "room__title", "role", "is_facilitator", "created_at"
            )
        ),
        "entries": list(
            Entry.objects.filter(author=person)
            .order_by("created_at", "id")
            .values("id", "session_id", "prompt_index", "text", "visibility", "role", "created_at")
        ),
        "learnings_written": list(
            Learning.objects.filter(created_by=person).values(
                "id", "title", "text", "tags", "context", "created_at", "published_at"
            )
        ),
        "learning_consents": list(
            LearningAuthor.objects.filter(person=person).values(
                "learning_id", "consent", "asked_at", "answered_at"
            )
        ),
    }
