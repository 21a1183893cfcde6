"""Fetch-and-authorise for conversations: the one way views and the API reach one.

A conversation of another municipality, or one in a space the person may not see, answers 404
exactly like a missing one (see samskab.municipalities.access).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from samskab.municipalities.models import Municipality
from samskab.opinions.models import Conversation


def get_conversation_or_404(user: Any, municipality: Municipality, pk: int) -> Conversation:
    conversation = (
        Conversation.objects.filter(municipality=municipality, pk=pk)
        .select_related("municipality", "space", "challenge")
        .first()
    )
    if conversation is None or not user.has_perm("opinions.view_conversation", conversation):
        raise Http404
    return conversation
