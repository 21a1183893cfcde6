"""Initiatives over the API: list, one with partners, parts, milestones and economy (amounts as
strings, exact), the export, and writes through the services (a refusal is a 400)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope

from samskab.initiatives import services
from samskab.initiatives.models import Initiative
from tests.helpers import assert_flat_query_count
from tests.initiatives.test_views import RULE, with_economy

pytestmark = pytest.mark.django_db


def base(world) -> str:
    return f"/api/municipalities/{world.municipality.code}/initiatives"


def test_list_and_detail_with_exact_amounts(world, client):
    with_economy(world)
    with scope(municipality=world.municipality):
        services.set_part(
            world.initiative,
            world.facilitator,
            title="Madlavning",
            assignments={world.club: "responsible", world.firm: "informed"},
        )
        services.add_milestone(
            world.initiative, world.facilitator, title="Start", due_on=date(2026, 3, 1)
        )
    listed = client.get(base(world))
    assert listed.status_code == 200
    (row,) = listed.json()
    assert row["title"] == "Spisefællesskaber"
    assert row["economy"] == {
        "budget": "100000.00",
        "committed": "22345.67",
        "spent": "0.00",
        "gap": "77654.33",
    }
    detail = client.get(f"{base(world)}/{world.initiative.pk}").json()
    assert [p["name"] for p in detail["partners"]] == [
        "Ældre og Sundhed",
        "Fælles Fodslag",
        "Fjordens Cykler",
    ]
    (part,) = detail["parts"]
    assert {a["role"] for a in part["assignments"]} == {"responsible", "informed"}
    assert detail["milestones"][0]["due_on"] == "2026-03-01"
    economy = detail["economy_detail"]
    assert economy["external"] == "22345.67" and economy["municipal"] == "0.00"
    assert economy["valuation_rules"] == {"hours": [RULE]}
    assert economy["per_line"][0]["committed"] == "10000.00"
    assert client.get(f"{base(world)}/{world.initiative.pk}/economy").json() == economy


def test_another_municipality_and_closed_spaces_are_404(world, client):
    with scope(municipality=world.municipality):
        hidden = services.create_initiative(
            world.town.owner, space=world.town.invite_space, title="Lukket"
        )
    other = f"/api/municipalities/{world.other.municipality.code}/initiatives"
    assert client.get(f"{other}/{world.initiative.pk}").status_code == 404
    assert client.get(f"{base(world)}/{hidden.pk}").status_code == 404
    assert client.get(f"{base(world)}/{hidden.pk}/economy").status_code == 404
    assert [r["id"] for r in client.get(base(world)).json()] == [world.initiative.pk]
    assert "Lukket" not in client.get(f"{base(world)}/export").content.decode()
    assert client.get("/api/municipalities/abcd/initiatives").status_code == 404


def test_the_list_is_query_flat(world, client):
    def fetch():
        response = client.get(base(world))
        assert response.status_code == 200

    def add(n: int) -> None:
        with scope(municipality=world.municipality):
            for k in range(n):
                made = services.create_initiative(
                    world.facilitator, space=world.town.public_space, title=f"Nr. {k}"
                )
                services.add_budget_line(
                    made, world.facilitator, title="Post", amount=Decimal("10.00")
                )

    assert_flat_query_count(fetch, add)


def test_create_and_status_through_the_services(world, client):
    client.force_login(world.facilitator)
    created = client.post(
        base(world),
        {"space": world.town.public_space.slug, "title": "Ny vej", "purpose": "Sikker skolevej"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    moved = client.post(
        f"{base(world)}/{pk}/status",
        {"status": "advanced", "note": "Godt på vej"},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["progress"] == 75
    # Bad input: an end before the start is the service's refusal, a 400 in Danish.
    backwards = client.post(
        base(world),
        {
            "space": world.town.public_space.slug,
            "title": "Bagvendt",
            "starts_on": "2026-05-01",
            "ends_on": "2026-01-01",
        },
        content_type="application/json",
    )
    assert backwards.status_code == 400
    assert "slut" in backwards.json()["detail"].lower()
    unknown = client.post(
        f"{base(world)}/{pk}/status", {"status": "flying"}, content_type="application/json"
    )
    assert unknown.status_code == 400
    with scope(municipality=world.municipality):
        assert not Initiative.objects.filter(title="Bagvendt").exists()


def test_citizens_may_not_create_and_anonymous_must_log_in(world, client):
    payload = {"space": world.town.public_space.slug, "title": "Nej"}
    assert client.post(base(world), payload, content_type="application/json").status_code == 401
    client.force_login(world.citizen)
    refused = client.post(base(world), payload, content_type="application/json")
    assert refused.status_code == 400
    with scope(municipality=world.municipality):
        assert not Initiative.objects.filter(title="Nej").exists()


def test_export_then_import_over_the_api(world, client):
    client.force_login(world.facilitator)
    exported = client.get(f"{base(world)}/export").json()
    assert set(exported) == {"initiatives", "partners", "responsibilities", "commitments"}
    response = client.post(
        f"{base(world)}/import",
        {"space": world.town.public_space.slug, "initiatives": exported["initiatives"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    with scope(municipality=world.municipality):
        assert Initiative.objects.filter(title="Spisefællesskaber").count() == 2
    bad = client.post(
        f"{base(world)}/import",
        {"space": world.town.public_space.slug, "initiatives": [{"title": ""}, {"title": "Ok"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["refused"] == [{"row": 2, "reason": "Titlen mangler."}]
    with scope(municipality=world.municipality):
        assert not Initiative.objects.filter(title="Ok").exists()
