"""Named permission rules for municipalities, movements and spaces.

Each rule is a `rules` predicate registered as a Django permission, so views, templates and the
API ask `user.has_perm("municipalities.view_space", space)`. tests/municipalities/test_rules.py
checks every rule as a matrix of role × object state.
"""

from __future__ import annotations

from typing import Any

import rules

from samskab.accounts.models import Role
from samskab.accounts.oidc import ASSURANCE_LEVELS
from samskab.accounts.roles import has_any_role, is_staff_of
from samskab.municipalities.models import Municipality, Space, SpaceInvitation, Visibility


def municipality_id_of(obj: Any) -> int | None:
    """The municipality an object belongs to, or the municipality itself."""
    if isinstance(obj, Municipality):
        return obj.pk
    return getattr(obj, "municipality_id", None)


def _role_predicate(name: str, *roles: Role) -> rules.Predicate:
    @rules.predicate(name)
    def check(user: Any, obj: Any) -> bool:
        mid = municipality_id_of(obj)
        return mid is not None and has_any_role(user, mid, *roles)

    return check


is_administrator = _role_predicate("is_administrator", Role.ADMINISTRATOR)
is_facilitator = _role_predicate("is_facilitator", Role.FACILITATOR)
is_mayor = _role_predicate("is_mayor", Role.MAYOR)


@rules.predicate
def is_municipal_staff(user: Any, obj: Any) -> bool:
    mid = municipality_id_of(obj)
    return mid is not None and is_staff_of(user, mid)


@rules.predicate
def is_public_space(user: Any, space: Space) -> bool:
    return space.visibility == Visibility.PUBLIC


@rules.predicate
def is_staff_space(user: Any, space: Space) -> bool:
    return space.visibility == Visibility.STAFF


@rules.predicate
def is_invited(user: Any, space: Space) -> bool:
    if not user.is_authenticated or space.visibility != Visibility.INVITE:
        return False
    return SpaceInvitation.objects.filter(space=space, person=user).exists()


@rules.predicate
def meets_min_assurance(user: Any, space: Space) -> bool:
    """No minimum, or this session's login reached it (`login_assurance`, put on the person by
    accounts.middleware; a password login has none, so it never meets a minimum)."""
    minimum = getattr(space, "min_assurance", "")
    if not minimum:
        return True
    level = getattr(user, "login_assurance", "")
    if level not in ASSURANCE_LEVELS:
        return False
    return ASSURANCE_LEVELS.index(level) >= ASSURANCE_LEVELS.index(minimum)


def space_of(obj: Any) -> Space | None:
    """The space an object lives in: itself, or through its challenge, idea, conversation,
    room or session (None for what lies in no space, such as a room on the movement)."""
    for _ in range(6):
        if obj is None or isinstance(obj, Space):
            return obj
        obj = next(
            (
                getattr(obj, name)
                for name in ("space", "challenge", "idea", "room", "session")
                if getattr(obj, name, None) is not None
            ),
            None,
        )
    return None


@rules.predicate
def takes_part_in_space(user: Any, obj: Any) -> bool:
    """For the capabilities' contribute rules: `municipalities.take_part_in_space` on the space
    the object lives in."""
    space = space_of(obj)
    return space is not None and user.has_perm("municipalities.take_part_in_space", space)


@rules.predicate
def meets_space_assurance(user: Any, obj: Any) -> bool:
    """The space's minimum alone, for places whose own rules decide who enters (a reflection
    room's members): met where the object lies in no space."""
    space = space_of(obj)
    return space is None or bool(meets_min_assurance(user, space))


runs_processes = is_administrator | is_facilitator

can_view_space = (
    is_public_space | (is_staff_space & is_municipal_staff) | runs_processes | is_invited
)
rules.add_perm("municipalities.view_space", can_view_space)
# Taking part (ideas, votes, comments, ratings): seeing the space, and a login as secure as the
# space asks for. The capabilities' contribute rules ask this one.
rules.add_perm("municipalities.take_part_in_space", can_view_space & meets_min_assurance)
rules.add_perm("municipalities.add_space", runs_processes)
rules.add_perm("municipalities.change_space", runs_processes)
rules.add_perm("municipalities.invite_to_space", runs_processes)
rules.add_perm("municipalities.open_movement", is_administrator | is_mayor)
rules.add_perm("municipalities.change_movement", is_administrator | is_mayor | is_facilitator)
