"""Who may create and run workshops: a matrix of role × space × target."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import services as challenge_services
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
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


@pytest.mark.parametrize("role", ["anonymous", None, *ROLES])
@pytest.mark.parametrize("staff", [False, True], ids=["public-space", "staff-space"])
def test_run_workshop_matrix(town_a, town_b, role, staff):
    with scope(municipality=town_a.municipality):
        challenge = challenge_services.pose_challenge(
            town_a.staff_space if staff else town_a.public_space,
            town_a.owner,
            title="Hvor skal regnvandet hen?",
            description="Skybrud.",
        )
    if role == "anonymous":
        person = AnonymousUser()
    else:
        person = make_person(f"r-{role}@test.dk")
        if role:
            with scopes_disabled():
                give_role(person, town_a.municipality, role)
                # The same role in another municipality gives nothing here.
                give_role(person, town_b.municipality, Role.FACILITATOR)
    want = role in RUNS and (not staff or role in STAFF)
    with scope(municipality=town_a.municipality):
        assert person.has_perm("workshops.run_workshop", challenge) is want


def test_facilitator_of_another_municipality_may_not(town_a, town_b, workshop):
    person = make_person("other@test.dk")
    with scopes_disabled():
        give_role(person, town_b.municipality, Role.FACILITATOR)
    with scope(municipality=town_a.municipality):
        assert not person.has_perm("workshops.run_workshop", workshop)
