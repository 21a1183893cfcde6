"""`{% reflection_panel challenge %}`: the challenge's reflection rooms on the challenge page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from samskab.reflection.services import rooms_for_challenge

register = template.Library()


@register.inclusion_tag("reflection/_challenge_panel.html", takes_context=True)
def reflection_panel(context: dict[str, Any], challenge: Any) -> dict[str, Any]:
    user = context["request"].user
    add_url = reverse(
        "reflection:room_create", kwargs={"municipality": challenge.municipality.slug}
    )
    return {
        "panel": {
            "rooms": rooms_for_challenge(challenge, user),
            "can_add": user.has_perm("reflection.add_room", challenge.municipality),
            "add_url": f"{add_url}?udfordring={challenge.pk}",
        }
    }


@register.inclusion_tag("reflection/_movement_links.html", takes_context=True)
def reflection_links(context: dict[str, Any], municipality: Any) -> dict[str, Any]:
    """Links to the reflection rooms and the libraries, for the movement's page."""
    user = context["request"].user
    return {
        "municipality": municipality,
        "show_rooms": user.is_authenticated,
        "show_library": user.has_perm("reflection.view_library", municipality),
    }
