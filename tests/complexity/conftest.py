"""Fixtures for complexity assessment: a challenge in town A's public space with an open round."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import services as challenge_services
from samskab.complexity import services
from tests.conftest import Town, give_role, make_person


def make_challenge(town: Town, space=None, title: str = "Hvor skal regnvandet hen?"):
    with scope(municipality=town.municipality):
        return challenge_services.pose_challenge(
            space or town.public_space, town.owner, title=title, description="Skybrud."
        )


def make_rater(town: Town, email: str, role: str):
    person = make_person(email, email.split("@")[0])
    with scopes_disabled():
        give_role(person, town.municipality, role)
    return person


@pytest.fixture
def challenge(town_a: Town):
    return make_challenge(town_a)


@pytest.fixture
def open_round(town_a: Town, challenge):
    with scope(municipality=town_a.municipality):
        return services.open_round(challenge, town_a.owner)


@pytest.fixture
def citizen(town_a: Town):
    return make_rater(town_a, "borger@kbh.test", Role.CITIZEN)
