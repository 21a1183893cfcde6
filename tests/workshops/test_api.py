from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope

from samskab.workshops import services
from tests.workshops.conftest import make_facilitator

pytestmark = pytest.mark.django_db


def _url(town, workshop):
    return f"/api/municipalities/{town.municipality.code}/workshops/{workshop.pk}"


def test_api_shows_the_workshop_to_those_who_run_it(client, town_a, facilitator, workshop):
    with scope(municipality=town_a.municipality):
        p = services.join(workshop, AnonymousUser(), pseudonym="Anna")
        activity = workshop.current
        services.answer(activity, p, {"agreement": 3, "certainty": 4})
    client.force_login(facilitator)
    data = client.get(_url(town_a, workshop)).json()
    assert data["code"] == workshop.code and data["participants"] == 1 and data["answers"] == 1
    assert [a["kind"] for a in data["activities"]] == [
        "stacey",
        "statements",
        "pairwise",
        "reflection",
    ]
    assert "Anna" not in str(data)


def test_api_is_404_for_others_and_other_municipalities(client, town_a, town_b, workshop):
    assert client.get(_url(town_a, workshop)).status_code == 404
    client.force_login(town_a.member)
    assert client.get(_url(town_a, workshop)).status_code == 404
    client.force_login(make_facilitator(town_b, "fb@ws.test"))
    assert client.get(_url(town_a, workshop)).status_code == 404
    assert client.get(_url(town_b, workshop)).status_code == 404
