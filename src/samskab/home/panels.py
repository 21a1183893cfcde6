"""What the home app adds to the movement's page and a challenge's page (through the
municipalities panel registries, so municipalities and challenges import nothing of this)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samskab.challenges import services as challenge_services
from samskab.challenges.models import Phase
from samskab.complexity import services as complexity_services
from samskab.workshops import services as workshop_services


def call_to_action(challenge: Any) -> tuple[str, str]:
    """What a person can do on a challenge now, as (label, address)."""
    kwargs = {"municipality": challenge.municipality.slug, "challenge": challenge.pk}
    if challenge.phase == Phase.IDEAS:
        return _("Kom med en idé"), reverse("challenges:idea_create", kwargs=kwargs)
    if challenge.phase == Phase.PRIORITISATION:
        return _("Hjælp med at prioritere"), reverse("challenges:compare", kwargs=kwargs)
    return _("Se idéerne"), challenge.get_absolute_url()


def open_challenges_by_phase(user: Any, municipality: Any) -> list[dict[str, Any]]:
    challenges = challenge_services.open_challenges(user, municipality)
    groups: list[dict[str, Any]] = []
    for phase in (Phase.IDEAS, Phase.PRIORITISATION, Phase.DECISION):
        items = [
            {"challenge": c, "action": call_to_action(c)} for c in challenges if c.phase == phase
        ]
        if items:
            groups.append({"phase": phase, "label": Phase(phase).label, "items": items})
    return groups


def movement_panel(request: HttpRequest, municipality: Any) -> tuple[str, dict[str, Any]]:
    """Open challenges by phase with what one can do, the mayor's question, the newest ideas."""
    user = request.user
    groups = open_challenges_by_phase(user, municipality)
    mayor = next(
        (
            item
            for group in groups
            for item in group["items"]
            if challenge_services.is_mayor_question(item["challenge"])
        ),
        None,
    )
    return "home/movement_panel.html", {
        "municipality": municipality,
        "groups": groups,
        "mayor": mayor,
        "recent": challenge_services.recent_ideas(user, municipality),
    }


def challenge_panel(request: HttpRequest, challenge: Any) -> tuple[str, dict[str, Any]] | None:
    """The challenge's workshops and a button to start one, for those who may run them."""
    if not request.user.has_perm("workshops.run_workshop", challenge):
        return None
    return "home/challenge_workshops.html", {
        "challenge": challenge,
        "workshops": workshop_services.workshops_for_challenge(request.user, challenge),
    }


def rounds_to_open(user: Any, municipality: Any) -> dict[str, list[Any]]:
    """The rounds waiting for this member of staff to open them, in the challenges they run:
    `prioritisation`, challenges whose idea phase has ended by its date but which still take
    ideas (the pairwise round waits to be opened), and `assessment`, open challenges that have
    not had a complexity round yet. Two queries, whatever the number of challenges."""
    today = timezone.localdate()
    open_ = challenge_services.open_challenges(user, municipality)
    prioritisation = [
        c
        for c in open_
        if c.phase == Phase.IDEAS
        and c.ideas_until is not None
        and c.ideas_until < today
        and user.has_perm("challenges.manage_challenge", c)
    ]
    manageable = [c for c in open_ if user.has_perm("complexity.manage_assessment", c)]
    assessed = complexity_services.challenges_with_rounds([c.pk for c in manageable])
    assessment = [c for c in manageable if c.pk not in assessed]
    return {"prioritisation": prioritisation, "assessment": assessment}
