"""Open data: CSV that Danish Excel opens right, JSON with exact amounts, no formula runs."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope

from samskab.initiatives import exports, services
from tests.initiatives.test_views import with_economy

pytestmark = pytest.mark.django_db


def export_url(world, fmt: str) -> str:
    return reverse("initiatives:export", args=[world.municipality.slug, fmt])


def rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8, æøå intact
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_for_danish_excel(world, client):
    with_economy(world)
    with scope(municipality=world.municipality):
        services.set_part(
            world.initiative,
            world.facilitator,
            title="Madlavning",
            assignments={world.club: "responsible"},
        )
    response = client.get(export_url(world, "initiativer.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = rows(response.content)
    assert header[:4] == ["id", "titel", "formål", "målgruppe"]
    named = dict(zip(header, row, strict=True))
    assert named["status"] == "Under planlægning"
    assert named["budget (kr.)"] == "100000,00"
    assert named["mangler (kr.)"] == "77654,33"
    partners = rows(client.get(export_url(world, "partnere.csv")).content)
    assert [r[2] for r in partners[1:]] == ["Ældre og Sundhed", "Fælles Fodslag", "Fjordens Cykler"]
    roles = rows(client.get(export_url(world, "ansvar.csv")).content)
    assert roles[1][1:] == ["Madlavning", str(world.club.pk), "Ansvarlig"]
    commitments = rows(client.get(export_url(world, "tilsagn.csv")).content)
    hours = dict(zip(commitments[0], commitments[1], strict=True))
    assert hours["type"] == "Timer"
    assert hours["planlagt mængde"] == "40,00" and hours["timepris (kr.)"] == "250,00"
    assert hours["planlagt (kr.)"] == "10000,00"
    assert client.get(export_url(world, "andet.csv")).status_code == 404


def test_a_formula_in_a_title_never_runs_in_the_spreadsheet(world, client):
    with scope(municipality=world.municipality):
        services.create_initiative(
            world.facilitator,
            space=world.town.public_space,
            title='=HYPERLINK("http://ond.example";"Klik")',
            purpose="+45 12 34",
        )
    body = client.get(export_url(world, "initiativer.csv")).content
    cells = [cell for row in rows(body) for cell in row]
    assert '\'=HYPERLINK("http://ond.example";"Klik")' in cells
    assert "'+45 12 34" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_json_has_exact_amounts_as_strings(world, client):
    with_economy(world)
    data = json.loads(client.get(export_url(world, "json")).content)
    (initiative,) = data["initiatives"]
    assert initiative["budget"] == "100000.00" and initiative["committed"] == "22345.67"
    assert {c["planned_value"] for c in data["commitments"]} == {"10000.00", "12345.67"}
    # No email address anywhere: people appear by their public name only.
    assert "@" not in json.dumps(data)


def test_export_is_query_flat(world):
    def fetch():
        with scope(municipality=world.municipality):
            exports.export_data(
                list(services.initiatives_for(world.facilitator, world.municipality))
            )

    def add(n: int) -> None:
        with scope(municipality=world.municipality):
            for k in range(n):
                made = services.create_initiative(
                    world.facilitator, space=world.town.public_space, title=f"Nr. {k}"
                )
                partner = services.add_partner(
                    made, world.facilitator, organisation=world.association, contact=world.chair
                )
                services.commit(
                    made, world.chair, partner=partner, kind="money", quantity=Decimal("5")
                )

    from tests.helpers import assert_flat_query_count

    assert_flat_query_count(fetch, add)


def test_budget_lines_and_actual_quantities_are_exported_for_the_round_trip(world, client):
    made = with_economy(world)
    with scope(municipality=world.municipality):
        services.record_actual(made["hours"], world.chair, quantity=Decimal("7.5"))
    budget = rows(client.get(export_url(world, "budget.csv")).content)
    assert budget[0] == ["id", "initiativ", "titel", "beløb (kr.)"]
    assert budget[1][1:] == [str(world.initiative.pk), "Mad", "100000,00"]
    commitments = rows(client.get(export_url(world, "tilsagn.csv")).content)
    hours = dict(zip(commitments[0], commitments[1], strict=True))
    assert hours["faktisk mængde"] == "7,50" and hours["faktisk (kr.)"] == "1875,00"
    data = json.loads(client.get(export_url(world, "json")).content)
    assert data["budget_lines"][0]["amount"] == "100000.00"
