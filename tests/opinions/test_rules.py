"""Permission rules as a matrix: role × conversation state × action."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from tests.conftest import give_role, make_person
from tests.opinions.conftest import make_conversation

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
MODERATES = {"moderator", "facilitator", "administrator"}
RUNS = {"facilitator", "administrator", "leder"}
STAFF = {
    "medarbejder",
    "leder",
    "politiker",
    "borgmester",
    "facilitator",
    "moderator",
    "administrator",
}


def expected(
    action: str,
    role: str | None,
    *,
    anonymous: bool,
    is_open: bool,
    can_add: bool,
    staff_space: bool,
) -> bool:
    sees = not staff_space or role in STAFF
    if action == "opinions.view_conversation":
        return sees
    if action == "opinions.vote":
        return sees and not anonymous and is_open
    if action == "opinions.add_statement":
        return sees and not anonymous and is_open and (can_add or role in MODERATES | RUNS)
    if action == "opinions.moderate_conversation":
        return sees and role in MODERATES
    if action in ("opinions.change_conversation", "opinions.add_conversation"):
        return sees and role in RUNS
    raise AssertionError(action)


ACTIONS = [
    "opinions.view_conversation",
    "opinions.vote",
    "opinions.add_statement",
    "opinions.moderate_conversation",
    "opinions.change_conversation",
    "opinions.add_conversation",
]


@pytest.mark.parametrize("role", ["anonymous", None, *ROLES])
@pytest.mark.parametrize(
    ("is_open", "can_add", "staff_space"),
    [(True, True, False), (False, True, False), (True, False, False), (True, True, True)],
    ids=["open", "closed", "no-participant-statements", "staff-space"],
)
def test_conversation_rules_matrix(town_a, town_b, role, is_open, can_add, staff_space):
    conversation = make_conversation(
        town_a,
        participants_can_add=can_add,
        space=town_a.staff_space if staff_space else town_a.public_space,
    )
    conversation.is_open = is_open
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
            target = conversation.space if action == "opinions.add_conversation" else conversation
            want = expected(
                action,
                None if anonymous else role,
                anonymous=anonymous,
                is_open=is_open,
                can_add=can_add,
                staff_space=staff_space,
            )
            assert person.has_perm(action, target) is want, (action, role)


@pytest.mark.parametrize("role", sorted(MODERATES | RUNS))
def test_a_role_in_one_municipality_grants_nothing_in_another(town_a, town_b, role):
    conversation = make_conversation(town_b)
    person = make_person(f"x-{role}@test.dk")
    with scopes_disabled():
        give_role(person, town_a.municipality, role)
    with scope(municipality=town_b.municipality):
        assert person.has_perm("opinions.view_conversation", conversation)
        assert not person.has_perm("opinions.moderate_conversation", conversation)
        assert not person.has_perm("opinions.change_conversation", conversation)
        assert not person.has_perm("opinions.add_conversation", town_b.public_space)
