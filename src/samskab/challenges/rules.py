"""Named permission rules for challenges, ideas, comments, support, pairwise and moderation.

What a phase allows comes from `phases.FEATURES`; who may act comes from the person's roles in
the challenge's municipality; whether they may see it at all comes from the space. Tested as a
matrix in tests/challenges/test_rules.py.
"""

from __future__ import annotations

from typing import Any

import rules

from samskab.accounts.models import Role
from samskab.accounts.roles import has_any_role, user_roles
from samskab.challenges import phases
from samskab.challenges.models import Challenge, ChallengeStatus, Comment
from samskab.municipalities.models import Municipality, Space
from samskab.municipalities.rules import municipality_id_of, takes_part_in_space


def _challenge(obj: Any) -> Challenge | None:
    if isinstance(obj, Challenge):
        return obj
    if isinstance(obj, Comment):
        return obj.idea.challenge
    return getattr(obj, "challenge", None)


@rules.predicate
def is_authenticated(user: Any, obj: Any = None) -> bool:
    return bool(user and user.is_authenticated)


@rules.predicate
def is_moderator(user: Any, obj: Any) -> bool:
    mid = municipality_id_of(obj)
    return mid is not None and has_any_role(
        user, mid, Role.MODERATOR, Role.FACILITATOR, Role.ADMINISTRATOR
    )


@rules.predicate
def can_view_space(user: Any, obj: Any) -> bool:
    space = obj if isinstance(obj, Space) else _challenge(obj).space  # type: ignore[union-attr]
    return user.has_perm("municipalities.view_space", space)


@rules.predicate
def may_view_where(user: Any, obj: Any) -> bool:
    """For rules asked about a municipality as a whole (the moderation queue) there is no space
    to check; the queue itself lists only what lies in spaces the person may enter."""
    if isinstance(obj, Municipality):
        return True
    return bool(can_view_space(user, obj))


@rules.predicate
def is_published(user: Any, obj: Any) -> bool:
    challenge = _challenge(obj)
    return challenge is not None and challenge.status == ChallengeStatus.PUBLISHED


@rules.predicate
def is_poser(user: Any, obj: Any) -> bool:
    challenge = _challenge(obj)
    return bool(challenge and user.is_authenticated and challenge.posed_by_id == user.pk)


@rules.predicate
def may_pose(user: Any, space: Any) -> bool:
    allowed = set(space.municipality.challenge_roles)
    return bool(user_roles(user, space.municipality_id) & allowed)


@rules.predicate
def runs_processes(user: Any, obj: Any) -> bool:
    mid = municipality_id_of(obj)
    return mid is not None and has_any_role(user, mid, Role.FACILITATOR, Role.ADMINISTRATOR)


@rules.predicate
def is_author(user: Any, obj: Any) -> bool:
    """The person wrote this idea or comment (a challenge has no author: always False)."""
    author_id = getattr(obj, "author_id", None)
    return bool(author_id is not None and user.is_authenticated and author_id == user.pk)


def phase_allows(action: str) -> rules.Predicate:
    @rules.predicate(f"phase_allows_{action}")
    def check(user: Any, obj: Any) -> bool:
        challenge = _challenge(obj)
        return challenge is not None and phases.allows(challenge.phase, action)

    return check


can_see = can_view_space & (is_published | is_poser | is_moderator)
takes_part = is_authenticated & takes_part_in_space & is_published

rules.add_perm("challenges.view_challenge", can_see)
rules.add_perm("challenges.pose_challenge", is_authenticated & can_view_space & may_pose)
rules.add_perm("challenges.propose_challenge", is_authenticated & takes_part_in_space)
# A proposer runs the challenge once it is published, not while it waits for approval (or after
# it was turned down): until then it is a proposal, not a process.
rules.add_perm(
    "challenges.manage_challenge", can_view_space & (runs_processes | (is_poser & is_published))
)
# A moderator only moderates where they may look: an invite-only space stays closed to them.
rules.add_perm("challenges.moderate", is_moderator & may_view_where)
rules.add_perm("challenges.submit_idea", takes_part & phase_allows(phases.Action.SUBMIT))
rules.add_perm("challenges.comment", takes_part & phase_allows(phases.Action.COMMENT))
# Nobody supports or flags what they wrote themselves (asked about a challenge, these say
# whether the person may support or flag its ideas at all).
rules.add_perm("challenges.support", takes_part & phase_allows(phases.Action.SUPPORT) & ~is_author)
rules.add_perm("challenges.compare", takes_part & phase_allows(phases.Action.COMPARE))
rules.add_perm("challenges.flag", takes_part & ~is_author)
# The author edits their idea while ideas are still being collected (the idea phase); after
# that others prioritise what was written, so it stays as it was (services.edit_idea).
rules.add_perm("challenges.edit_idea", is_author & takes_part & phase_allows(phases.Action.SUBMIT))
