"""What reflection shows on other apps' pages: a challenge's rooms, and on the movement's page
links to the rooms and the learning libraries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from samskab.reflection.services import rooms_for_challenge


def challenge_panel(request: HttpRequest, challenge: Any) -> tuple[str, dict[str, Any]]:
    user = request.user
    add_url = reverse(
        "reflection:room_create", kwargs={"municipality": challenge.municipality.slug}
    )
    return "reflection/_challenge_panel.html", {
        "rooms": rooms_for_challenge(challenge, user),
        "can_add": user.has_perm("reflection.add_room", challenge.municipality),
        "add_url": f"{add_url}?udfordring={challenge.pk}",
    }


def movement_panel(request: HttpRequest, municipality: Any) -> tuple[str, dict[str, Any]]:
    user = request.user
    return "reflection/_movement_links.html", {
        "municipality": municipality,
        "show_rooms": user.is_authenticated,
        "show_library": user.has_perm("reflection.view_library", municipality),
    }
