"""Reflection and learning in the API: rooms with shared content only, and the libraries.

Private entries never appear here, not even to their author (the personal-data export has
them). Anonymous entries appear as text and prompt only: no id, no time, random order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django_scopes import scopes_disabled
from ninja import Router, Schema
from ninja.security import django_auth

from samskab.municipalities.access import municipality_scope
from samskab.reflection import services
from samskab.reflection.access import get_room_or_404
from samskab.reflection.models import AnonymousEntry, Entry, Learning, Visibility

router = Router(tags=["reflection"])


class RoomOut(Schema):
    id: int
    title: str
    purpose: str
    movement: int | None
    challenge: int | None
    url: str


class SharedEntryOut(Schema):
    prompt: int
    text: str
    author: str
    role: str
    created_at: datetime


class AnonymousEntryOut(Schema):
    prompt: int
    text: str


class SessionOut(Schema):
    id: int
    title: str
    template: str
    prompts: list[str]
    is_open: bool
    shared: list[SharedEntryOut]
    anonymous: list[AnonymousEntryOut]


class LearningOut(Schema):
    id: int
    municipality: str
    title: str
    text: str
    tags: list[str]
    context: str
    published: bool


def _room_out(room: Any) -> dict[str, Any]:
    return {
        "id": room.pk,
        "title": room.title,
        "purpose": room.purpose,
        "movement": room.movement_id,
        "challenge": room.challenge_id,
        "url": room.get_absolute_url(),
    }


def _learning_out(learning: Learning) -> dict[str, Any]:
    return {
        "id": learning.pk,
        "municipality": learning.municipality.code,
        "title": learning.title,
        "text": learning.text,
        "tags": learning.tags,
        "context": learning.context,
        "published": learning.published_at is not None,
    }


@router.get("/municipalities/{code}/reflection/rooms", response=list[RoomOut], auth=django_auth)
def list_rooms(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The rooms you may enter."""
    with municipality_scope(code) as municipality:
        rooms = services.rooms_for(request.user, municipality).select_related("municipality")
        return [_room_out(r) for r in rooms.order_by("title", "id")]


@router.get(
    "/municipalities/{code}/reflection/rooms/{room_id}/sessions",
    response=list[SessionOut],
    auth=django_auth,
)
def list_sessions(request: HttpRequest, code: str, room_id: int) -> list[dict[str, Any]]:
    """A room's sessions with what is shared in them (never private entries)."""
    with municipality_scope(code) as municipality:
        room = get_room_or_404(request.user, municipality, room_id)
        sessions = list(room.sessions.order_by("created_at", "id"))
        shared: dict[int, list[dict[str, Any]]] = {s.pk: [] for s in sessions}
        for e in (
            Entry.objects.filter(session__room=room, visibility=Visibility.SHARED)
            .select_related("author")
            .order_by("created_at", "id")
        ):
            shared[e.session_id].append(
                {
                    "prompt": e.prompt_index,
                    "text": e.text,
                    "author": e.author.public_name,
                    "role": e.role,
                    "created_at": e.created_at,
                }
            )
        anonymous: dict[int, list[dict[str, Any]]] = {s.pk: [] for s in sessions}
        for session_id, prompt, text in (
            AnonymousEntry.objects.filter(session__room=room)
            .order_by("id")
            .values_list("session_id", "prompt_index", "text")
        ):
            anonymous[session_id].append({"prompt": prompt, "text": text})
        return [
            {
                "id": s.pk,
                "title": s.title,
                "template": s.template_name,
                "prompts": s.prompts,
                "is_open": s.is_open,
                "shared": shared[s.pk],
                "anonymous": anonymous[s.pk],
            }
            for s in sessions
        ]


@router.get("/municipalities/{code}/learnings", response=list[LearningOut], auth=django_auth)
def list_learnings(request: HttpRequest, code: str, q: str = "") -> list[dict[str, Any]]:
    """The municipality's learning library (its own staff), searchable with `q`."""
    with municipality_scope(code) as municipality:
        if not request.user.has_perm("reflection.view_library", municipality):
            return []
        return [_learning_out(lr) for lr in services.library(municipality, q[:200])]


@router.get("/learnings", response=list[LearningOut])
def list_shared_learnings(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """Learnings shared with every municipality (with their authors' consent)."""
    with scopes_disabled():
        return [_learning_out(lr) for lr in services.shared_library(q[:200])[:500]]
