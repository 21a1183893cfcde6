"""The facilitator's control page and the workshop API cost the same queries however many people
have joined and answered."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django_scopes import scope

from samskab.workshops import services
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db


def _grow(town, workshop):
    joined = [0]

    def add(n: int) -> None:
        with scope(municipality=town.municipality):
            for _ in range(n):
                p = services.join(workshop, AnonymousUser(), pseudonym=f"Deltager {joined[0]}")
                services.answer(workshop.current, p, {"agreement": 2, "certainty": 4})
                joined[0] += 1

    return add


def test_control_page_is_flat_in_participants(client, town_a, facilitator, workshop):
    url = reverse(
        "workshops:control",
        kwargs={"municipality": town_a.municipality.slug, "session": workshop.pk},
    )
    client.force_login(facilitator)

    def fetch():
        assert client.get(url).status_code == 200

    assert_flat_query_count(fetch, _grow(town_a, workshop))


def test_workshop_api_is_flat_in_participants(client, town_a, facilitator, workshop):
    url = f"/api/municipalities/{town_a.municipality.code}/workshops/{workshop.pk}"
    client.force_login(facilitator)

    def fetch():
        assert client.get(url).status_code == 200

    assert_flat_query_count(fetch, _grow(town_a, workshop))
