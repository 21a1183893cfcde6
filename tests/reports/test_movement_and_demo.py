"""The movement's council report (all its challenges together) and the demo's complete report."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from samskab.accounts.models import Role
from samskab.challenges import services as challenges
from samskab.demo.content import load_demo
from samskab.reports import figures, services
from samskab.reports.models import ReportVersion
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db


def _url(municipality, name="report"):
    return reverse(f"reports:movement_{name}", kwargs={"municipality": municipality.slug})


def _add(town, n, tag):
    """n published challenges, each with two ideas by citizens and one support."""
    with scope(municipality=town.municipality):
        for k in range(n):
            found = challenges.pose_challenge(
                town.public_space, town.owner, title=f"Udfordring {tag}-{k}", description="…"
            )
            for j in range(2):
                person = make_person(f"m{tag}-{k}-{j}@kbh.test")
                give_role(person, town.municipality, Role.CITIZEN)
                idea = challenges.submit_idea(found, person, title=f"Idé {tag}-{k}-{j}", body="…")
            challenges.support(idea, town.member)


def _staff(town):
    client = Client()
    client.force_login(town.owner)
    return client


def test_movement_report_sums_its_challenges(town_a):
    _add(town_a, 3, "a")
    page = _staff(town_a).get(_url(town_a.municipality)).content.decode()
    assert "Indstilling til udvalget: Bevægelsen i kbh" in page
    assert "Bevægelsen har 3 offentliggjorte udfordringer." in page
    assert "Der er kommet 6 idéer med i alt 3 støtter" in page
    # 6 citizens wrote ideas and an employee supported: 7 people. The one employee would be the
    # total minus the citizens, so no role is shown on its own.
    assert "7 personer har deltaget" in page
    assert 'data-figure="role-' not in page
    assert "vises ikke for sig" in page
    for k in range(3):
        assert f"Udfordring a-{k}" in page
    assert "Forvaltningen indstiller, at" in page
    assert "bevægelsens 3 udfordringer til efterretning" in page


def test_movement_report_is_for_the_municipality_s_staff(towns):
    town_a, town_b = towns
    citizen = Client()
    citizen.force_login(town_a.outsider)
    assert citizen.get(_url(town_a.municipality)).status_code == 404
    assert _staff(town_b).get(_url(town_a.municipality)).status_code == 404
    assert Client().get(_url(town_a.municipality)).status_code == 404
    # The link on the movement's page, for staff only.
    movement_page = town_a.municipality.get_absolute_url()
    assert _url(town_a.municipality) in _staff(town_a).get(movement_page).content.decode()
    assert _url(town_a.municipality) not in citizen.get(movement_page).content.decode()


def test_movement_report_is_edited_sent_and_reopened_like_a_challenge_s(town_a):
    staff = _staff(town_a)
    url = _url(town_a.municipality)
    response = staff.post(
        _url(town_a.municipality, "edit"),
        {"committee": "Økonomiudvalget → Byrådet", "summary": "Status for bevægelsen"},
    )
    assert response.status_code == 302
    edit_page = staff.get(_url(town_a.municipality, "edit")).content.decode()
    assert "Økonomiudvalget" in edit_page and "Historik" in edit_page
    assert staff.post(_url(town_a.municipality, "send")).status_code == 302
    response = staff.post(_url(town_a.municipality, "edit"), {"summary": "Nej"}, follow=True)
    assert "kan ikke ændres" in response.content.decode()
    page = staff.get(url).content.decode()
    assert "Sendt til udvalget den" in page and "Status for bevægelsen" in page
    staff.post(_url(town_a.municipality, "reopen"))
    staff.post(_url(town_a.municipality, "edit"), {"summary": "Ny status"})
    assert "Ny status" in staff.get(url).content.decode()
    with scope(municipality=town_a.municipality):
        (version,) = ReportVersion.objects.all()
        assert version.data["kind"] == "movement"
        assert version.data["texts"]["summary"] == "Status for bevægelsen"
        # The bilag are frozen with the version.
        assert version.data["attachments"]


def test_movement_pdf_and_docx(town_a):
    pypdf = pytest.importorskip("pypdf")
    docx = pytest.importorskip("docx")
    _add(town_a, 2, "p")
    staff = _staff(town_a)
    response = staff.get(_url(town_a.municipality, "pdf"))
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Bevægelsen i kbh" in text and "Udfordring p-1" in text
    assert str(reader.trailer["/Root"]["/Lang"]).startswith("da")
    document = docx.Document(io.BytesIO(staff.get(_url(town_a.municipality, "docx")).content))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Udfordring")
    assert [r.cells[0].text for r in table.rows[1:]] == ["Udfordring p-0", "Udfordring p-1"]


def test_movement_report_is_query_flat_in_the_number_of_challenges(town_a):
    client = _staff(town_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(town_a.municipality)).status_code == 200
        return len(ctx.captured_queries)

    _add(town_a, 2, "s")
    small = count()
    _add(town_a, 5, "l")
    assert count() == small


def test_the_demo_gives_complete_reports(kommuner):
    demo = load_demo()
    facilitator = demo.people[Role.FACILITATOR]
    with scope(municipality=demo.municipality):
        elderly = next(
            c
            for c in challenges.open_challenges(facilitator, demo.municipality, limit=100)
            if c.title.startswith("Hvordan kan vi sammen skabe flere gode fællesskaber")
        )
        data = figures.compute(facilitator, elderly)
        movement = figures.compute_movement(facilitator, demo.movement)
    sections = (
        "participation",
        "ideas",
        "ranking",
        "opinions",
        "complexity",
        "reflection",
        "initiatives",
        "landscape",
    )
    for section in sections:
        assert not data[section]["empty"], section
        assert data[section]["source"] in figures.SOURCES, section
    part = data["participation"]
    assert part["participants"] >= part["min_group_size"]
    # Never a group below the minimum size.
    assert all(n >= part["min_group_size"] for _k, n in part["by_role"] + part["by_sector"])
    assert data["ranking"]["rows"] and all(
        r["low"] <= r["score"] <= r["high"] for r in data["ranking"]["rows"]
    )
    (opinion_map,) = data["opinions"]["maps"]
    assert opinion_map["groups"] >= 2 and opinion_map["consensus"]
    assert opinion_map["role_differences"]
    rounds = data["complexity"]["rounds"]
    assert len(rounds) == 2 and data["complexity"]["moved"]
    assert data["reflection"]["learnings"]
    inits = data["initiatives"]
    (initiative,) = inits["initiatives"]
    assert initiative["partners"] and initiative["commitments"]
    assert inits["municipal_percent"] and float(inits["total"]["external"]) > 0
    assert inits["experiments"] >= 1
    assert data["landscape"]["actors"] and data["landscape"]["here"]
    # The movement's report is complete as well.
    for section in ("challenges", *[s for s in sections if s != "ranking"]):
        assert not movement[section]["empty"], section
    # The page shows every section filled, not the "nothing yet" sentences.
    client = Client()
    client.force_login(facilitator)
    page = client.get(
        reverse(
            "reports:report",
            kwargs={"municipality": demo.municipality.slug, "challenge": elderly.pk},
        )
    ).content.decode()
    for nothing_yet in (
        "Ingen har deltaget endnu.",
        "Der er ikke kommet idéer endnu.",
        "Ingen har prioriteret idéerne endnu.",
        "Ingen har stemt om udsagn endnu.",
        "Ingen har vurderet udfordringens kompleksitet endnu.",
        "Refleksionsrummene har ikke delt nogen læring endnu.",
        "Udfordringen er ikke blevet til et initiativ endnu.",
        "Landskabet er ikke beregnet endnu.",
    ):
        assert nothing_yet not in page, nothing_yet
    assert "Vurderingen har flyttet sig mellem runderne." in page
    assert "Det er alle grupper enige om:" in page
    assert "Her svarer rollerne forskelligt" in page
    movement_page = client.get(_url(demo.municipality)).content.decode()
    assert "Bevægelsen har 8 offentliggjorte udfordringer." in movement_page or (
        "offentliggjorte udfordringer" in movement_page
    )
    with scope(municipality=demo.municipality):
        assert services.report_for(elderly).pk is None  # looking changes nothing
