"""Fixtures for experiments: an initiative in town A's public space and a way to design one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scope

from samskab.experiments import services
from samskab.initiatives import services as initiative_services
from tests.conftest import Town


def make_initiative(town: Town, space: Any = None, title: str = "Fællesspisning") -> Any:
    with scope(municipality=town.municipality):
        return initiative_services.create_initiative(
            town.owner, space=space or town.public_space, title=title
        )


def design(initiative: Any, actor: Any, **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "title": "Spisning om torsdagen",
        "hypothesis": "Hvis vi inviterer personligt, kommer flere ældre.",
        "signals": "Hvor mange kommer igen.",
        "amplify_when": "Mindst 15 kommer.",
        "dampen_when": "Færre end 8 kommer.",
        "stop_when": "Ingen nye efter fire gange.",
        "review_on": timezone.localdate() + timedelta(days=10),
        "zone": 4,
    }
    fields.update(changes)
    with scope(municipality=initiative.municipality):
        return services.design_experiment(initiative, actor, **fields)


@pytest.fixture
def initiative(town_a: Town) -> Any:
    return make_initiative(town_a)


@pytest.fixture
def experiment(town_a: Town, initiative: Any) -> Any:
    return design(initiative, town_a.owner)
