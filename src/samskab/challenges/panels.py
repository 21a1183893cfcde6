from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from samskab.challenges.models import Challenge, ChallengeStatus
from samskab.municipalities.models import Space


def space_panel(request: HttpRequest, space: Space) -> tuple[str, dict[str, Any]]:
    """The challenges of a space: published ones, plus a person's own proposals."""
    condition = Q(status=ChallengeStatus.PUBLISHED)
    if request.user.is_authenticated:
        condition |= Q(posed_by=request.user)
    challenges = list(
        Challenge.objects.filter(space=space)
        .filter(condition)
        .select_related("municipality")
        .order_by("-created_at")
    )
    return "challenges/_space_panel.html", {
        "challenges": challenges,
        "space": space,
        "can_propose": request.user.has_perm("challenges.propose_challenge", space),
        "can_pose": request.user.has_perm("challenges.pose_challenge", space),
    }
