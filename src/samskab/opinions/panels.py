from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from samskab.municipalities.models import Space
from samskab.opinions.models import Conversation


def space_panel(request: HttpRequest, space: Space) -> tuple[str, dict[str, Any]]:
    """The opinion-map conversations of a space, linked from the space's page."""
    conversations = list(
        Conversation.objects.filter(space=space)
        .select_related("municipality")
        .order_by("-created_at", "-id")[:20]
    )
    return "opinions/_space_panel.html", {
        "space": space,
        "conversations": conversations,
        "can_add": request.user.has_perm("opinions.add_conversation", space),
    }


def challenge_panel(request: HttpRequest, challenge: Any) -> tuple[str, dict[str, Any]] | None:
    """The opinion maps of a challenge, linked from its page; nothing when it has none."""
    from samskab.opinions.services import conversations_for_challenge

    conversations = conversations_for_challenge(challenge, user=request.user)
    if not conversations:
        return None
    return "opinions/_challenge_panel.html", {"conversations": conversations}
