"""Permission rules as a matrix: role × space × action, the initiative's creator, anonymous
people and another municipality's administrator."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from tests.conftest import give_role, make_person
from tests.experiments.conftest import design, make_initiative

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
ACTIONS = [
    "experiments.view_experiment",
    "experiments.design_experiment",
    "experiments.manage_experiment",
]


def expected(action: str, role: str | None, *, staff_space: bool) -> bool:
    sees = not staff_space or role in STAFF
    if action == "experiments.view_experiment":
        return sees
    return sees and role in RUNS


@pytest.mark.parametrize("role", ["anonymous", None, *ROLES])
@pytest.mark.parametrize("staff_space", [False, True], ids=["public", "staff-space"])
def test_experiment_rules_matrix(town_a, role, staff_space):
    initiative = make_initiative(town_a, space=town_a.staff_space if staff_space else None)
    experiment = design(initiative, town_a.owner)
    if role == "anonymous":
        person = AnonymousUser()
    else:
        person = make_person(f"r-{role}@test.dk")
        if role:
            with scopes_disabled():
                give_role(person, town_a.municipality, role)
    with scope(municipality=town_a.municipality):
        for action in ACTIONS:
            target = initiative if action == "experiments.design_experiment" else experiment
            want = expected(action, None if role == "anonymous" else role, staff_space=staff_space)
            assert person.has_perm(action, target) is want, (action, role)
            if action == "experiments.view_experiment":
                assert person.has_perm(action, initiative) is want


def test_the_initiatives_creator_runs_its_experiments(town_a):
    creator = make_person("skaber@test.dk")
    with scopes_disabled():
        give_role(creator, town_a.municipality, Role.EMPLOYEE)
    initiative = make_initiative(town_a)
    initiative.created_by = creator
    experiment = design(initiative, town_a.owner)
    with scope(municipality=town_a.municipality):
        assert creator.has_perm("experiments.design_experiment", initiative)
        assert creator.has_perm("experiments.manage_experiment", experiment)
        assert not town_a.member.has_perm("experiments.manage_experiment", experiment)


@pytest.mark.parametrize("staff_space", [False, True], ids=["public", "staff-space"])
def test_another_municipalitys_administrator_runs_nothing_here(towns, staff_space):
    town_a, town_b = towns
    initiative = make_initiative(town_a, space=town_a.staff_space if staff_space else None)
    experiment = design(initiative, town_a.owner)
    with scope(municipality=town_a.municipality):
        assert not town_b.owner.has_perm("experiments.design_experiment", initiative)
        assert not town_b.owner.has_perm("experiments.manage_experiment", experiment)
        assert town_b.owner.has_perm("experiments.view_experiment", experiment) is not staff_space
