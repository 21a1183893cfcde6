"""The opinion map in the API: the same lookups, rules and service functions as the pages."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django_scopes import scope
from ninja import Router, Schema, Status
from ninja.security import django_auth

from samskab.core import rows
from samskab.municipalities.access import municipality_scope
from samskab.municipalities.models import Municipality, Space
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
    """The statement with its conversation, municipality and space, in one query: the vote is
    the API's hottest path (bench/bench_votes.py), so the query is written out rather than
    built by the ORM on every vote (samskab.core.rows). Looked up by the municipality's code
    from the URL, so another municipality's conversation or statement is a 404 like a missing
    one, as municipality_scope and get_conversation_or_404 answer; the scope is opened by the
    caller."""
    if not (len(code) == 4 and code.isascii() and code.isdigit()):
        raise Http404
    if not (rows.is_id(statement_id) and rows.is_id(conversation_id)):
        raise Http404
    with rows.cursor() as cursor:
        cursor.execute(_votable_statement_sql(), [statement_id, conversation_id, code])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    statement, conversation, municipality, space = rows.instances(
        row, Statement, Conversation, Municipality, Space
    )
    rows.link(conversation, "municipality", municipality)
    rows.link(conversation, "space", space)
    rows.link(statement, "conversation", conversation)
    rows.link(statement, "municipality", municipality)
    return statement


@cache
def _votable_statement_sql() -> str:
    s, c, m, sp = (x._meta.db_table for x in (Statement, Conversation, Municipality, Space))
    # Table names come from the models; every value is a parameter.
    return (
        f"SELECT {rows.columns(Statement, 's')}, {rows.columns(Conversation, 'c')}, "  # noqa: S608
        f"{rows.columns(Municipality, 'm')}, {rows.columns(Space, 'sp')} "
        f"FROM {s} s JOIN {c} c ON c.id = s.conversation_id "
        f"JOIN {m} m ON m.id = c.municipality_id JOIN {sp} sp ON sp.id = c.space_id "
        "WHERE s.id = %s AND s.conversation_id = %s AND m.code = %s "
        "AND s.municipality_id = c.municipality_id"
    )


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
