"""Fetch-and-authorise for challenges, ideas and comments (see municipalities/access.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from samskab.challenges.models import Challenge, Comment, Idea, Visibility
from samskab.municipalities.access import get_permitted_or_404
from samskab.municipalities.models import Municipality


def get_challenge_or_404(user: Any, municipality: Municipality, pk: int) -> Challenge:
    challenges = Challenge.objects.select_related("space", "municipality", "posed_by")
    return get_permitted_or_404(user, challenges, municipality, pk, "challenges.view_challenge")


def ideas_for(user: Any, challenge: Challenge) -> QuerySet[Idea]:
    """Ideas the person may see: visible ones, their own (pending or hidden), all for moderators."""
    ideas = Idea.objects.filter(challenge=challenge)
    if user.has_perm("challenges.moderate", challenge):
        return ideas
    condition = Q(visibility=Visibility.VISIBLE)
    if user.is_authenticated:
        condition |= Q(author=user)
    return ideas.filter(condition)


def get_idea_or_404(user: Any, challenge: Challenge, pk: int) -> Idea:
    idea = (
        ideas_for(user, challenge)
        .filter(pk=pk)
        .select_related("author", "category", "on_behalf_of", "municipality", "challenge")
        .first()
    )
    if idea is None:
        raise Http404
    return idea


def get_comment_or_404(user: Any, municipality: Municipality, pk: int) -> Comment:
    comment = (
        Comment.objects.filter(municipality=municipality, pk=pk)
        .select_related("idea__challenge__space", "idea__challenge__municipality", "author")
        .first()
    )
    if comment is None:
        raise Http404
    # Seeing the comment requires seeing its idea.
    get_idea_or_404(user, comment.idea.challenge, comment.idea_id)
    if not user.has_perm("challenges.view_challenge", comment.idea.challenge):
        raise Http404
    return comment
