"""The demo's landscape: at least three islands, a broker, a bridge and a suggested tie that
would join two islands, computed through the real services when the demo loads."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from django_scopes import scope

from samskab.demo.content import load_demo
from samskab.landscape import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS_BACKEND = "immediate"


def test_the_demo_landscape_has_islands_a_broker_a_bridge_and_a_suggestion(kommuner):
    t0 = time.perf_counter()
    demo = load_demo()
    took = time.perf_counter() - t0
    m = demo.municipality
    with scope(municipality=m):
        run = services.latest(m, *services.default_period(timezone.localdate()))
    assert run is not None and run.computed_at is not None, "the demo computes its landscape"
    doc = run.data
    assert doc["measures"]["islands"] >= 3
    assert len([i for i in doc["islands"] if len(i["members"]) >= 2]) >= 3
    by_id = {a["id"]: a for a in doc["actors"]}
    labels = {a["label"]: a for a in doc["actors"]}
    scouts = labels["Himmelev Spejderne"]
    assert scouts["broker"] and scouts["cut_point"]
    music = labels["Musikforeningen ved Fjorden"]
    assert any(t["bridge"] and {t["a"], t["b"]} == {scouts["id"], music["id"]} for t in doc["ties"])
    assert doc["suggestions"]
    s = doc["suggestions"][0]
    assert s["island_a"] != s["island_b"]
    assert by_id[s["actor_a"]]["island"] == s["island_a"]
    assert by_id[s["actor_b"]]["island"] == s["island_b"]
    # Citizens appear only as a group of at least the minimum size.
    citizens = [a for a in doc["actors"] if a["sector"] == "borger"]
    assert citizens and all(a["kind"] == "citizens" for a in citizens)
    # The youth clubs' six employees all took part: a group large enough to show.
    (clubs,) = [r for r in doc["involvement"] if r["label"] == "Fritidsklubberne"]
    employees = clubs["levels"][3]
    assert (employees["people"], employees["took_part"], employees["share"]) == (6, 6, 1.0)
    assert employees["by_kind"]["support"] == 5
    assert employees["by_kind"]["idea"] is None  # one person: never a figure
    assert took < 60  # the whole demo, not a benchmark


def test_loading_the_demo_twice_changes_nothing(kommuner):
    first = load_demo()
    with scope(municipality=first.municipality):
        period = services.default_period(timezone.localdate())
        before = services.latest(first.municipality, *period).data
    load_demo()
    with scope(municipality=first.municipality):
        assert services.latest(first.municipality, *period).data == before
