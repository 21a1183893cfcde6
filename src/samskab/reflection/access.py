"""Fetch-and-authorise for rooms, sessions and learnings (see samskab.municipalities.access).

A room of another municipality, or one the person may not enter, answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from samskab.municipalities.access import get_permitted_or_404
from samskab.municipalities.models import Municipality
from samskab.reflection.models import Learning, Room, Session


def get_room_or_404(user: Any, municipality: Municipality, pk: int) -> Room:
    rooms = Room.objects.select_related("municipality", "movement", "challenge__municipality")
    return get_permitted_or_404(user, rooms, municipality, pk, "reflection.view_room")


def get_session_or_404(user: Any, municipality: Municipality, room_pk: int, pk: int) -> Session:
    room = get_room_or_404(user, municipality, room_pk)
    session = Session.objects.filter(room=room, pk=pk).first()
    if session is None:
        raise Http404
    session.room = room
    return session


def get_learning_or_404(user: Any, municipality: Municipality, pk: int) -> Learning:
    learnings = Learning.objects.select_related("municipality", "room")
    return get_permitted_or_404(user, learnings, municipality, pk, "reflection.view_learning")
