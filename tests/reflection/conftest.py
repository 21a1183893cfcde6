"""Fixtures for reflection: a room in town A with a leader, an employee, a politician and an
invited citizen, run by a facilitator, and one open session after the Stacey prompts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role, User
from samskab.reflection import services
from samskab.reflection.models import Room, Session
from tests.conftest import Town, give_role, make_person


@dataclass
class Circle:
    town: Town
    room: Room
    session: Session
    facilitator: User
    leader: User
    employee: User
    politician: User
    citizen: User


def person_with_role(town: Town, email: str, role: str) -> User:
    person = make_person(email, email.split("@")[0].title())
    with scopes_disabled():
        give_role(person, town.municipality, role)
    return person


def make_circle(town: Town, prefix: str = "a") -> Circle:
    facilitator = person_with_role(town, f"fac-{prefix}@test.dk", Role.FACILITATOR)
    leader = person_with_role(town, f"leder-{prefix}@test.dk", Role.MANAGER)
    politician = person_with_role(town, f"pol-{prefix}@test.dk", Role.COUNCIL_MEMBER)
    citizen = person_with_role(town, f"borger-{prefix}@test.dk", Role.CITIZEN)
    with scope(municipality=town.municipality):
        movement = town.public_space.movement
        room = services.create_room(
            town.municipality, facilitator, title="Ledelse i samskabelse", movement=movement
        )
        services.add_member(room, facilitator, leader, role=Role.MANAGER)
        services.add_member(room, facilitator, town.member, role=Role.EMPLOYEE)
        services.add_member(room, facilitator, politician, role=Role.COUNCIL_MEMBER)
        services.add_member(room, facilitator, citizen, role=Role.CITIZEN)
        template = services.get_template(town.municipality, "stacey")
        session = services.start_session(room, facilitator, template=template)
    return Circle(town, room, session, facilitator, leader, town.member, politician, citizen)


@pytest.fixture
def circle(town_a: Town) -> Circle:
    return make_circle(town_a)


def write(circle: Circle, person: User, text: str, visibility: str, prompt: int = 0):
    with scope(municipality=circle.town.municipality):
        return services.write_entry(
            circle.session, person, prompt_index=prompt, text=text, visibility=visibility
        )
