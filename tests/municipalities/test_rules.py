"""Permission rules as a matrix: role × space visibility × action."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scopes_disabled

from samskab.accounts.models import Role
from samskab.municipalities.models import SpaceInvitation, Visibility
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
STAFF = {
    "medarbejder",
    "leder",
    "politiker",
    "borgmester",
    "facilitator",
    "moderator",
    "administrator",
}
RUNS_PROCESSES = {"administrator", "facilitator"}


def expected_view(role: str | None, visibility: str, invited: bool) -> bool:
    if visibility == Visibility.PUBLIC:
        return True
    if role in RUNS_PROCESSES:
        return True
    if visibility == Visibility.STAFF:
        return role in STAFF
    return invited


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("visibility", [v.value for v in Visibility])
@pytest.mark.parametrize("invited", [False, True])
def test_view_space_matrix(town_a, role, visibility, invited):
    space = {
        Visibility.PUBLIC: town_a.public_space,
        Visibility.STAFF: town_a.staff_space,
        Visibility.INVITE: town_a.invite_space,
    }[visibility]
    person = make_person(f"p-{role}-{visibility}-{invited}@test.dk")
    with scopes_disabled():
        if role:
            give_role(person, town_a.municipality, role)
        if invited:
            SpaceInvitation.objects.create(
                municipality=town_a.municipality, space=space, person=person
            )
        allowed = person.has_perm("municipalities.view_space", space)
    assert allowed == expected_view(role, visibility, invited)


@pytest.mark.parametrize(
    ("action", "allowed_roles"),
    [
        ("municipalities.add_space", {"administrator", "facilitator"}),
        ("municipalities.change_space", {"administrator", "facilitator"}),
        ("municipalities.invite_to_space", {"administrator", "facilitator"}),
        ("municipalities.open_movement", {"administrator", "borgmester"}),
        ("municipalities.change_movement", {"administrator", "borgmester", "facilitator"}),
    ],
)
@pytest.mark.parametrize("role", [None, *ROLES])
def test_action_matrix(town_a, town_b, action, allowed_roles, role):
    person = make_person(f"a-{role}-{action}@test.dk")
    with scopes_disabled():
        if role:
            give_role(person, town_a.municipality, role)
        target = (
            town_a.municipality
            if "movement" in action or "add_space" in action
            else (town_a.invite_space)
        )
        assert person.has_perm(action, target) == (role in allowed_roles)
        # A role in one municipality grants nothing in another.
        other = town_b.municipality if target == town_a.municipality else town_b.invite_space
        assert person.has_perm(action, other) is False


def test_anonymous_sees_public_spaces_only(town_a):
    anonymous = AnonymousUser()
    assert anonymous.has_perm("municipalities.view_space", town_a.public_space)
    assert not anonymous.has_perm("municipalities.view_space", town_a.staff_space)
    assert not anonymous.has_perm("municipalities.view_space", town_a.invite_space)
    assert not anonymous.has_perm("municipalities.add_space", town_a.municipality)
