"""Challenges over the API: the same access helpers, forms and service functions as the pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from samskab.challenges import exports, services
from samskab.challenges.access import get_challenge_or_404, get_idea_or_404, ideas_for
from samskab.challenges.forms import MAX_ID, CommentForm, IdeaEditForm, IdeaForm
from samskab.challenges.models import Challenge, ChallengeStatus, Comment, Idea, Ranking, Visibility
from samskab.challenges.ranking import next_pair_for
from samskab.municipalities.access import municipality_scope, visible_spaces
from samskab.municipalities.models import Municipality

router = Router(tags=["challenges"])
M = "/municipalities/{code}"

# An id in a request body: beyond 64 bits it is refused here (4xx) instead of reaching the
# database, where SQLite fails on it (OverflowError, a 500).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ChallengeOut(Schema):
    id: int
    title: str
    description: str
    phase: str
    space: str


class IdeaOut(Schema):
    id: int
    title: str
    body: str
    category: str | None
    support_count: int
    comment_count: int
    outcome: str
    created_at: Any
    edited_at: Any = None


class IdeaIn(Schema):
    title: str
    body: str
    category_id: Id | None = None


class IdeaEditIn(Schema):
    title: str
    body: str


class CommentOut(Schema):
    id: int
    parent_id: int | None
    body: str
    deleted: bool
    created_at: Any


class CommentIn(Schema):
    body: str
    parent_id: Id | None = None


class PairOut(Schema):
    left: IdeaOut
    right: IdeaOut


class ComparisonIn(Schema):
    left_id: Id
    right_id: Id
    choice: str


class Message(Schema):
    detail: Any


def _idea(
    request: HttpRequest, municipality: Municipality, challenge_id: int, idea_id: int
) -> Idea:
    challenge = get_challenge_or_404(request.user, municipality, challenge_id)
    return get_idea_or_404(request.user, challenge, idea_id)


def _idea_out(idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.pk,
        "title": idea.title,
        "body": idea.body,
        "category": idea.category.name if idea.category else None,
        "support_count": idea.support_count,
        "comment_count": idea.comment_count,
        "outcome": idea.outcome,
        "created_at": idea.created_at,
        "edited_at": idea.edited_at,
    }


@router.get(M + "/challenges", response=list[ChallengeOut])
def list_challenges(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    with municipality_scope(code) as municipality:
        spaces = visible_spaces(request.user, municipality)
        return [
            {
                "id": c.pk,
                "title": c.title,
                "description": c.description,
                "phase": c.phase,
                "space": c.space.slug,
            }
            for c in Challenge.objects.filter(space__in=spaces, status=ChallengeStatus.PUBLISHED)
            .select_related("space")
            .order_by("-created_at")
        ]


@router.get(M + "/challenges/{challenge_id}/ideas", response=list[IdeaOut])
def list_ideas(request: HttpRequest, code: str, challenge_id: int) -> list[dict[str, Any]]:
    with municipality_scope(code) as municipality:
        challenge = get_challenge_or_404(request.user, municipality, challenge_id)
        ideas = ideas_for(request.user, challenge).filter(visibility=Visibility.VISIBLE)
        return [_idea_out(i) for i in ideas.select_related("category").order_by("-created_at")]


@router.post(
    M + "/challenges/{challenge_id}/ideas",
    auth=django_auth,
    response={201: IdeaOut, 400: Message, 403: Message},
)
def submit_idea(request: HttpRequest, code: str, challenge_id: int, payload: IdeaIn) -> Any:
    with municipality_scope(code) as municipality:
        challenge = get_challenge_or_404(request.user, municipality, challenge_id)
        form = IdeaForm(
            {"title": payload.title, "body": payload.body, "category": payload.category_id or ""},
            challenge=challenge,
            person=request.user,
        )
        if not form.is_valid():
            return Status(400, {"detail": form.errors.get_json_data()})
        idea = services.submit_idea(
            challenge,
            request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            category=form.cleaned_data.get("category"),
        )
        return Status(201, _idea_out(idea))


@router.put(
    M + "/challenges/{challenge_id}/ideas/{idea_id}",
    auth=django_auth,
    response={200: IdeaOut, 400: Message, 403: Message},
)
def edit_idea(
    request: HttpRequest, code: str, challenge_id: int, idea_id: int, payload: IdeaEditIn
) -> Any:
    """The author changes their idea's title and text (services.edit_idea: during the idea
    phase, not when hidden; under pre-moderation it waits for a moderator again)."""
    with municipality_scope(code) as municipality:
        idea = _idea(request, municipality, challenge_id, idea_id)
        form = IdeaEditForm({"title": payload.title, "body": payload.body})
        if not form.is_valid():
            return Status(400, {"detail": form.errors.get_json_data()})
        services.edit_idea(
            idea, request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
        )
        idea.refresh_from_db()
        return Status(200, _idea_out(idea))


@router.post(
    M + "/challenges/{challenge_id}/ideas/{idea_id}/support",
    auth=django_auth,
    response={204: None, 400: Message},
)
def support(request: HttpRequest, code: str, challenge_id: int, idea_id: int) -> Any:
    with municipality_scope(code) as municipality:
        idea = _idea(request, municipality, challenge_id, idea_id)
        services.support(idea, request.user)
        return Status(204, None)


@router.delete(
    M + "/challenges/{challenge_id}/ideas/{idea_id}/support",
    auth=django_auth,
    response={204: None, 400: Message},
)
def withdraw_support(request: HttpRequest, code: str, challenge_id: int, idea_id: int) -> Any:
    with municipality_scope(code) as municipality:
        idea = _idea(request, municipality, challenge_id, idea_id)
        services.withdraw_support(idea, request.user)
        return Status(204, None)


@router.get(M + "/challenges/{challenge_id}/ideas/{idea_id}/comments", response=list[CommentOut])
def list_comments(
    request: HttpRequest, code: str, challenge_id: int, idea_id: int
) -> list[dict[str, Any]]:
    with municipality_scope(code) as municipality:
        idea = _idea(request, municipality, challenge_id, idea_id)
        return [
            {
                "id": c.pk,
                "parent_id": c.parent_id,
                "body": "" if c.deleted_at else c.body,
                "deleted": c.deleted_at is not None,
                "created_at": c.created_at,
            }
            for c in Comment.objects.filter(idea=idea, visibility=Visibility.VISIBLE).order_by(
                "created_at", "pk"
            )
        ]


@router.post(
    M + "/challenges/{challenge_id}/ideas/{idea_id}/comments",
    auth=django_auth,
    response={201: CommentOut, 400: Message},
)
def add_comment(
    request: HttpRequest, code: str, challenge_id: int, idea_id: int, payload: CommentIn
) -> Any:
    with municipality_scope(code) as municipality:
        idea = _idea(request, municipality, challenge_id, idea_id)
        form = CommentForm({"body": payload.body, "parent": payload.parent_id or ""})
        if not form.is_valid():
            return Status(400, {"detail": form.errors.get_json_data()})
        parent = None
        if payload.parent_id:
            parent = Comment.objects.filter(idea=idea, pk=payload.parent_id).first()
            if parent is None:
                raise HttpError(404, "Not Found")
        comment = services.add_comment(
            idea, request.user, body=form.cleaned_data["body"], parent=parent
        )
        return Status(
            201,
            {
                "id": comment.pk,
                "parent_id": comment.parent_id,
                "body": comment.body,
                "deleted": False,
                "created_at": comment.created_at,
            },
        )


@router.get(
    M + "/challenges/{challenge_id}/pair", auth=django_auth, response={200: PairOut, 204: None}
)
def next_pair(request: HttpRequest, code: str, challenge_id: int) -> Any:
    with municipality_scope(code) as municipality:
        challenge = get_challenge_or_404(request.user, municipality, challenge_id)
        pair = next_pair_for(challenge, request.user)
        if pair is None:
            return Status(204, None)
        return Status(200, {"left": _idea_out(pair[0]), "right": _idea_out(pair[1])})


@router.post(
    M + "/challenges/{challenge_id}/comparisons",
    auth=django_auth,
    response={201: None, 400: Message},
)
def compare(request: HttpRequest, code: str, challenge_id: int, payload: ComparisonIn) -> Any:
    with municipality_scope(code) as municipality:
        challenge = get_challenge_or_404(request.user, municipality, challenge_id)
        ideas = Idea.objects.filter(challenge=challenge).in_bulk(
            [payload.left_id, payload.right_id]
        )
        left, right = ideas.get(payload.left_id), ideas.get(payload.right_id)
        if left is None or right is None:
            raise HttpError(404, "Not Found")
        services.compare(challenge, request.user, left=left, right=right, choice=payload.choice)
        return Status(201, None)


@router.get(M + "/challenges/{challenge_id}/ranking")
def ranking(request: HttpRequest, code: str, challenge_id: int) -> dict[str, Any]:
    with municipality_scope(code) as municipality:
        challenge = get_challenge_or_404(request.user, municipality, challenge_id)
        stored = Ranking.objects.filter(challenge=challenge).first()
        return {
            "computed_at": stored.computed_at if stored else None,
            "n_comparisons": stored.n_comparisons if stored else 0,
            "ideas": exports.challenge_data(challenge)["ranking"],
        }


@router.get(M + "/challenges/{challenge_id}/export")
def export(request: HttpRequest, code: str, challenge_id: int) -> dict[str, Any]:
    with municipality_scope(code) as municipality:
        return exports.challenge_data(
            get_challenge_or_404(request.user, municipality, challenge_id)
        )
