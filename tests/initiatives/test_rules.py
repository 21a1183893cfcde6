"""The initiatives rules as a matrix: every role × every action, allowed exactly where listed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scopes_disabled

from samskab.accounts.models import Affiliation, Role
from samskab.initiatives import services
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "poser",
    "employee",
    "clerk",
    "chair",
    "owner",
    "leader",
    "facilitator",
    "administrator",
    "elsewhere",
]
DECIDERS = {"leader", "administrator"}
MANAGERS = {"facilitator", "administrator", "leader"}  # the facilitator also created it
STAFF = {"employee", "clerk", "leader", "facilitator", "administrator"}

# action → the roles that may do it
MATRIX: dict[str, set[str]] = {
    "view_public": set(ROLES),
    "view_internal": STAFF,
    "create_in_space": STAFF,
    "create_from_challenge": STAFF | {"poser"},
    # Only Aarhus's own administrator; none of town A's people.
    "create_in_aarhus": {"elsewhere"},
    "manage_initiative": MANAGERS,
    "edit_milestones": MANAGERS | {"chair"},  # the chair's association is ansvarlig for a part
    "add_partner": MANAGERS,
    # Every partner's people upload evidence; a citizen or an outsider does not.
    "add_document": MANAGERS | {"chair", "owner", "clerk"},
    "approve_budget": DECIDERS,
    "sign_for_municipality": DECIDERS,
    "sign_for_partner": {"chair"},
    "commit_for_association": {"chair"},
    "commit_for_business": {"owner"},
    "commit_for_department": {"clerk"},
    "sign_off": DECIDERS,
}


@pytest.fixture
def matrix(in_town):
    w = in_town
    with scopes_disabled():
        employee = make_person("employee@kbh.test", "Medarbejder")
        give_role(employee, w.municipality, Role.EMPLOYEE)
    internal = services.create_initiative(w.facilitator, space=w.town.staff_space, title="Internt")
    services.set_part(w.initiative, w.facilitator, title="Mad", assignments={w.club: "responsible"})
    agreement = services.save_agreement(
        w.club, w.facilitator, purpose="Mad", starts_on=date(2026, 1, 1)
    )
    commitment = services.commit(
        w.initiative, w.clerk, partner=w.municipal, kind="money", quantity=Decimal("100")
    )
    people = {
        "anonymous": AnonymousUser(),
        "citizen": w.citizen,
        "poser": w.poser,
        "employee": employee,
        "clerk": w.clerk,
        "chair": w.chair,
        "owner": w.owner,
        "leader": w.leader,
        "facilitator": w.facilitator,
        "administrator": w.town.owner,
        "elsewhere": w.other.owner,
    }
    checks = {
        "view_public": ("view_initiative", w.initiative),
        "view_internal": ("view_initiative", internal),
        "create_in_space": ("create_initiative", w.town.public_space),
        "create_from_challenge": ("create_initiative", w.challenge),
        "create_in_aarhus": ("create_initiative", w.other.public_space),
        "manage_initiative": ("manage_initiative", w.initiative),
        "edit_milestones": ("edit_milestones", w.initiative),
        "add_partner": ("manage_initiative", w.initiative),
        "add_document": ("add_document", w.initiative),
        "approve_budget": ("approve_budget", w.initiative),
        "sign_for_municipality": ("sign_for_municipality", agreement),
        "sign_for_partner": ("sign_for_partner", agreement),
        "commit_for_association": ("commit_for", w.club),
        "commit_for_business": ("commit_for", w.firm),
        "commit_for_department": ("commit_for", w.municipal),
        "sign_off": ("sign_off", commitment),
    }
    return w, people, checks, commitment


def test_the_matrix(matrix):
    _w, people, checks, _c = matrix
    wrong = []
    for action, allowed in MATRIX.items():
        perm, obj = checks[action]
        for role in ROLES:
            got = people[role].has_perm(f"initiatives.{perm}", obj)
            if got != (role in allowed):
                wrong.append(f"{role} {action}: {got}")
    assert not wrong, wrong
    assert set(checks) == set(MATRIX)


def test_no_one_signs_off_their_own_commitment(matrix):
    w, _people, _checks, _c = matrix
    Affiliation.objects.create(
        municipality=w.municipality, person=w.leader, organisation=w.department
    )
    own = services.commit(
        w.initiative, w.leader, partner=w.municipal, kind="money", quantity=Decimal("5")
    )
    assert not w.leader.has_perm("initiatives.sign_off", own)
    assert w.town.owner.has_perm("initiatives.sign_off", own)
    with pytest.raises(services.ServiceError):
        services.sign_off_commitment(own, w.leader)
