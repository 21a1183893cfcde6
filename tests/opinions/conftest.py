"""Fixtures for the opinion map: a conversation in town A's public space with three statements."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.opinions import services
from samskab.opinions.models import Conversation, ModerationMode
from tests.conftest import Town, give_role, make_person

STATEMENTS = [
    "Der skal være flere bænke i byen.",
    "Biblioteket skal have længere åbent.",
    "Bussen skal køre oftere om aftenen.",
]


@pytest.fixture(autouse=True)
def fresh_limits():
    """Per-person limits count in the cache, which outlives a test; ids are reused on SQLite."""
    cache.clear()
    yield
    cache.clear()


def make_conversation(town: Town, **kwargs) -> Conversation:
    kwargs.setdefault("title", "Hvordan gør vi byen bedre for ældre?")
    kwargs.setdefault("statements", STATEMENTS)
    space = kwargs.pop("space", town.public_space)
    with scope(municipality=town.municipality):
        return services.create_conversation(space, town.owner, **kwargs)


@pytest.fixture
def conversation(town_a: Town) -> Conversation:
    return make_conversation(town_a)


@pytest.fixture
def premoderated(town_a: Town) -> Conversation:
    return make_conversation(town_a, title="Forhåndsgodkendt", moderation_mode=ModerationMode.PRE)


@pytest.fixture
def citizen(town_a: Town):
    person = make_person("borger@kbh.test", "Karen Borger")
    with scopes_disabled():
        give_role(person, town_a.municipality, Role.CITIZEN)
    return person


@pytest.fixture
def moderator(town_a: Town):
    person = make_person("moderator@kbh.test", "Mona Moderator")
    with scopes_disabled():
        give_role(person, town_a.municipality, Role.MODERATOR)
    return person


@pytest.fixture
def in_scope(town_a: Town):
    with scope(municipality=town_a.municipality):
        yield town_a
