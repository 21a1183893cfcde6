"""The API and the CSV export: the same visibility as the pages, Excel-ready CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from samskab.experiments import services
from tests.experiments.conftest import design, make_initiative

pytestmark = pytest.mark.django_db


def _api(town, path: str = "") -> str:
    return f"/api/municipalities/{town.municipality.code}/experiments{path}"


def test_list_and_detail_leave_out_what_the_caller_may_not_see(towns, client):
    town_a, town_b = towns
    shown = design(make_initiative(town_a), town_a.owner, title="Synligt")
    hidden = design(make_initiative(town_a, space=town_a.staff_space), town_a.owner, title="Skjult")
    client.force_login(town_b.outsider)
    listed = client.get(_api(town_a)).json()
    assert [e["title"] for e in listed] == ["Synligt"]
    assert listed[0]["zone_name"] == "Samskabelse og små eksperimenter"
    assert client.get(_api(town_a, f"/{shown.pk}")).status_code == 200
    assert client.get(_api(town_a, f"/{hidden.pk}")).status_code == 404
    # Another municipality's code does not reach town A's experiment.
    assert client.get(_api(town_b, f"/{shown.pk}")).status_code == 404
    assert client.get("/api/municipalities/xx/experiments").status_code == 404


def test_detail_carries_the_reviews(town_a, client, experiment):
    with scope(municipality=town_a.municipality):
        services.review_experiment(experiment, town_a.owner, decision="stop", sensed="Ingen kom.")
    found = client.get(_api(town_a, f"/{experiment.pk}")).json()
    assert found["status"] == "stopped"
    assert [(r["decision"], r["sensed"]) for r in found["reviews"]] == [("stop", "Ingen kom.")]


def test_the_portfolio_as_json(town_a, client, experiment):
    found = client.get(_api(town_a, "/portfolio")).json()
    assert found["total"] == 1
    zone4 = next(r for r in found["rows"] if r["zone"] == 4)
    assert zone4["counts"]["running"] == 1
    assert [e["id"] for e in found["experiments"]] == [experiment.pk]


def test_csv_opens_right_in_danish_excel_and_runs_no_formulas(town_a, client, initiative):
    design(initiative, town_a.owner, title='=HYPERLINK("http://ondt")', hypothesis="Æbler, ø og å")
    response = client.get(_api(town_a, ".csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, row = rows
    assert header[:4] == ["Nummer", "Initiativ nummer", "Initiativ", "Titel"]
    cell = dict(zip(header, row, strict=True))
    assert cell["Titel"].startswith("'=")
    assert cell["Hypotese"] == "Æbler, ø og å"
    assert cell["Zone"] == "4"


def test_the_api_list_is_query_flat(town_a, client):
    initiative = make_initiative(town_a)
    design(initiative, town_a.owner)
    client.get(_api(town_a))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_api(town_a)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for k in range(10):
        design(make_initiative(town_a, title=f"I{k}"), town_a.owner, title=f"E{k}")
    assert count() == few
