"""Fixtures for live workshops: a challenge in town A's public space, with a conversation, a
reflection meeting and ideas in the prioritisation phase, and a facilitator to run it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import services as challenge_services
from samskab.challenges.phases import Phase
from samskab.opinions import services as opinion_services
from samskab.reflection import services as reflection_services
from samskab.workshops import services
from samskab.workshops.models import ActivityKind
from tests.conftest import Town, give_role, make_person

ALL_KINDS = [k.value for k in ActivityKind]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def make_facilitator(town: Town, email: str = "facilitator@ws.test"):
    person = make_person(email, "Frida Facilitator")
    with scopes_disabled():
        give_role(person, town.municipality, Role.FACILITATOR)
    return person


def make_workshop_challenge(town: Town, *, ideas: int = 3):
    """A challenge with ideas, moved to prioritisation, with a conversation and a reflection
    meeting attached."""
    with scope(municipality=town.municipality):
        challenge = challenge_services.pose_challenge(
            town.public_space, town.owner, title="Hvor skal regnvandet hen?", description="Skybrud."
        )
        for i in range(ideas):
            challenge_services.submit_idea(
                challenge, town.owner, title=f"Idé {i + 1}", body="Sådan gør vi."
            )
        challenge_services.set_phase(challenge, town.owner, Phase.PRIORITISATION)
        challenge.refresh_from_db()
        conversation = opinion_services.create_conversation(
            town.public_space,
            town.owner,
            title="Regnvand",
            challenge=challenge,
            statements=["Regnbede er en god idé.", "Kommunen skal betale."],
        )
        room = reflection_services.create_room(
            town.municipality, town.owner, title="Refleksion om regnvand", challenge=challenge
        )
        template = reflection_services.get_template(town.municipality, "stacey")
        reflection = reflection_services.start_session(room, town.owner, template=template)
    return challenge, conversation, reflection


def open_workshop(town: Town, facilitator, challenge, conversation, reflection, **kwargs):
    kwargs.setdefault("kinds", ALL_KINDS)
    with scope(municipality=town.municipality):
        return services.create_session(
            challenge,
            facilitator,
            title="Workshop om regnvand",
            conversation=conversation,
            reflection_session=reflection,
            **kwargs,
        )


@pytest.fixture
def facilitator(town_a: Town):
    return make_facilitator(town_a)


@pytest.fixture
def setup(town_a: Town):
    return make_workshop_challenge(town_a)


@pytest.fixture
def workshop(town_a: Town, facilitator, setup):
    challenge, conversation, reflection = setup
    return open_workshop(town_a, facilitator, challenge, conversation, reflection)
