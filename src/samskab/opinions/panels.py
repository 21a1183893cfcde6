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
