"""Named permission rules for complexity assessment.

Seeing the assessment of a challenge follows the challenge (`challenges.view_challenge`). Rating
needs a login, a visible published challenge and an open round. Opening and closing rounds needs
a facilitator, administrator or leder of the municipality, or the person who posed the challenge;
changing the municipality's zone boundaries needs a facilitator or administrator.
tests/complexity/test_rules.py checks each rule as a matrix of role × round state × action.
"""

from __future__ import annotations

from typing import Any

import rules

from samskab.accounts.models import Role
from samskab.challenges.models import Challenge, ChallengeStatus
from samskab.complexity.models import AssessmentRound
from samskab.municipalities.rules import (
    _role_predicate,
    is_administrator,
    is_facilitator,
    takes_part_in_space,
)

is_manager = _role_predicate("complexity_is_manager", Role.MANAGER)


def _challenge(obj: Any) -> Challenge | None:
    if isinstance(obj, Challenge):
        return obj
    if isinstance(obj, AssessmentRound):
        return obj.challenge
    return None


@rules.predicate
def can_view_challenge(user: Any, obj: Any) -> bool:
    challenge = _challenge(obj)
    return challenge is not None and user.has_perm("challenges.view_challenge", challenge)


@rules.predicate
def is_published(user: Any, obj: Any) -> bool:
    challenge = _challenge(obj)
    return challenge is not None and challenge.status == ChallengeStatus.PUBLISHED


@rules.predicate
def is_open_round(user: Any, obj: Any) -> bool:
    return isinstance(obj, AssessmentRound) and obj.is_open


@rules.predicate
def is_poser(user: Any, obj: Any) -> bool:
    challenge = _challenge(obj)
    return bool(challenge and user.is_authenticated and challenge.posed_by_id == user.pk)


runs_assessments = is_facilitator | is_administrator | is_manager | is_poser

rules.add_perm("complexity.view_assessment", can_view_challenge)
rules.add_perm(
    "complexity.rate",
    rules.is_authenticated
    & can_view_challenge
    & takes_part_in_space
    & is_published
    & is_open_round,
)
# On a challenge: may open a new round. On a round: may close or reopen it.
rules.add_perm("complexity.manage_assessment", can_view_challenge & runs_assessments)
rules.add_perm("complexity.change_zones", is_facilitator | is_administrator)
