"""Shared test people and places: two municipalities, each with an owner, a member and an outsider.

- owner: administrator of the municipality
- member: an employee (medarbejder) of it
- outsider: a person with no role there (a citizen of the other municipality)
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django_scopes import scopes_disabled

from samskab.accounts.models import Membership, Role, User
from samskab.municipalities import services
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality, Space, Visibility


@dataclass
class Town:
    municipality: Municipality
    owner: User
    member: User
    outsider: User
    public_space: Space
    staff_space: Space
    invite_space: Space


def make_person(email: str, name: str = "") -> User:
    return User.objects.create_user(
        email, "correct horse battery", display_name=name or email, email_verified=True
    )


def give_role(person: User, municipality: Municipality, role: str) -> Membership:
    membership = Membership.objects.create(municipality=municipality, person=person, role=role)
    if hasattr(person, "_samskab_roles"):
        del person._samskab_roles
    return membership


def make_town(code: str, prefix: str) -> Town:
    with scopes_disabled():
        municipality = Municipality.objects.get(code=code)
        owner = make_person(f"owner@{prefix}.test", f"Ejer {prefix}")
        member = make_person(f"member@{prefix}.test", f"Medarbejder {prefix}")
        outsider = make_person(f"outsider@{prefix}.test", f"Udefra {prefix}")
        give_role(owner, municipality, Role.ADMINISTRATOR)
        give_role(member, municipality, Role.EMPLOYEE)
        movement = services.open_movement(municipality, owner, title=f"Bevægelsen i {prefix}")
        spaces = {
            visibility: services.create_space(
                movement, owner, title=f"{label} rum {prefix}", visibility=visibility
            )
            for visibility, label in [
                (Visibility.PUBLIC, "Offentligt"),
                (Visibility.STAFF, "Internt"),
                (Visibility.INVITE, "Lukket"),
            ]
        }
    return Town(
        municipality,
        owner,
        member,
        outsider,
        spaces[Visibility.PUBLIC],
        spaces[Visibility.STAFF],
        spaces[Visibility.INVITE],
    )


@pytest.fixture
def kommuner(db: None) -> int:
    """All 98 municipalities. Migrations load them, but transactional tests flush tables."""
    return load_municipalities(Municipality)


@pytest.fixture
def town_a(kommuner: int) -> Town:
    return make_town("0101", "kbh")


@pytest.fixture
def town_b(kommuner: int) -> Town:
    return make_town("0751", "aarhus")


@pytest.fixture
def towns(town_a: Town, town_b: Town) -> tuple[Town, Town]:
    """Both towns; each outsider is a citizen of the other town, a real person elsewhere."""
    with scopes_disabled():
        give_role(town_a.outsider, town_b.municipality, Role.CITIZEN)
        give_role(town_b.outsider, town_a.municipality, Role.CITIZEN)
    return town_a, town_b


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters live in the cache and person ids are reused between tests on SQLite,
    so each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
