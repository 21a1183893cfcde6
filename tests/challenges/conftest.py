from __future__ import annotations

import pytest
from django.core.cache import cache
from django_scopes import scopes_disabled

from samskab.challenges import services
from samskab.challenges.models import Challenge, Idea
from tests.conftest import Town, give_role, make_person


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and the similar-ideas index live in the cache; tests must not share them.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def challenge(town_a: Town) -> Challenge:
    with scopes_disabled():
        return services.pose_challenge(
            town_a.public_space,
            town_a.owner,
            title="Hvordan mindsker vi ensomhed blandt ældre?",
            description="Alle idéer er velkomne.",
            categories=["Fællesskab", "Sundhed"],
        )


@pytest.fixture
def citizen(town_a: Town):
    person = make_person("karen@borger.test", "Karen Jensen")
    person.pseudonym = "Fjordfan"
    person.save()
    with scopes_disabled():
        give_role(person, town_a.municipality, "borger")
    return person


@pytest.fixture
def moderator(town_a: Town):
    person = make_person("moderator@kbh.test", "Mona Moderator")
    with scopes_disabled():
        give_role(person, town_a.municipality, "moderator")
    return person


def add_idea(
    challenge: Challenge, author, title: str = "En god idé", body: str = "Sådan gør vi det."
) -> Idea:
    with scopes_disabled():
        return Idea.objects.create(
            municipality=challenge.municipality,
            challenge=challenge,
            author=author,
            title=title,
            body=body,
        )
