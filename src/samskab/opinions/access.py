"""Fetch-and-authorise for conversations: the one way views and the API reach one.

A conversation of another municipality, or one in a space the person may not see, answers 404
exactly like a missing one (see samskab.municipalities.access).
"""

from __future__ import annotations

from typing import Any

from samskab.municipalities.access import get_permitted_or_404
from samskab.municipalities.models import Municipality
from samskab.opinions.models import Conversation


def get_conversation_or_404(user: Any, municipality: Municipality, pk: int) -> Conversation:
    conversations = Conversation.objects.select_related("municipality", "space", "challenge")
    return get_permitted_or_404(user, conversations, municipality, pk, "opinions.view_conversation")
