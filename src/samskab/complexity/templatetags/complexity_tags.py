"""`{% complexity_panel challenge %}`: the assessment's rounds on the challenge page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from samskab.complexity.services import assessments_for_challenge

register = template.Library()


@register.inclusion_tag("complexity/_challenge_panel.html", takes_context=True)
def complexity_panel(context: dict[str, Any], challenge: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "panel": {
            "rounds": assessments_for_challenge(challenge, user),
            "url": reverse(
                "complexity:assessment",
                kwargs={"municipality": challenge.municipality.slug, "challenge": challenge.pk},
            ),
        }
    }
