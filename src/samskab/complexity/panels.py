"""What complexity shows on a challenge's page: the assessment's rounds."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from samskab.complexity.services import assessments_for_challenge


def challenge_panel(request: HttpRequest, challenge: Any) -> tuple[str, dict[str, Any]]:
    return "complexity/_challenge_panel.html", {
        "rounds": assessments_for_challenge(challenge, request.user),
        "url": reverse(
            "complexity:assessment",
            kwargs={"municipality": challenge.municipality.slug, "challenge": challenge.pk},
        ),
    }
