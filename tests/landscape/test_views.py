"""The landscape page: who may see it, the period chooser and filters, the empty states, the
refresh button, and that it reads one row whatever the network's size."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from samskab.accounts.models import Role
from samskab.landscape import services
from samskab.landscape.models import LandscapeRun
from samskab.landscape.svg import anchor
from tests.conftest import give_role, make_person
from tests.landscape.documents import empty_document, make_document

pytestmark = pytest.mark.django_db


def page_url(town, **query: str) -> str:
    url = reverse("landscape:landscape", args=[town.municipality.slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def default_period() -> tuple[date, date]:
    return services.default_period(timezone.localdate())


def store(town, doc: dict | None = None, *, period=None, **fields) -> LandscapeRun:
    start, end = period or default_period()
    if doc is not None:
        doc = doc | {"period": {"start": start.isoformat(), "end": end.isoformat()}}
        fields.setdefault("computed_at", timezone.now())
    with scopes_disabled():
        return LandscapeRun.objects.create(
            municipality=town.municipality, start=start, end=end, data=doc or {}, **fields
        )


def person_with(town, role: str, email: str):
    person = make_person(email)
    with scopes_disabled():
        give_role(person, town.municipality, role)
    return person


# --- who may see it --------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, town_a):
    response = client.get(page_url(town_a))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "log" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("citizen", 403),
        ("outsider", 403),
        ("employee", 200),
        ("administrator", 200),
        ("mayor", 200),
        ("other_administrator", 403),
    ],
)
def test_rule_matrix_for_the_page(client, towns, who, status):
    town_a, town_b = towns
    store(town_a, make_document(12, 2))
    person = {
        "citizen": lambda: person_with(town_a, Role.CITIZEN, "citizen@kbh.test"),
        "outsider": lambda: make_person("nobody@x.test"),
        "employee": lambda: town_a.member,
        "administrator": lambda: town_a.owner,
        "mayor": lambda: person_with(town_a, Role.MAYOR, "mayor@kbh.test"),
        "other_administrator": lambda: town_b.owner,
    }[who]()
    client.force_login(person)
    response = client.get(page_url(town_a))
    assert response.status_code == status
    if status == 200:
        assert "Samskabelseslandskabet" in response.content.decode()
    else:
        assert "Kultur og Fritid" not in response.content.decode()


def test_an_unknown_municipality_is_404(client, town_a):
    client.force_login(town_a.owner)
    response = client.get("/kommuner/findes-ikke/landskab/")
    assert response.status_code == 404


# --- what it shows ---------------------------------------------------------------------------


def test_the_page_shows_summary_map_and_tables(client, town_a):
    doc = make_document(40, 4)
    run = store(town_a, doc)
    client.force_login(town_a.member)
    response = client.get(page_url(town_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jeres samskabelse består af 4 øer." in html
    assert "Hvem forbinder?" in html
    assert "Beregnet " in html and " kl. " in html
    # The map: an SVG inside a figure, named by its caption; every actor a focusable link to
    # its row in the table.
    assert '<figure class="lm-figure">' in html
    assert 'aria-labelledby="landskab-kort-titel"' in html
    for actor in doc["actors"]:
        target = anchor(actor["id"])
        assert f'href="#{target}" tabindex="0"' in html
        assert f'<tr id="{target}"' in html
    assert "lm-broker" in html and "lm-cut" in html and "lm-bridge" in html
    # The involvement: a group below the minimum size is never a figure.
    assert "færre end 5" in html
    assert "Grupper med færre end 5 deltagere vises ikke for sig" in html
    # Refresh is offered only to those who may ask for it.
    assert "Beregn landskabet igen" not in html
    client.force_login(town_a.owner)
    assert "Beregn landskabet igen" in client.get(page_url(town_a)).content.decode()
    assert run.pk


def test_user_text_never_renders_as_html(client, town_a):
    doc = make_document(10, 1)
    doc["actors"][0]["label"] = '<script>alert("x")</script>'
    doc["islands"][0]["name"] = '<b onmouseover="x">ø</b>'
    store(town_a, doc)
    client.force_login(town_a.member)
    html = client.get(page_url(town_a)).content.decode()
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;" in html
    assert '<b onmouseover="x">' not in html


def test_pending_and_failed_runs_are_said(client, town_a):
    store(town_a, make_document(10, 1), pending_since=timezone.now(), error="Noget gik galt.")
    client.force_login(town_a.owner)
    html = client.get(page_url(town_a)).content.decode()
    assert "En ny beregning er i gang" in html
    assert "Noget gik galt." in html


# --- empty states ----------------------------------------------------------------------------


def test_a_period_without_a_result_says_so_and_offers_to_compute(client, town_a):
    client.force_login(town_a.member)
    html = client.get(page_url(town_a)).content.decode()
    assert "Landskabet er ikke beregnet for perioden" in html
    assert "Beregn landskabet" not in html
    client.force_login(town_a.owner)
    html = client.get(page_url(town_a)).content.decode()
    assert ">Beregn landskabet</button>" in html


def test_a_queued_first_computation_says_it_is_being_computed(client, town_a):
    store(town_a, None, pending_since=timezone.now())
    client.force_login(town_a.member)
    html = client.get(page_url(town_a)).content.decode()
    assert "Landskabet bliver beregnet" in html


def test_a_computed_period_without_actors_says_nothing_was_registered(client, town_a):
    store(town_a, empty_document())
    client.force_login(town_a.member)
    response = client.get(page_url(town_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Der er ikke registreret samskabelse i perioden" in html
    assert '<svg class="lm-map"' not in html


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"fra": "2026-13-01"}, "Skriv datoen som år-måned-dag"),
        ({"fra": "i går"}, "Skriv datoen som år-måned-dag"),
        ({"til": "2026-02-30"}, "Skriv datoen som år-måned-dag"),
        ({"fra": "2026-06-01", "til": "2026-01-01"}, "Perioden slutter, før den begynder"),
        ({"fra": "%00"}, "Skriv datoen som år-måned-dag"),
        ({"fra": "2001-01-01", "til": "2026-01-01"}, "højst fem år"),
        ({"sektor": "kirke"}, "Vælg en af sektorerne på listen."),
        ({"forvaltning": "org:999999"}, "Den forvaltning findes ikke"),
        ({"forvaltning": "%00"}, ""),
    ],
)
def test_bad_input_gets_a_clear_danish_message(client, town_a, query, message):
    store(town_a, make_document(20, 2))
    client.force_login(town_a.member)
    response = client.get(page_url(town_a, **query))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Der er noget, du skal rette" in html
    assert message in html


def test_an_unknown_sector_still_shows_the_landscape_unfiltered(client, town_a):
    doc = make_document(20, 2)
    store(town_a, doc)
    client.force_login(town_a.member)
    html = client.get(page_url(town_a, sektor="kirke")).content.decode()
    assert html.count('class="lm-link"') == len(doc["actors"])


def test_filters_by_sector_and_department(client, town_a):
    doc = make_document(40, 3)
    store(town_a, doc)
    client.force_login(town_a.member)
    response = client.get(page_url(town_a, sektor="forening"))
    assert response.status_code == 200
    html = response.content.decode()
    wanted = [a for a in doc["actors"] if a["sector"] == "forening"]
    assert html.count('class="lm-link"') == len(wanted)
    assert f"Kortet og tabellen viser {len(wanted)} af 40 aktører." in html

    dept = next(a["department"] for a in doc["actors"] if a["department"])
    response = client.get(page_url(town_a, forvaltning=dept))
    assert response.status_code == 200
    html = response.content.decode()
    members = [a for a in doc["actors"] if a["department"] == dept or a["id"] == dept]
    assert html.count('class="lm-link"') == len(members)


def test_another_period_is_chosen_by_its_dates(client, town_a):
    store(town_a, make_document(12, 3), period=(date(2025, 1, 1), date(2025, 12, 31)))
    client.force_login(town_a.member)
    html = client.get(page_url(town_a, fra="2025-01-01", til="2025-12-31")).content.decode()
    assert "Jeres samskabelse består af 3 øer." in html
    html = client.get(page_url(town_a, fra="2025-01-01", til="2025-12-30")).content.decode()
    assert "Landskabet er ikke beregnet for perioden" in html


# --- refresh ---------------------------------------------------------------------------------


def test_refresh_by_an_administrator_queues_and_redirects(client, town_a, monkeypatch):
    asked = []
    monkeypatch.setattr(services, "request_refresh", lambda *a, **k: asked.append(a))
    client.force_login(town_a.owner)
    url = reverse("landscape:refresh", args=[town_a.municipality.slug])
    response = client.post(url, {"fra": "2026-01-01", "til": "2026-06-30"})
    assert response.status_code == 302
    assert response["Location"].endswith("?fra=2026-01-01&til=2026-06-30")
    assert [(a[1], a[2], a[3]) for a in asked] == [
        (town_a.municipality, date(2026, 1, 1), date(2026, 6, 30))
    ]
    html = client.get(response["Location"]).content.decode()
    assert "Landskabet bliver beregnet" in html


@pytest.mark.parametrize("who", ["employee", "other_administrator", "citizen"])
def test_refresh_is_refused_to_others(client, towns, who, monkeypatch):
    town_a, town_b = towns
    asked = []
    monkeypatch.setattr(services, "request_refresh", lambda *a, **k: asked.append(a))
    person = {
        "employee": town_a.member,
        "other_administrator": town_b.owner,
        "citizen": town_b.outsider,
    }[who]
    client.force_login(person)
    url = reverse("landscape:refresh", args=[town_a.municipality.slug])
    response = client.post(url, {"fra": "2026-01-01", "til": "2026-06-30"})
    assert response.status_code == 403
    assert asked == []


def test_refresh_with_a_reversed_period_changes_nothing(client, town_a, monkeypatch):
    asked = []
    monkeypatch.setattr(services, "request_refresh", lambda *a, **k: asked.append(a))
    client.force_login(town_a.owner)
    url = reverse("landscape:refresh", args=[town_a.municipality.slug])
    response = client.post(url, {"fra": "2026-06-30", "til": "2026-01-01"}, follow=True)
    assert asked == []
    assert "Perioden slutter, før den begynder" in response.content.decode()


def test_refresh_needs_post(client, town_a):
    client.force_login(town_a.owner)
    url = reverse("landscape:refresh", args=[town_a.municipality.slug])
    assert client.get(url).status_code == 405


# --- size ------------------------------------------------------------------------------------


def _queries(client, town, actors: int) -> tuple[int, float, str]:
    with scopes_disabled():
        LandscapeRun.objects.filter(municipality=town.municipality).delete()
    store(town, make_document(actors, max(actors // 150, 3), ties_per_actor=3))
    client.get(page_url(town))  # warm up the session and caches
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = client.get(page_url(town))
        elapsed = time.perf_counter() - t0
    assert response.status_code == 200
    return len(ctx.captured_queries), elapsed, response.content.decode()


def test_the_page_is_query_flat_in_the_number_of_actors(client, town_a):
    client.force_login(town_a.member)
    small, _, _ = _queries(client, town_a, 20)
    large, elapsed, html = _queries(client, town_a, 2000)
    assert small == large
    assert html.count('class="lm-link"') == 2000
    # The map stays a reasonable size: small nodes, few labels.
    svg = re.search(r"<svg class=\"lm-map\".*?</svg>", html, re.S).group(0)
    assert svg.count("<text") <= 40
    assert len(svg) < 1_500_000
    print(f"2,000 actors: {large} queries, {elapsed:.2f} s, {len(html) / 1e6:.1f} MB")
    assert elapsed < 5


def test_the_movement_page_links_to_the_landscape_for_staff_only(client, towns):
    town_a, town_b = towns
    url = town_a.municipality.get_absolute_url()
    link = reverse("landscape:landscape", args=[town_a.municipality.slug])
    client.force_login(town_a.member)
    assert f'href="{link}"' in client.get(url).content.decode()
    client.force_login(town_b.outsider)  # a citizen of town A
    assert f'href="{link}"' not in client.get(url).content.decode()


def test_refresh_through_the_real_service_stores_a_run(client, town_a):
    client.force_login(town_a.owner)
    url = reverse("landscape:refresh", args=[town_a.municipality.slug])
    response = client.post(url, {"fra": "2026-01-01", "til": "2026-06-30"}, follow=True)
    assert response.status_code == 200
    assert "Landskabet bliver beregnet" in response.content.decode()
    with scopes_disabled():
        run = LandscapeRun.objects.get(
            municipality=town_a.municipality, start=date(2026, 1, 1), end=date(2026, 6, 30)
        )
    assert run.pending_since is not None or run.computed_at is not None


def test_the_demo_landscape_renders(client, kommuner):
    """The document the real computation writes (the demo's) renders, with its islands."""
    from samskab.demo.content import demo_email, load_demo

    load_demo()
    with scopes_disabled():
        from samskab.accounts.models import User

        admin = User.objects.get(email=demo_email("administrator"))
        run = LandscapeRun.objects.filter(municipality__slug="roskilde").first()
    client.force_login(admin)
    response = client.get(
        reverse("landscape:landscape", args=["roskilde"])
        + f"?fra={run.start.isoformat()}&til={run.end.isoformat()}"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jeres samskabelse består af" in html
    assert "Himmelev Spejderne" in html
    assert html.count('class="lm-link"') == len(run.data["actors"])
    assert "Hvis " in html and "blev introduceret" in html


def test_the_period_chooser_shows_the_period_in_effect(client, town_a):
    start, end = default_period()
    client.force_login(town_a.member)
    html = client.get(page_url(town_a)).content.decode()
    assert f'name="fra" value="{start.isoformat()}"' in html
    assert f'name="til" value="{end.isoformat()}"' in html


def test_the_page_links_to_the_exports_of_its_period(client, town_a):
    store(town_a, make_document(12, 2))
    start, end = default_period()
    client.force_login(town_a.member)
    html = client.get(page_url(town_a)).content.decode()
    links = re.findall(r'href="(/api/municipalities/[^"]+)"', html)
    assert len(links) == 5  # GraphML, actors and ties as CSV, the Excel file and JSON
    query = f"?fra={start.isoformat()}&amp;til={end.isoformat()}"
    assert all(link.endswith(query) for link in links)
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_the_department_filter_names_a_forvaltning_that_is_no_actor():
    """A forvaltning whose units took part, but which took no part itself, is offered by its
    name (from the involvement table), not by its id."""
    from samskab.landscape.views import departments_of

    doc = {
        "actors": [{"id": "org:7", "label": "Hjemmeplejen", "department": "org:1"}],
        "involvement": [{"department": "org:1", "label": "Ældre og Sundhed", "parent": None}],
    }
    assert departments_of(doc) == [("org:1", "Ældre og Sundhed")]
