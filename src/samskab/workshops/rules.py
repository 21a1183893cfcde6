"""Named permission rules for live workshops.

Creating a workshop on a challenge, and running it (control view, big screen), needs a
facilitator, administrator or leder of the challenge's municipality who can see the challenge.
Joining needs nothing but the code: whether a login is required is the session's own setting,
checked in `services.join`. tests/workshops/test_rules.py checks the rules as a matrix.
"""

from __future__ import annotations

from typing import Any

import rules

from samskab.accounts.models import Role
from samskab.municipalities.rules import _role_predicate, is_administrator, is_facilitator

is_manager = _role_predicate("workshops_is_manager", Role.MANAGER)


def _challenge(obj: Any) -> Any:
    if obj.__class__.__name__ == "Challenge":
        return obj
    if obj.__class__.__name__ == "Activity":
        obj = obj.session
    return getattr(obj, "challenge", None)


@rules.predicate
def can_view_challenge(user: Any, obj: Any) -> bool:
    challenge = _challenge(obj)
    return challenge is not None and user.has_perm("challenges.view_challenge", challenge)


runs_workshops = is_facilitator | is_administrator | is_manager

# On a challenge: may create a workshop for it. On a LiveSession or an Activity: may run it.
rules.add_perm(
    "workshops.run_workshop", rules.is_authenticated & can_view_challenge & runs_workshops
)
