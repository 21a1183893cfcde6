"""Permission rules as a matrix: role × round state × space × action."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.complexity import services
from tests.complexity.conftest import make_challenge
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
RUNS = {"facilitator", "administrator", "leder"}
ZONES = {"facilitator", "administrator"}


def expected(action: str, role: str | None, *, anonymous: bool, is_open: bool, staff: bool):
    # Process runners see every space; others see staff spaces only with a staff role.
    sees = not staff or role in STAFF
    if action == "complexity.view_assessment":
        return sees
    if action == "complexity.rate":
        return sees and not anonymous and is_open
    if action == "complexity.manage_assessment":
        return sees and role in RUNS
    if action == "complexity.change_zones":
        return role in ZONES
    raise AssertionError(action)


ACTIONS = [
    "complexity.view_assessment",
    "complexity.rate",
    "complexity.manage_assessment",
    "complexity.change_zones",
]


@pytest.mark.parametrize("role", ["anonymous", None, *ROLES])
@pytest.mark.parametrize(
    ("is_open", "staff"),
    [(True, False), (False, False), (True, True)],
    ids=["open", "closed", "staff-space"],
)
def test_complexity_rules_matrix(town_a, role, is_open, staff):
    challenge = make_challenge(town_a, space=town_a.staff_space if staff else None)
    with scope(municipality=town_a.municipality):
        round_ = services.open_round(challenge, town_a.owner)
        round_.is_open = is_open
    anonymous = role == "anonymous"
    if anonymous:
        person = AnonymousUser()
    else:
        person = make_person(f"r-{role}@test.dk")
        if role:
            with scopes_disabled():
                give_role(person, town_a.municipality, role)
    with scope(municipality=town_a.municipality):
        for action in ACTIONS:
            target = {
                "complexity.change_zones": town_a.municipality,
                "complexity.view_assessment": challenge,
            }.get(action, round_)
            want = expected(
                action,
                None if anonymous else role,
                anonymous=anonymous,
                is_open=is_open,
                staff=staff,
            )
            assert person.has_perm(action, target) is want, (action, role)


def test_the_poser_manages_their_own_challenges_assessment(town_a):
    poser = make_person("poser@test.dk")
    with scopes_disabled():
        give_role(poser, town_a.municipality, Role.EMPLOYEE)
    challenge = make_challenge(town_a)
    challenge.posed_by = poser
    with scope(municipality=town_a.municipality):
        assert poser.has_perm("complexity.manage_assessment", challenge)
        assert not town_a.member.has_perm("complexity.manage_assessment", challenge)


@pytest.mark.parametrize("role", sorted(RUNS))
def test_a_role_in_one_municipality_grants_nothing_in_another(town_a, town_b, role):
    challenge = make_challenge(town_b)
    person = make_person(f"x-{role}@test.dk")
    with scopes_disabled():
        give_role(person, town_a.municipality, role)
    with scope(municipality=town_b.municipality):
        assert not person.has_perm("complexity.manage_assessment", challenge)
        assert not person.has_perm("complexity.change_zones", town_b.municipality)
