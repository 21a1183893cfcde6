"""Named permission rules for municipalities, movements and spaces.

Each rule is a `rules` predicate registered as a Django permission, so views, templates and the
API ask `user.has_perm("municipalities.view_space", space)`. tests/municipalities/test_rules.py
checks every rule as a matrix of role × object state.
"""

from __future__ import annotations

from typing import Any

import rules

from samskab.accounts.models import Role
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


runs_processes = is_administrator | is_facilitator

rules.add_perm(
    "municipalities.view_space",
    is_public_space | (is_staff_space & is_municipal_staff) | runs_processes | is_invited,
)
rules.add_perm("municipalities.add_space", runs_processes)
rules.add_perm("municipalities.change_space", runs_processes)
rules.add_perm("municipalities.invite_to_space", runs_processes)
rules.add_perm("municipalities.open_movement", is_administrator | is_mayor)
rules.add_perm("municipalities.change_movement", is_administrator | is_mayor | is_facilitator)
