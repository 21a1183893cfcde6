"""The landscape's services: computing and storing the document, asking for a refresh (rules,
audit, background task), the periods, and the management command.

The activity comes from hand-made records (`sources.collect` patched); the directory is real
(organisations and affiliations in the database). The document's content is checked against
the format in `samskab.landscape.results`.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Affiliation, Organisation, Role
from samskab.core.activity import Activity, ActivityReport, Arena
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.landscape import services, sources
from samskab.landscape.models import LandscapeRun
from tests.conftest import Town, give_role, make_person

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 6, 30)
DAY = date(2026, 3, 3)

ACTOR_KEYS = {
    "id", "label", "sector", "kind", "department", "x", "y", "island", "community", "degree",
    "weight", "betweenness", "constraint", "effective_size", "ei", "broker", "cut_point", "hub",
    "arenas",
}  # fmt: skip
TOP_KEYS = {
    "version", "period", "min_group_size", "seed", "actors", "ties", "arenas", "islands",
    "communities", "measures", "weaving", "suggestions", "involvement", "change",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS_BACKEND = "immediate"


class World:
    """Three islands in one town: a forvaltning with a unit and an association around one
    challenge (and a business tied to the unit only through a room: a bridge and a broker),
    two associations around another, two businesses around a third; plus five citizens."""

    def __init__(self, town: Town):
        m = town.municipality
        with scopes_disabled():

            def org(name, kind, level=None, parent=None):
                return Organisation.objects.create(
                    municipality=m, name=name, kind=kind, level=level, parent=parent
                )

            self.culture = org("Kultur og Fritid", "department", 1)
            self.library = org("Biblioteket", "department", 2, self.culture)
            self.rowing = org("Roklubben", "association")
            self.scouts = org("Spejderne", "association")
            self.choir = org("Koret", "association")
            self.bakery = org("Bageriet", "business")
            self.bikes = org("Cykelværkstedet", "business")
            self.carpenter = org("Tømreren", "business")
            self.staff = []
            for i in range(6):
                p = make_person(f"ansat{i}@kbh.test")
                give_role(p, m, Role.EMPLOYEE)
                Affiliation.objects.create(
                    municipality=m, person=p, organisation=self.library, staff_level=4
                )
                self.staff.append(p)
            self.people = {}
            for name, o in [
                ("ro", self.rowing),
                ("spejder", self.scouts),
                ("kor", self.choir),
                ("bager", self.bakery),
                ("cykel", self.bikes),
                ("tømrer", self.carpenter),
            ]:
                p = make_person(f"{name}@kbh.test")
                Affiliation.objects.create(municipality=m, person=p, organisation=o)
                self.people[name] = p
            self.citizens = [make_person(f"borger{i}@kbh.test").pk for i in range(5)]
        self.town = town

    def report(self, start, end) -> ActivityReport:
        if not (start <= DAY <= end):
            return ActivityReport()
        p = {k: v.pk for k, v in self.people.items()}
        arenas = (
            Arena("challenge:1", "challenge", "Ensomhed", True, "/u/1", categories=("social",)),
            Arena("challenge:2", "challenge", "Klima", True, "/u/2", categories=("social",)),
            Arena("challenge:3", "challenge", "Handel", True, "/u/3"),
            Arena("room:9", "room", "Lukket rum", False, "/r/9"),
        )
        acts = [
            Activity("idea", DAY, "challenge:1", person_id=self.staff[0].pk),
            Activity("idea", DAY, "challenge:1", person_id=self.staff[1].pk),
            Activity("comment", DAY, "challenge:1", person_id=p["ro"]),
            Activity("room", DAY, "room:9", person_id=p["ro"]),
            Activity("room", DAY, "room:9", person_id=p["bager"]),
            Activity("idea", DAY, "challenge:2", person_id=p["spejder"]),
            Activity("support", DAY, "challenge:2", person_id=p["kor"]),
            Activity("idea", DAY, "challenge:3", person_id=p["cykel"]),
            Activity("idea", DAY, "challenge:3", person_id=p["tømrer"]),
            Activity("vote", DAY, "challenge:1"),  # anonymous
        ] + [Activity("support", DAY, "challenge:1", person_id=c) for c in self.citizens]
        return ActivityReport(arenas, tuple(acts))


@pytest.fixture
def world(town_a, monkeypatch) -> World:
    w = World(town_a)
    monkeypatch.setattr(sources, "collect", lambda m, start, end: w.report(start, end))
    return w


def test_compute_stores_the_document_in_the_documented_format(world, settings):
    settings.SAMSKAB_MIN_GROUP_SIZE = 5
    run = services.compute(world.town.municipality, START, END)
    doc = run.data
    assert set(doc) == TOP_KEYS
    json.dumps(doc)  # JSON only
    assert doc["period"] == {"start": "2026-01-01", "end": "2026-06-30"}
    assert doc["min_group_size"] == 5
    ids = [a["id"] for a in doc["actors"]]
    assert ids == sorted(ids)
    assert "borgere:challenge:1" in ids
    for actor in doc["actors"]:
        assert set(actor) == ACTOR_KEYS
        assert 0 <= actor["x"] <= 1 and 0 <= actor["y"] <= 1
    by_id = {a["id"]: a for a in doc["actors"]}
    library = by_id[f"org:{world.library.pk}"]
    assert library["department"] == f"org:{world.culture.pk}"
    assert library["sector"] == "kommune"
    assert by_id["borgere:challenge:1"]["label"] == "Borgere i Ensomhed"
    assert doc["measures"]["islands"] == 3
    assert len(doc["islands"]) == 3
    rowing = f"org:{world.rowing.pk}"
    assert by_id[rowing]["broker"] and by_id[rowing]["cut_point"]
    bakery = f"org:{world.bakery.pk}"
    (tie,) = [t for t in doc["ties"] if bakery in (t["a"], t["b"])]
    assert tie["bridge"] and tie["kinds"] == {"shared:room": 1}
    assert tie["first"] == tie["last"] == DAY.isoformat()
    assert doc["suggestions"]
    assert doc["arenas"]["room:9"] == {"label": "", "kind": "room", "public": False, "url": ""}
    assert doc["arenas"]["challenge:1"]["label"] == "Ensomhed"
    assert doc["change"] is None
    row = {r["department"]: r for r in doc["involvement"]}[f"org:{world.culture.pk}"]
    staff = row["levels"][3]
    assert (staff["people"], staff["took_part"]) == (6, 2)
    assert staff["by_kind"] == {"idea": None}
    assert run.computed_at is not None and run.pending_since is None and run.error == ""


def test_no_person_appears_in_the_document(world):
    doc = services.compute(world.town.municipality, START, END).data
    text = json.dumps(doc, ensure_ascii=False)
    with scopes_disabled():
        from samskab.accounts.models import User

        for user in User.objects.all():
            assert user.email not in text
            assert f'"person:{user.pk}"' not in text


def test_a_citizen_group_below_the_minimum_is_left_out(world, settings):
    settings.SAMSKAB_MIN_GROUP_SIZE = 6
    doc = services.compute(world.town.municipality, START, END).data
    assert all(a["sector"] != "borger" for a in doc["actors"])


def test_the_same_input_gives_the_same_document(world):
    first = services.compute(world.town.municipality, START, END).data
    second = services.compute(world.town.municipality, START, END).data
    assert first == second
    with scope(municipality=world.town.municipality):
        assert LandscapeRun.objects.count() == 1


def test_change_against_the_previous_period(world):
    # 2026-03-03 lies in the previous period of 2026-03-04 … 2026-06-30's length.
    doc = services.compute(world.town.municipality, date(2026, 3, 4), date(2026, 12, 31)).data
    assert doc["actors"] == []
    change = doc["change"]
    assert change["previous"] == {"start": "2025-05-05", "end": "2026-03-03"}
    assert change["islands_before"] == 3 and change["islands_after"] == 0
    assert change["actors_removed"] and change["actors_added"] == []


def test_an_empty_period_is_an_empty_document(world):
    doc = services.compute(world.town.municipality, date(2020, 1, 1), date(2020, 2, 1)).data
    assert doc["actors"] == [] and doc["ties"] == [] and doc["islands"] == []
    assert doc["measures"]["actors"] == 0
    assert doc["weaving"]["stage"] == "empty"
    assert doc["change"] is None


def _audits(action: str) -> int:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=action).count()


def test_request_refresh_is_refused_without_the_rule(world, towns):
    m = world.town.municipality
    for who in (world.town.member, world.town.outsider, None):
        with pytest.raises(ServiceError):
            services.request_refresh(who, m, START, END)
    with scopes_disabled():
        outsider_admin = make_person("admin@elsewhere.test")
        from samskab.municipalities.models import Municipality

        give_role(outsider_admin, Municipality.objects.get(code="0751"), Role.ADMINISTRATOR)
    with pytest.raises(ServiceError):
        services.request_refresh(outsider_admin, m, START, END)
    assert _audits("landscape.refresh_requested") == 0
    with scopes_disabled():
        assert not LandscapeRun.objects.exists()


def test_request_refresh_audits_and_runs_the_task_on_commit(
    world, django_capture_on_commit_callbacks
):
    m = world.town.municipality
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.request_refresh(world.town.owner, m, START, END)
        assert run.pending_since is not None
    assert len(callbacks) == 1
    assert _audits("landscape.refresh_requested") == 1
    with scope(municipality=m):
        run = services.latest(m, START, END)
    assert run.computed_at is not None and run.pending_since is None
    assert run.data["measures"]["islands"] == 3


def test_a_second_request_while_pending_queues_nothing_more(
    world, django_capture_on_commit_callbacks
):
    m = world.town.municipality
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.request_refresh(world.town.owner, m, START, END)
        services.request_refresh(world.town.owner, m, START, END)
    assert len(callbacks) == 1
    assert _audits("landscape.refresh_requested") == 2


def test_a_failed_computation_keeps_the_last_result(world, monkeypatch):
    from samskab.landscape.tasks import compute_landscape

    m = world.town.municipality
    services.compute(m, START, END)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sources, "collect", broken)
    result = compute_landscape.enqueue(m.pk, START.isoformat(), END.isoformat())
    assert result.return_value is False
    with scope(municipality=m):
        run = services.latest(m, START, END)
    assert run.error == "RuntimeError: boom"
    assert run.data["measures"]["islands"] == 3


def test_a_reversed_period_is_refused(world):
    with pytest.raises(ServiceError, match="før den begynder"):
        services.request_refresh(world.town.owner, world.town.municipality, END, START)


@pytest.mark.parametrize(
    ("fra", "til", "message"),
    [
        ("2026-13-01", "2026-12-31", "ikke en dato"),
        ("i går", None, "ikke en dato"),
        ("2026-06-01", "2026-01-01", "før den begynder"),
        ("1990-01-01", "2026-01-01", "højst fem år"),
    ],
)
def test_parse_period_refuses_bad_input(fra, til, message):
    with pytest.raises(ServiceError, match=message):
        services.parse_period(fra, til, date(2026, 12, 2))


def test_periods():
    today = date(2026, 12, 2)
    assert services.default_period(today) == (date(2025, 12, 3), today)
    assert services.default_period(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))
    assert services.parse_period(None, None, today) == services.default_period(today)
    assert services.parse_period("2026-01-01", "2026-01-31", today) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
    )
    assert services.previous_period(date(2026, 1, 11), date(2026, 1, 20)) == (
        date(2026, 1, 1),
        date(2026, 1, 10),
    )
    choices = services.period_choices(today)
    assert choices[0][2:] == services.default_period(today)
    assert all(start <= end for _k, _l, start, end in choices)


def test_export_url(world):
    url = services.export_url(world.town.municipality, "graphml")
    assert url == f"/api/municipalities/{world.town.municipality.code}/landscape/network.graphml"
    assert services.export_url(world.town.municipality, "nothing") == ""


def test_the_management_command(world, capsys):
    m = world.town.municipality
    call_command("analyse_landscape", m.slug, "--fra", "2026-01-01", "--til", "2026-06-30")
    assert "3 øer" in capsys.readouterr().out
    with scope(municipality=m):
        assert services.latest(m, START, END).data["measures"]["islands"] == 3
    with pytest.raises(CommandError, match="findes ikke"):
        call_command("analyse_landscape", "atlantis")
    with pytest.raises(CommandError, match="før den begynder"):
        call_command("analyse_landscape", m.code, "--fra", "2026-06-01", "--til", "2026-01-01")


def test_with_the_real_sources(town_a):
    """The whole path through the capabilities' own read functions and the directory."""
    from samskab.challenges import services as challenges

    m = town_a.municipality
    with scopes_disabled():
        rowing = Organisation.objects.create(municipality=m, name="Roklubben", kind="association")
        bakery = Organisation.objects.create(municipality=m, name="Bageriet", kind="business")
        people = []
        for name, org, role in (("ro", rowing, Role.ASSOCIATION), ("bager", bakery, Role.BUSINESS)):
            p = make_person(f"{name}@kbh.test")
            give_role(p, m, role)
            Affiliation.objects.create(municipality=m, person=p, organisation=org)
            people.append(p)
    with scope(municipality=m):
        challenge = challenges.pose_challenge(
            town_a.public_space, town_a.owner, title="Havnen", description="Hvad skal der ske?"
        )
        for p in people:
            challenges.submit_idea(challenge, p, title=f"Idé fra {p.email}", body="Sådan.")
        today = timezone.localdate()
        doc = services.compute(m, *services.default_period(today)).data
    labels = {a["label"] for a in doc["actors"]}
    assert {"Roklubben", "Bageriet"} <= labels
    (tie,) = [
        t for t in doc["ties"] if {t["a"], t["b"]} == {f"org:{rowing.pk}", f"org:{bakery.pk}"}
    ]
    assert tie["kinds"] == {"shared:challenge": 1}
    assert doc["arenas"][f"challenge:{challenge.pk}"]["label"] == "Havnen"


def test_the_nightly_run_queues_every_municipality_with_people(
    world, town_b, capsys, django_capture_on_commit_callbacks
):
    """`analyse_landscape --alle` (cron) computes the last 12 months wherever someone holds a
    role, and leaves the municipalities no one uses alone."""
    from samskab.municipalities.models import Municipality

    with django_capture_on_commit_callbacks(execute=True):
        call_command("analyse_landscape", "--alle")
    assert "kommuner sat i kø" in capsys.readouterr().out
    today = timezone.localdate()
    m = world.town.municipality
    with scope(municipality=m):
        run = services.latest(m, *services.default_period(today))
        assert run.data["measures"]["islands"] == 3
    with scopes_disabled():
        unused = Municipality.objects.exclude(pk__in=[m.pk, town_b.municipality.pk]).first()
        assert not LandscapeRun.objects.filter(municipality=unused).exists()
    with pytest.raises(CommandError, match="Angiv en kommune"):
        call_command("analyse_landscape")


def test_without_a_period_the_page_shows_last_nights_landscape(world, client):
    """The default period moves every day; until today's is computed, the page shows the
    newest 12-month landscape of the past week instead of 'not computed'."""
    from datetime import timedelta

    m = world.town.municipality
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    with scope(municipality=m):
        services.compute(m, *services.default_period(yesterday))
        assert services.recent(m, today).end == yesterday
        assert services.recent(m, today + timedelta(days=8)) is None
    admin = make_person("chef@example.dk")
    give_role(admin, m, Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(f"/kommuner/{m.slug}/landskab/")
    assert page.status_code == 200
    assert page.context["state"] == "ready"
    assert page.context["period"] == services.default_period(yesterday)
    # The dashboard's landscape figures come from the same picture.
    from samskab.landscape import dashboard

    with scope(municipality=m):
        board = dashboard.gather(admin, m, *services.default_period(today))
    assert [f.value for f in board.figures if f.key == "oeer"] == [3]
    # An explicit period is taken as asked, even when it has not been computed.
    start, end = services.default_period(today)
    asked = client.get(
        f"/kommuner/{m.slug}/landskab/", {"fra": start.isoformat(), "til": end.isoformat()}
    )
    assert asked.context["state"] == "missing"
