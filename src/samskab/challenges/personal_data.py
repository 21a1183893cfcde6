from __future__ import annotations

from typing import Any

from samskab.challenges.models import Comment, Comparison, Flag, Idea, IdeaRevision, Support


def export(person: Any) -> dict[str, Any]:
    """What the person wrote and did in challenges (called with scopes disabled)."""
    return {
        "ideas": list(
            Idea.objects.filter(author=person).values(
                "id", "challenge_id", "title", "body", "created_at"
            )
        ),
        # Earlier versions of the person's ideas, kept when they edited them.
        "idea_versions": list(
            IdeaRevision.objects.filter(idea__author=person).values(
                "idea_id", "title", "body", "replaced_at"
            )
        ),
        "comments": list(
            Comment.objects.filter(author=person).values(
                "id", "idea_id", "body", "created_at", "deleted_at"
            )
        ),
        "supports": list(Support.objects.filter(person=person).values("idea_id", "created_at")),
        "comparisons": list(
            Comparison.objects.filter(person=person).values(
                "left_id", "right_id", "choice", "created_at", "superseded_at"
            )
        ),
        "flags": list(
            Flag.objects.filter(reporter=person).values(
                "idea_id", "comment_id", "reason", "created_at"
            )
        ),
    }
