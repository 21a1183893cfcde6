"""The opinion map in the API: the same lookups, rules and service functions as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from ninja import Router, Schema, Status
from ninja.security import django_auth

from samskab.municipalities.access import municipality_scope
from samskab.municipalities.models import Municipality
from samskab.opinions import services
from samskab.opinions.access import get_conversation_or_404
from samskab.opinions.models import Conversation, ConversationAnalysis, Statement

router = Router(tags=["opinions"])


class ConversationOut(Schema):
    id: int
    title: str
    question: str
    space: str
    challenge: int | None
    is_open: bool
    moderation_mode: str
    participants_can_add: bool
    url: str
    map_url: str


class StatementOut(Schema):
    id: int
    text: str
    is_seed: bool
    is_meta: bool
    moderation: int


class VoteIn(Schema):
    statement: int
    value: int
    role: str | None = None


class VoteOut(Schema):
    statement: int
    value: int
    role: str
    created_at: datetime


class MessageOut(Schema):
    message: str


class AnalysisOut(Schema):
    computed_at: datetime | None
    dirty: bool
    result: dict[str, Any]


def _conversation(request: HttpRequest, municipality: Municipality, pk: int) -> Conversation:
    return get_conversation_or_404(request.user, municipality, pk)


def _out(c: Conversation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "question": c.question,
        "space": c.space.slug,
        "challenge": c.challenge_id,
        "is_open": c.is_open,
        "moderation_mode": c.moderation_mode,
        "participants_can_add": c.participants_can_add,
        "url": c.get_absolute_url(),
        "map_url": c.get_map_url(),
    }


@router.get("/municipalities/{code}/conversations/{conversation_id}", response=ConversationOut)
def get_conversation(request: HttpRequest, code: str, conversation_id: int) -> dict[str, Any]:
    with municipality_scope(code) as municipality:
        return _out(_conversation(request, municipality, conversation_id))


@router.get(
    "/municipalities/{code}/conversations/{conversation_id}/statements",
    response=list[StatementOut],
)
def list_statements(request: HttpRequest, code: str, conversation_id: int) -> list[Statement]:
    """The statements participants can vote on now."""
    with municipality_scope(code) as municipality:
        conversation = _conversation(request, municipality, conversation_id)
        return list(services.votable_statements(conversation).order_by("id"))


@router.post(
    "/municipalities/{code}/conversations/{conversation_id}/votes",
    response={200: VoteOut, 400: MessageOut, 403: MessageOut},
    auth=django_auth,
)
def cast_vote(request: HttpRequest, code: str, conversation_id: int, payload: VoteIn) -> Status:
    """Agree (1), disagree (-1) or pass (0). The latest vote counts."""
    statement = _votable_statement(code, conversation_id, payload.statement)
    conversation = statement.conversation
    # The same 404 as a missing conversation for one the person may not see (get_permitted_or_404).
    if not request.user.has_perm("opinions.view_conversation", conversation):
        raise Http404
    with scope(municipality=conversation.municipality):
        if not request.user.has_perm("opinions.vote", conversation) and conversation.is_open:
            return Status(403, {"message": _("Du kan ikke stemme i denne samtale.")})
        try:
            vote = services.cast_vote(
                conversation, statement, request.user, value=payload.value, role=payload.role
            )
        except services.ServiceError as exc:
            return Status(400, {"message": str(exc)})
        return Status(
            200,
            {
                "statement": statement.pk,
                "value": vote.value,
                "role": vote.role,
                "created_at": vote.created_at,
            },
        )


def _votable_statement(code: str, conversation_id: int, statement_id: int) -> Statement:
    """The statement with its conversation and municipality, in one query: the vote is the
    API's hottest path (bench/bench_votes.py). Looked up by the municipality's code from the
    URL, so another municipality's conversation or statement is a 404 like a missing one, as
    municipality_scope and get_conversation_or_404 answer; the scope is opened by the caller."""
    if not (len(code) == 4 and code.isascii() and code.isdigit()):
        raise Http404
    with scopes_disabled():
        statement = (
            Statement.objects.select_related(
                "conversation__municipality", "conversation__space", "conversation__challenge"
            )
            .filter(
                pk=statement_id,
                conversation_id=conversation_id,
                conversation__municipality__code=code,
                municipality_id=F("conversation__municipality_id"),
            )
            .first()
        )
    if statement is None:
        raise Http404
    return statement


@router.get("/municipalities/{code}/conversations/{conversation_id}/analysis", response=AnalysisOut)
def get_analysis(request: HttpRequest, code: str, conversation_id: int) -> dict[str, Any]:
    """The last stored opinion map (it is recomputed in the background after votes), without
    figures for roles or groups smaller than the minimum group size."""
    with municipality_scope(code) as municipality:
        conversation = _conversation(request, municipality, conversation_id)
        analysis = ConversationAnalysis.objects.filter(conversation=conversation).first()
        if analysis is None:
            return {"computed_at": None, "dirty": False, "result": {}}
        return {
            "computed_at": analysis.computed_at,
            "dirty": analysis.dirty,
            "result": services.public_result(analysis.data),
        }
