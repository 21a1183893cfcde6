"""The API and the CSV export: the same visibility as the pages, Excel-ready CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
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


# -- writes ----------------------------------------------------------------------------------


def _design_payload(**changes) -> dict:
    payload = {
        "title": "Spisning om torsdagen",
        "hypothesis": "Hvis vi inviterer personligt, kommer flere ældre.",
        "signals": "Hvor mange kommer igen.",
        "amplify_when": "Mindst 15 kommer.",
        "dampen_when": "Færre end 8 kommer.",
        "stop_when": "Ingen nye efter fire gange.",
        "review_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "zone": 4,
    }
    return payload | changes


def _write(town, initiative, path: str = "") -> str:
    base = f"/api/municipalities/{town.municipality.code}"
    return f"{base}/initiatives/{initiative.pk}/experiments{path}"


def test_design_over_the_api(towns, client, initiative):
    town_a, town_b = towns
    url = _write(town_a, initiative)
    assert client.post(url, _design_payload(), content_type="application/json").status_code == 401
    client.force_login(town_a.member)
    refused = client.post(url, _design_payload(), content_type="application/json")
    assert refused.status_code == 400 and isinstance(refused.json()["detail"], str)
    client.force_login(town_b.owner)
    assert (
        client.post(
            _write(town_b, initiative), _design_payload(), content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(town_a.owner)
    missing = client.post(url, _design_payload(stop_when=""), content_type="application/json")
    assert missing.status_code == 400 and "stop_when" in missing.json()["detail"]
    made = client.post(url, _design_payload(), content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["zone"] == 4 and made.json()["reviews"] == []
    with scope(municipality=town_a.municipality):
        assert services.visible_experiments(town_a.owner, town_a.municipality).count() == 1


def test_review_over_the_api(towns, client, experiment):
    town_a, town_b = towns
    url = _write(town_a, experiment.initiative, f"/{experiment.pk}/reviews")
    client.force_login(town_a.member)
    assert client.post(url, {"decision": "stop"}, content_type="application/json").status_code in (
        400,
        403,
        404,
    )
    client.force_login(town_a.owner)
    going_on = client.post(url, {"decision": "continue"}, content_type="application/json")
    assert going_on.status_code == 400  # going on needs a new review date
    unknown = client.post(url, {"decision": "maybe"}, content_type="application/json")
    assert unknown.status_code == 400
    done = client.post(
        url, {"decision": "stop", "sensed": "Ingen kom."}, content_type="application/json"
    )
    assert done.status_code == 201, done.content
    assert [r["decision"] for r in done.json()["reviews"]] == ["stop"]
    client.force_login(town_b.owner)
    other = _write(town_b, experiment.initiative, f"/{experiment.pk}/reviews")
    assert (
        client.post(other, {"decision": "stop"}, content_type="application/json").status_code == 404
    )
