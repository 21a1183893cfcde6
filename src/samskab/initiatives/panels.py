"""What initiatives show on other apps' pages: on a challenge, the initiatives it became and a way
to start one from its ideas; on an idea, what became of it; on the movement, the way to the
accountability page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from samskab.initiatives.models import InitiativeIdea
from samskab.initiatives.services import initiatives_for_challenge, initiatives_for_idea


def challenge_panel(request: HttpRequest, challenge: Any) -> tuple[str, dict[str, Any]]:
    user = request.user
    found = initiatives_for_challenge(user, challenge)
    ideas: dict[int, list[Any]] = {i.pk: [] for i in found}
    for link in InitiativeIdea.objects.filter(
        initiative__in=found, idea__visibility="visible"
    ).select_related("idea__municipality", "idea__challenge"):
        ideas[link.initiative_id].append(link.idea)
    create = reverse("initiatives:create", kwargs={"municipality": challenge.municipality.slug})
    return "initiatives/_challenge_panel.html", {
        "initiatives": [(i, ideas[i.pk]) for i in found],
        "can_create": user.has_perm("initiatives.create_initiative", challenge),
        "create_url": f"{create}?udfordring={challenge.pk}",
    }


def idea_panel(request: HttpRequest, idea: Any) -> tuple[str, dict[str, Any]] | None:
    found = initiatives_for_idea(request.user, idea)
    if not found:
        return None
    return "initiatives/_idea_panel.html", {"initiatives": found}


def movement_panel(request: HttpRequest, municipality: Any) -> tuple[str, dict[str, Any]]:
    return "initiatives/_movement_panel.html", {"municipality": municipality}
