"""An initiative world in town A: a challenge with ideas, three organisations with their people,
and the roles that decide (facilitator, leader); town B's administrator and organisation are the
"another municipality" cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Affiliation, Organisation, OrganisationKind, Role
from samskab.challenges import services as challenge_services
from samskab.challenges.models import Challenge, Idea, Support
from samskab.initiatives import services
from samskab.initiatives.models import Initiative, Partner
from tests.conftest import Town, give_role, make_person


@dataclass
class World:
    town: Town
    other: Town
    challenge: Challenge
    idea: Idea
    author: Any
    supporter: Any
    facilitator: Any
    leader: Any
    poser: Any
    citizen: Any
    department: Organisation
    association: Organisation
    business: Organisation
    clerk: Any  # affiliated with the department
    chair: Any  # affiliated with the association
    owner: Any  # affiliated with the business
    foreign_org: Organisation
    initiative: Initiative
    municipal: Partner
    club: Partner
    firm: Partner

    @property
    def municipality(self) -> Any:
        return self.town.municipality


def person(town: Town, email: str, role: str | None, language: str = "da") -> Any:
    found = make_person(email, email.split("@")[0].title())
    if language != "da":
        found.language = language
        found.save(update_fields=["language"])
    if role:
        give_role(found, town.municipality, role)
    return found


def organisation(town: Town, name: str, kind: str, member: Any = None) -> Organisation:
    org = Organisation.objects.create(
        municipality=town.municipality,
        name=name,
        kind=kind,
        level=1 if kind == OrganisationKind.DEPARTMENT else None,
    )
    if member is not None:
        Affiliation.objects.create(municipality=town.municipality, person=member, organisation=org)
    return org


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(town_a: Town, town_b: Town, settings) -> World:
    settings.TASKS_BACKEND = "immediate"
    with scopes_disabled():
        facilitator = person(town_a, "facilitator@kbh.test", Role.FACILITATOR)
        leader = person(town_a, "leder@kbh.test", Role.MANAGER)
        poser = person(town_a, "poser@kbh.test", Role.CITIZEN)
        citizen = person(town_a, "borger@kbh.test", Role.CITIZEN)
        author = person(town_a, "author@kbh.test", Role.CITIZEN, language="en")
        supporter = person(town_a, "supporter@kbh.test", Role.CITIZEN)
        clerk = person(town_a, "clerk@kbh.test", Role.EMPLOYEE)
        chair = person(town_a, "chair@kbh.test", Role.ASSOCIATION)
        owner = person(town_a, "owner-biz@kbh.test", Role.BUSINESS)
    with scope(municipality=town_a.municipality):
        challenge = challenge_services.pose_challenge(
            town_a.public_space, poser, title="Hvordan mindsker vi ensomhed?", description="…"
        )
        # The poser is a citizen: a citizen's challenge waits for approval unless published.
        Challenge.objects.filter(pk=challenge.pk).update(status="published")
        challenge.refresh_from_db()
        idea = Idea.objects.create(
            municipality=town_a.municipality,
            challenge=challenge,
            author=author,
            title="Fællesspisning",
            body="Hver torsdag.",
        )
        Support.objects.create(municipality=town_a.municipality, idea=idea, person=supporter)
        department = organisation(town_a, "Ældre og Sundhed", OrganisationKind.DEPARTMENT, clerk)
        association = organisation(town_a, "Fælles Fodslag", OrganisationKind.ASSOCIATION, chair)
        business = organisation(town_a, "Fjordens Cykler", OrganisationKind.BUSINESS, owner)
        initiative = services.create_initiative(
            facilitator, space=town_a.public_space, title="Spisefællesskaber", challenge=challenge
        )
        municipal = services.add_partner(
            initiative, facilitator, organisation=department, contact=clerk
        )
        club = services.add_partner(
            initiative, facilitator, organisation=association, contact=chair
        )
        firm = services.add_partner(initiative, facilitator, organisation=business, contact=owner)
    with scope(municipality=town_b.municipality):
        foreign_org = organisation(town_b, "Aarhus Forening", OrganisationKind.ASSOCIATION)
    return World(
        town_a,
        town_b,
        challenge,
        idea,
        author,
        supporter,
        facilitator,
        leader,
        poser,
        citizen,
        department,
        association,
        business,
        clerk,
        chair,
        owner,
        foreign_org,
        initiative,
        municipal,
        club,
        firm,
    )


@pytest.fixture
def in_town(world: World):
    with scope(municipality=world.municipality):
        yield world
