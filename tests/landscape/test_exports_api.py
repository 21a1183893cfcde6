"""The landscape's exports (GraphML, JSON, CSV) and its API: the same rules as the pages, a
clear Danish 400 for a bad period, and no person anywhere."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import networkx as nx
import pytest
from django.test import Client
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.core.models import AuditEvent
from samskab.landscape import exports, services
from samskab.landscape.models import LandscapeRun
from tests.conftest import give_role, make_person
from tests.landscape.test_services import END, START, World

pytestmark = pytest.mark.django_db

Q = {"fra": START.isoformat(), "til": END.isoformat()}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS_BACKEND = "immediate"


@pytest.fixture
def world(town_a, monkeypatch):
    from samskab.landscape import sources

    w = World(town_a)
    monkeypatch.setattr(sources, "collect", lambda m, start, end: w.report(start, end))
    services.compute(town_a.municipality, START, END)
    return w


def client_for(person) -> Client:
    c = Client()
    if person is not None:
        c.force_login(person)
    return c


def base(world) -> str:
    return f"/api/municipalities/{world.town.municipality.code}/landscape"


def doc(world) -> dict:
    with scope(municipality=world.town.municipality):
        return services.latest(world.town.municipality, START, END).data


def test_graphml_parses_with_networkx_and_keeps_the_measures(world):
    d = doc(world)
    graph = nx.read_graphml(io.StringIO(exports.graphml(d)))
    actors = [n for n, kind in graph.nodes(data="kind") if not kind.startswith("arena:")]
    assert len(actors) == len(d["actors"])
    ties = [e for e in graph.edges(data="relation") if e[2] == "tie"]
    assert len(ties) == len(d["ties"])
    # The challenges, rooms and initiatives are nodes too, tied to the actors that took part.
    arenas = {n: kind for n, kind in graph.nodes(data="kind") if kind.startswith("arena:")}
    assert set(arenas) == {"arena:" + key for key in d["arenas"]}
    member = next(a for a in d["actors"] if a["arenas"])
    assert graph.edges[member["id"], "arena:" + member["arenas"][0]]["relation"] == "takes_part"
    actor = d["actors"][0]
    node = graph.nodes[actor["id"]]
    assert node["label"] == actor["label"]
    assert node["sector"] == actor["sector"]
    assert node["betweenness"] == pytest.approx(actor["betweenness"])
    assert isinstance(node["broker"], bool)
    tie = d["ties"][0]
    assert graph.edges[tie["a"], tie["b"]]["weight"] == pytest.approx(tie["weight"])


def test_graphml_escapes_and_drops_what_xml_cannot_hold():
    d = {
        "actors": [
            {"id": 'org:1"<', "label": "A & B <c> \x07", "broker": True, "constraint": None},
            {"id": "org:2", "label": "Ø"},
        ],
        "ties": [{"a": 'org:1"<', "b": "org:2", "weight": 1, "kinds": {"comment": 1}}],
    }
    graph = nx.read_graphml(io.StringIO(exports.graphml(d)))
    assert graph.nodes['org:1"<']["label"] == "A & B <c> "
    assert "constraint" not in graph.nodes['org:1"<']


def test_csv_neutralises_formulas_and_has_every_actor(world):
    d = doc(world)
    d["actors"][0]["label"] = "=HYPERLINK(1)"
    rows = list(csv.reader(io.StringIO(exports.actors_csv(d).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Id", "Navn", "Sektor", "Type"]
    assert len(rows) == len(d["actors"]) + 1
    assert rows[1][1] == "'=HYPERLINK(1)"
    ties = list(csv.reader(io.StringIO(exports.ties_csv(d).lstrip("\ufeff")), delimiter=";"))
    assert len(ties) == len(d["ties"]) + 1
    assert ties[0][:3] == ["Aktør A", "Aktør B", "Vægt"]


def test_staff_read_the_network_as_json(world):
    r = client_for(world.town.member).get(base(world), Q)
    assert r.status_code == 200
    body = r.json()
    d = doc(world)
    assert body["nodes"] == d["actors"]
    assert body["ties"] == d["ties"]
    assert body["measures"] == d["measures"]
    assert body["computed_at"] is not None and body["pending"] is False
    assert body["start"] == "2026-01-01"


def test_staff_read_graphml_and_csv(world):
    c = client_for(world.town.member)
    r = c.get(base(world) + "/network.graphml", Q)
    assert r.status_code == 200 and "graphml" in r["Content-Type"]
    graph = nx.read_graphml(io.BytesIO(r.content))
    kinds = [kind for _n, kind in graph.nodes(data="kind")]
    assert sum(not k.startswith("arena:") for k in kinds) == len(doc(world)["actors"])
    for name in ("actors.csv", "ties.csv"):
        r = c.get(f"{base(world)}/{name}", Q)
        assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
        assert r.content.decode("utf-8").startswith("\ufeff")


def test_a_period_never_computed_is_empty_not_an_error(world):
    r = client_for(world.town.member).get(base(world), {"fra": "2020-01-01", "til": "2020-02-01"})
    assert r.status_code == 200
    assert r.json()["nodes"] == [] and r.json()["computed_at"] is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"fra": "2026-02-30", "til": "2026-03-01"}, "ikke en dato"),
        ({"fra": "nonsense"}, "ikke en dato"),
        ({"fra": "2026-06-01", "til": "2026-01-01"}, "før den begynder"),
    ],
)
@pytest.mark.parametrize("path", ["", "/network.graphml", "/actors.csv", "/ties.csv"])
def test_a_bad_period_is_a_clear_400(world, query, message, path):
    r = client_for(world.town.member).get(base(world) + path, query)
    assert r.status_code == 400
    assert message in r.json()["detail"]


@pytest.mark.parametrize("path", ["", "/network.graphml", "/actors.csv", "/ties.csv"])
def test_people_outside_the_municipality_and_citizens_get_404(world, path):
    with scopes_disabled():
        citizen = make_person("borger@kbh.test")
        give_role(citizen, world.town.municipality, Role.CITIZEN)
    for person in (None, citizen, world.town.outsider):
        r = client_for(person).get(base(world) + path, Q)
        assert r.status_code == 404, (person, path)
    r = client_for(world.town.member).get("/api/municipalities/0751/landscape" + path, Q)
    assert r.status_code == 404


def test_no_person_in_any_export(world):
    c = client_for(world.town.owner)
    bodies = [c.get(base(world) + p, Q).content.decode() for p in ("", "/network.graphml")]
    bodies += [c.get(base(world) + p, Q).content.decode() for p in ("/actors.csv", "/ties.csv")]
    with scopes_disabled():
        from samskab.accounts.models import User

        people = list(User.objects.values_list("email", "display_name"))
    for body in bodies:
        for email, name in people:
            assert email not in body
            assert name not in body


def _audits() -> int:
    with scopes_disabled():
        return AuditEvent.objects.filter(action="landscape.refresh_requested").count()


def test_refresh_over_the_api(world, django_capture_on_commit_callbacks):
    url = base(world) + "/refresh?fra=2026-01-01&til=2026-03-31"
    assert client_for(None).post(url).status_code == 401
    assert client_for(world.town.member).post(url).status_code == 403
    assert client_for(world.town.outsider).post(url).status_code == 404
    assert _audits() == 0
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(world.town.owner).post(url)
    assert r.status_code == 202, r.content
    assert r.json()["start"] == "2026-01-01"
    assert _audits() == 1
    with scope(municipality=world.town.municipality):
        run = services.latest(world.town.municipality, date(2026, 1, 1), date(2026, 3, 31))
    assert run.computed_at is not None
    bad = client_for(world.town.owner).post(base(world) + "/refresh?fra=2026-04-01&til=2026-01-01")
    assert bad.status_code == 400 and "før den begynder" in bad.json()["detail"]
    with scopes_disabled():
        assert LandscapeRun.objects.count() == 2


def test_the_openapi_schema_lists_the_routes(world):
    schema = json.loads(Client().get("/api/openapi.json").content)
    paths = [p for p in schema["paths"] if "/landscape" in p]
    assert "/api/municipalities/{code}/landscape" in paths
    assert "/api/municipalities/{code}/landscape/refresh" in paths
