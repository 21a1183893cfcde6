"""Fetch-and-authorise for assessment rounds (see samskab.municipalities.access)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from samskab.complexity.models import AssessmentRound
from samskab.municipalities.models import Municipality


def get_round_or_404(
    user: Any, municipality: Municipality, challenge_id: int, number: int
) -> AssessmentRound:
    found = (
        AssessmentRound.objects.filter(
            municipality=municipality, challenge_id=challenge_id, number=number
        )
        .select_related("municipality", "challenge__space", "challenge__municipality")
        .first()
    )
    if found is None or not user.has_perm("complexity.view_assessment", found):
        raise Http404
    return found
