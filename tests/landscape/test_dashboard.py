"""The movement dashboard (`/kommuner/<slug>/overblik/`, its CSV and JSON, and the API): the
figures on a data set made through the real services, the minimum group size everywhere, who
may see it, bad periods, and a query count that does not grow with the data."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import (
    Affiliation,
    DepartmentLevel,
    Organisation,
    OrganisationKind,
    Role,
    StaffLevel,
)
from samskab.challenges import services as challenge_services
from samskab.challenges.models import Phase
from samskab.complexity import services as complexity_services
from samskab.core.activity import Activity, ActivityReport
from samskab.initiatives import services as initiative_services
from samskab.landscape import dashboard
from samskab.landscape.models import LandscapeRun
from samskab.opinions import services as opinion_services
from samskab.opinions.models import ConversationAnalysis, Statement
from tests.conftest import Town, give_role, make_person
from tests.landscape.documents import make_document

pytestmark = pytest.mark.django_db

N = 3  # the minimum group size in these tests


@pytest.fixture(autouse=True)
def _small_groups(settings: Any) -> None:
    settings.SAMSKAB_MIN_GROUP_SIZE = N
    settings.TASKS_BACKEND = "immediate"


@dataclass
class World:
    town: Town
    start: date
    end: date
    challenge: Any
    other_challenge: Any
    citizens: list[Any]
    employees: list[Any]
    leader: Any
    mayor: Any
    conversation: Any
    initiative: Any

    @property
    def municipality(self) -> Any:
        return self.town.municipality

    def url(self, name: str = "") -> str:
        base = f"/kommuner/{self.municipality.slug}/overblik/"
        query = f"?fra={self.start.isoformat()}&til={self.end.isoformat()}"
        return base + name + query


def _person(town: Town, email: str, role: str | None) -> Any:
    found = make_person(email, email.split("@")[0].title())
    if role:
        give_role(found, town.municipality, role)
    return found


def _build(town: Town, *, citizens: int = 4, employees: int = 3, prefix: str = "") -> World:
    """Owner (administrator) poses two challenges; `citizens` citizens submit ideas, `employees`
    employees (staff level medarbejder) support the first idea, a leader (staff level leder)
    comments on it. Everything happens today."""
    m = town.municipality
    with scopes_disabled():
        people_c = [
            _person(town, f"{prefix}borger{i}@kbh.test", Role.CITIZEN) for i in range(citizens)
        ]
        people_e = [
            _person(town, f"{prefix}ansat{i}@kbh.test", Role.EMPLOYEE) for i in range(employees)
        ]
        leader = _person(town, f"{prefix}leder@kbh.test", Role.MANAGER)
        mayor = _person(town, f"{prefix}borgmester@kbh.test", Role.MAYOR)
    with scope(municipality=m):
        department = Organisation.objects.create(
            municipality=m,
            name=f"{prefix}Kultur og Fritid",
            kind=OrganisationKind.DEPARTMENT,
            level=DepartmentLevel.ADMINISTRATION,
        )
        for person in people_e:
            Affiliation.objects.create(
                municipality=m,
                person=person,
                organisation=department,
                staff_level=StaffLevel.EMPLOYEE,
            )
        Affiliation.objects.create(
            municipality=m, person=leader, organisation=department, staff_level=StaffLevel.MANAGER
        )
        challenge = challenge_services.pose_challenge(
            town.public_space, town.owner, title=f"{prefix}Hvordan mindsker vi ensomhed?"
        )
        other = challenge_services.pose_challenge(
            town.public_space, town.owner, title=f"{prefix}Hvor skal byens nye park ligge?"
        )
        challenge_services.set_phase(other, town.owner, Phase.PRIORITISATION)
        ideas = [
            challenge_services.submit_idea(
                challenge, c, title=f"Idé {i}", body="Lad os mødes hver torsdag."
            )
            for i, c in enumerate(people_c)
        ]
        for e in people_e:
            challenge_services.support(ideas[0], e)
        challenge_services.add_comment(ideas[0], leader, body="God idé, lad os prøve den.")
        round_ = complexity_services.open_round(challenge, town.owner)
        for c in people_c[:3]:
            complexity_services.rate(round_, c, agreement=2, certainty=2)
        conversation = opinion_services.create_conversation(
            town.public_space,
            town.owner,
            title=f"{prefix}Parken",
            statements=["Parken skal have træer", "Parken skal have en legeplads"],
        )
        initiative = initiative_services.create_initiative(
            town.owner, space=town.public_space, title=f"{prefix}Spisefællesskaber"
        )
        initiative_services.add_budget_line(
            initiative, town.owner, title="Mad", amount=Decimal("1234.50")
        )
        initiative_services.add_budget_line(
            initiative, town.owner, title="Lokaler", amount=Decimal("1000.00")
        )
    today = timezone.localdate()
    return World(
        town,
        today.replace(day=1),
        today,
        challenge,
        other,
        people_c,
        people_e,
        leader,
        mayor,
        conversation,
        initiative,
    )


@pytest.fixture
def world(town_a: Town) -> World:
    return _build(town_a)


def _store_map(world: World) -> None:
    """An opinion map with two groups: both agree with the first statement (fælles grund), only
    one with the second."""
    with scope(municipality=world.municipality):
        first, second = (
            Statement.objects.filter(conversation=world.conversation)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        a, b = str(first), str(second)
        data = {
            "format": 1,
            "n_participants": 8,
            "statements": {
                a: {"agree": 7, "disagree": 1, "seen": 8, "gic": 0.5, "ric": 0.5},
                b: {"agree": 4, "disagree": 4, "seen": 8, "gic": 0.2, "ric": 0.2},
            },
            "groups": [
                {"id": 0, "size": 4, "counts": {a: [4, 0, 4], b: [4, 0, 4]}, "repness": []},
                {"id": 1, "size": 4, "counts": {a: [3, 1, 4], b: [0, 4, 4]}, "repness": []},
            ],
            "roles": [],
            "consensus": {"agree": [], "disagree": []},
        }
        ConversationAnalysis.objects.update_or_create(
            conversation=world.conversation,
            defaults={"municipality": world.municipality, "data": data},
        )


def _store_landscape(world: World) -> dict[str, Any]:
    doc = make_document(
        actors=20, islands=3, start=world.start.isoformat(), end=world.end.isoformat()
    )
    with scope(municipality=world.municipality):
        LandscapeRun.objects.create(
            municipality=world.municipality,
            start=world.start,
            end=world.end,
            data=doc,
            computed_at=timezone.now(),
        )
    return doc


def _gather(world: World, user: Any = None) -> dashboard.Dashboard:
    with scope(municipality=world.municipality):
        return dashboard.gather(
            user or world.town.owner, world.municipality, world.start, world.end
        )


def _values(board: dashboard.Dashboard, section: str) -> dict[str, Any]:
    return {f.key: f.value for f in board.section(section)}


# -- the figures -----------------------------------------------------------------------------


def test_participation_by_role_and_level(world: World) -> None:
    board = _gather(world)
    month = world.start.strftime("%Y-%m")
    # Roles with at least N holders have a column; the leader, the administrator and the mayor
    # (one each) count together as "Andre".
    assert [key for key, _label in board.roles.columns] == [
        Role.CITIZEN,
        Role.EMPLOYEE,
        "andre",
        "i_alt",
    ]
    ((label, key, row),) = board.roles.rows
    assert key == month
    cells = {f.key: f for f in row}
    assert cells[Role.CITIZEN].value == 4  # four citizens' ideas
    # Andre: the owner (posed, opened the round) and the leader (commented) = 2 < N, hidden,
    # and so the next smallest, the 3 employees, too: else 9 − 4 − 3 gives it away.
    assert cells["andre"].value is None and cells["andre"].suppressed
    assert cells[Role.EMPLOYEE].value is None
    assert cells["i_alt"].value == 4 + 3 + 2
    assert cells["andre"].display == f"færre end {N}"
    levels = {f.key: f.value for f in board.levels.rows[0][2]}
    assert levels == {"direktion": None, "chefer": None, "ledere": None, "medarbejdere": 3}


def test_status_figures(world: World) -> None:
    _store_map(world)
    board = _gather(world)
    assert _values(board, dashboard.SECTION_PHASES) == {
        "ideas": 1,
        "prioritisation": 1,
        "decision": 0,
        "followup": 0,
    }
    with scope(municipality=world.municipality):
        zone = complexity_services.latest_zone(world.challenge)
    zones = _values(board, dashboard.SECTION_ZONES)
    assert zone is not None and zones[str(zone)] == 1
    assert zones["ikke_vurderet"] == 1 and sum(zones.values()) == 2
    opinions = _values(board, dashboard.SECTION_OPINIONS)
    c = world.conversation.pk
    assert opinions[f"samtale:{c}:udsagn"] == 2
    assert opinions[f"samtale:{c}:faelles"] == 1
    assert (opinions["samtaler"], opinions["udsagn"], opinions["faelles"]) == (1, 2, 1)
    statuses = _values(board, dashboard.SECTION_INITIATIVES)
    assert statuses["planning"] == 1 and statuses["i_alt"] == 1
    economy = {f.key: f for f in board.section(dashboard.SECTION_ECONOMY)}
    assert economy["budget"].value == Decimal("2234.50")
    assert economy["budget"].display == "2.234,50 kr."
    assert economy["tilsagn"].display == "0,00 kr."


def test_invite_only_content_is_not_counted_for_those_outside(world: World) -> None:
    with scope(municipality=world.municipality):
        challenge_services.pose_challenge(
            world.town.invite_space, world.town.owner, title="Lukket udfordring"
        )
    assert _values(_gather(world), dashboard.SECTION_PHASES)["ideas"] == 2
    employee = world.town.member
    assert _values(_gather(world, employee), dashboard.SECTION_PHASES)["ideas"] == 1


def test_another_municipality_is_never_counted(world: World, town_b: Town) -> None:
    before = _gather(world).figures
    _store_map(_build(town_b, prefix="b"))
    assert _gather(world).figures == before


def test_a_group_below_the_minimum_is_no_group_for_common_ground(world: World) -> None:
    _store_map(world)
    with scope(municipality=world.municipality):
        analysis = ConversationAnalysis.objects.get(conversation=world.conversation)
        analysis.data["groups"][1]["size"] = N - 1
        analysis.save()
    opinions = _values(_gather(world), dashboard.SECTION_OPINIONS)
    assert opinions["udsagn"] == 2 and opinions["faelles"] == 0


def test_landscape_figures(world: World) -> None:
    board = _gather(world)
    assert board.computed_at is None and board.section(dashboard.SECTION_LANDSCAPE) == []
    doc = _store_landscape(world)
    board = _gather(world)
    assert board.computed_at is not None
    figures = _values(board, dashboard.SECTION_LANDSCAPE)
    assert figures["oeer"] == len(doc["islands"]) == 3
    assert figures["aktoerer"] == len(doc["actors"])
    assert figures["baand"] == len(doc["ties"])
    assert figures["oe:1"] == len(doc["islands"][0]["members"])
    assert len([k for k in figures if k.startswith("forslag:")]) == len(doc["suggestions"])


def test_anonymous_acts_never_count_for_a_person(world: World, monkeypatch: Any) -> None:
    day = world.end
    acts = tuple(Activity("vote", day, "conversation:1") for _ in range(10))
    monkeypatch.setattr(dashboard.sources, "collect", lambda *a: ActivityReport((), acts))
    board = _gather(world)
    assert {f.key: f.value for f in board.roles.rows[0][2]}["i_alt"] is None  # 0 < N


def test_secondary_suppression() -> None:
    hide = dashboard._suppress
    assert hide({"a": 10, "b": 1, "c": 7, "t": 18}, total="t") == {
        "a": 10,
        "b": None,
        "c": None,
        "t": 18,
    }
    assert hide({"a": 1, "t": 1}, total="t") == {"a": None, "t": None}
    assert hide({"a": 10, "b": 0, "c": 1}) == {"a": 10, "b": None, "c": None}
    assert hide({"a": 10, "b": 2}) == {"a": None, "b": None}


def test_months_of_a_period() -> None:
    assert dashboard.months(date(2025, 11, 15), date(2026, 2, 1)) == [
        (2025, 11),
        (2025, 12),
        (2026, 1),
        (2026, 2),
    ]


# -- the page, the exports and the API ---------------------------------------------------------


def test_page_shows_the_figures(client: Any, world: World) -> None:
    _store_landscape(world)
    client.force_login(world.mayor)
    response = client.get(world.url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Overblik over samskabelsen" in page
    assert "2.234,50 kr." in page
    assert f"færre end {N}" in page
    assert "Beregnet" in page
    assert f"/kommuner/{world.municipality.slug}/landskab/" in page
    assert "tal.csv" in page and "tal.json" in page


def test_page_says_when_the_landscape_is_not_computed(client: Any, world: World) -> None:
    client.force_login(world.town.owner)
    page = client.get(world.url()).content.decode()
    assert "ikke beregnet endnu" in page


def _csv(content: bytes) -> list[dict[str, str]]:
    """The API's machine CSV (comma, English headers)."""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


PAGE_HEADERS = {
    "Afsnit": "section",
    "Nøgle": "key",
    "Betegnelse": "label",
    "Periode": "period",
    "Værdi": "value",
    "Vist som": "display",
}


def _page_csv(content: bytes) -> list[dict[str, str]]:
    """The page's CSV for Danish Excel (BOM, ";", Danish headers), keyed like the API's."""
    assert content.startswith("\ufeff".encode())
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    return [{PAGE_HEADERS[k]: v for k, v in row.items()} for row in reader]


def test_hidden_counts_are_never_numbers_anywhere(client: Any, world: World) -> None:
    client.force_login(world.town.owner)
    month = world.start.strftime("%Y-%m")
    # The page: the hidden cells say so.
    page = client.get(world.url()).content.decode()
    assert page.count(f"færre end {N}") >= 5
    # The CSV.
    rows = _page_csv(client.get(world.url("tal.csv")).content)
    andre = next(r for r in rows if r["section"] == "deltagelse_rolle" and r["key"] == "andre")
    assert andre["period"] == month
    assert andre["value"] == andre["display"] == f"færre end {N}"
    assert {r["key"]: r["value"] for r in rows if r["section"] == "deltagelse_niveau"} == {
        "direktion": f"færre end {N}",
        "chefer": f"færre end {N}",
        "ledere": f"færre end {N}",
        "medarbejdere": "3",
    }
    # The JSON export and the API give the same document.
    exported = json.loads(client.get(world.url("tal.json")).content)
    api = client.get(
        f"/api/municipalities/{world.municipality.code}/dashboard",
        {"fra": world.start.isoformat(), "til": world.end.isoformat()},
    )
    assert api.status_code == 200
    for doc in (exported, api.json()):
        assert doc["min_group_size"] == N
        cells = {f["key"]: f for f in doc["figures"] if f["section"] == "deltagelse_rolle"}
        assert cells["andre"]["value"] is None and cells["andre"]["suppressed"] is True
        assert cells["andre"]["display"] == f"færre end {N}"
        assert cells["medarbejder"]["value"] is None
        assert cells["borger"]["value"] == 4
    assert exported["figures"] == api.json()["figures"]
    api_csv = client.get(
        f"/api/municipalities/{world.municipality.code}/dashboard/csv",
        {"fra": world.start.isoformat(), "til": world.end.isoformat()},
    )
    assert api_csv.status_code == 200
    machine = _csv(api_csv.content)
    assert [(r["section"], r["key"], r["display"]) for r in machine] == [
        (r["section"], r["key"], r["display"]) for r in rows
    ]
    assert next(r for r in machine if r["key"] == "andre")["value"] == f"færre end {N}"
    # The xlsx holds the same cells as the page's CSV.
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get(world.url("tal.xlsx")).content)).active
    cells = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
    assert cells[0] == list(PAGE_HEADERS)
    assert [c[:2] for c in cells[1:]] == [[r["section"], r["key"]] for r in rows]


def test_csv_cells_are_neutralised(client: Any, world: World) -> None:
    with scope(municipality=world.municipality):
        opinion_services.create_conversation(
            world.town.public_space, world.town.owner, title='=HYPERLINK("x")'
        )
    client.force_login(world.town.owner)
    rows = _page_csv(client.get(world.url("tal.csv")).content)
    labels = [r["label"] for r in rows if r["section"] == "meningskort"]
    assert any(label.startswith("'=HYPERLINK") for label in labels)
    assert not any(label.startswith("=") for label in labels)


# -- who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "page", "api"),
    [
        ("anonymous", 302, 401),
        ("citizen", 403, 403),
        ("employee", 200, 200),
        ("mayor", 200, 200),
        ("foreign_admin", 403, 403),
    ],
)
def test_rule_matrix(
    client: Any, world: World, town_b: Town, who: str, page: int, api: int
) -> None:
    person = {
        "anonymous": None,
        "citizen": world.citizens[0],
        "employee": world.town.member,
        "mayor": world.mayor,
        "foreign_admin": town_b.owner,
    }[who]
    if person is not None:
        client.force_login(person)
    response = client.get(world.url())
    assert response.status_code == page
    if page == 302:
        assert "/login/" in response["Location"]
    for name in ("tal.csv", "tal.json"):
        assert client.get(world.url(name)).status_code == page
    code = world.municipality.code
    assert client.get(f"/api/municipalities/{code}/dashboard").status_code == api
    assert client.get(f"/api/municipalities/{code}/dashboard/csv").status_code == api


def test_rules() -> None:
    import rules

    assert rules.perm_exists("landscape.view_landscape")


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fra", "til", "words"),
    [
        ("2026-13-01", "2026-12-31", "Startdatoen er ikke en dato"),
        ("i går", "", "Startdatoen er ikke en dato"),
        ("2026-01-01", "31-12-2026", "Slutdatoen er ikke en dato"),
        ("2026-06-01", "2026-01-01", "Perioden slutter, før den begynder"),
        ("2000-01-01", "2026-01-01", "højst fem år"),
        ("2026-01-01\x00", "", "Startdatoen er ikke en dato"),
    ],
)
def test_bad_period(client: Any, world: World, fra: str, til: str, words: str) -> None:
    client.force_login(world.town.owner)
    base = f"/kommuner/{world.municipality.slug}/overblik/"
    response = client.get(base, {"fra": fra, "til": til})
    assert response.status_code == 400
    assert words in response.content.decode()
    for name in ("tal.csv", "tal.json"):
        found = client.get(base + name, {"fra": fra, "til": til})
        assert found.status_code == 400 and words in found.content.decode()
    api = client.get(
        f"/api/municipalities/{world.municipality.code}/dashboard", {"fra": fra, "til": til}
    )
    assert api.status_code == 400 and words in api.json()["detail"]


def test_unknown_municipality_is_404(client: Any, world: World) -> None:
    client.force_login(world.town.owner)
    assert client.get("/kommuner/ingen-kommune/overblik/").status_code == 404
    assert client.get("/api/municipalities/9999/dashboard").status_code == 404


def test_a_period_without_data_says_so(client: Any, world: World) -> None:
    client.force_login(world.town.owner)
    base = f"/kommuner/{world.municipality.slug}/overblik/"
    response = client.get(base, {"fra": "2020-01-01", "til": "2020-02-29"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ingen deltog i perioden" in page
    assert "2.234,50 kr." in page  # how things stand today is still shown


# -- query-flat --------------------------------------------------------------------------------


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_data(client: Any, town_a: Town) -> None:
    small = _build(town_a, citizens=2, employees=1, prefix="a")
    _store_map(small)
    _store_landscape(small)
    client.force_login(town_a.owner)
    url = small.url()
    before = _count(client, url)
    for i in range(3):
        more = _build(town_a, citizens=6, employees=5, prefix=f"x{i}")
        _store_map(more)
    with scope(municipality=town_a.municipality):
        # Months with activity too: backdate some of it.
        from samskab.challenges.models import Idea

        Idea.objects.filter(title="Idé 0").update(created_at=timezone.now() - timedelta(days=40))
    wide = small.url().replace(
        small.start.isoformat(), (small.start - timedelta(days=60)).isoformat()
    )
    assert _count(client, url) == before
    assert _count(client, wide) == before
    for name in ("tal.csv", "tal.json"):
        assert _count(client, small.url(name)) <= before
