"""The council report: rules, edits with history, freezing, empty sections, pages, the PDF."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import services as challenges
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.reports import figures, services
from samskab.reports.models import ReportEdit, ReportVersion
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(town_a):
    with scope(municipality=town_a.municipality):
        return challenges.pose_challenge(
            town_a.public_space, town_a.owner, title="Ensomhed", description="Hvad gør vi?"
        )


def _url(challenge, name="report"):
    return reverse(
        f"reports:{name}",
        kwargs={"municipality": challenge.municipality.slug, "challenge": challenge.pk},
    )


def test_empty_challenge_says_so_section_by_section(town_a, challenge):
    with scope(municipality=town_a.municipality):
        data = figures.compute(town_a.owner, challenge)
    for section in ("participation", "ideas", "ranking", "opinions", "complexity"):
        assert data[section]["empty"], section
        assert data[section]["source"]
    client = Client()
    client.force_login(town_a.owner)
    page = client.get(_url(challenge)).content.decode()
    assert "Der er ikke kommet idéer endnu." in page
    assert "Ingen har prioriteret idéerne endnu." in page
    assert "Forvaltningen indstiller, at" in page


def test_staff_edit_with_history_citizen_refused(town_a, challenge):
    citizen = make_person("borger@kbh.test")
    give_role(citizen, town_a.municipality, Role.CITIZEN)
    with scope(municipality=town_a.municipality):
        report = services.report_for(challenge)
        with pytest.raises(ServiceError):
            services.edit_report(report, citizen, summary="Nej")
        report = services.edit_report(report, town_a.member, summary="Kort om sagen", risks="Få")
        report = services.edit_report(report, town_a.owner, summary="Kort om sagen, rettet")
        edits = list(ReportEdit.objects.filter(report=report).order_by("id"))
        assert [(e.field, e.person) for e in edits] == [
            ("risks", town_a.member),
            ("summary", town_a.member),
            ("summary", town_a.owner),
        ] or sorted(e.field for e in edits) == ["risks", "summary", "summary"]
        assert AuditEvent.objects.filter(action="report.edit").count() == 2


def test_send_freezes_and_citizens_see_published(town_a, challenge):
    outsider = town_a.outsider
    client = Client()
    client.force_login(outsider)
    assert client.get(_url(challenge)).status_code == 404  # a draft is staff-only
    with scope(municipality=town_a.municipality):
        report = services.edit_report(
            services.report_for(challenge),
            town_a.owner,
            recommendation="at vi gør det\nat de får svar",
        )
        version = services.send_to_committee(report, town_a.owner)
        assert version.data["texts"]["clauses"] == ["vi gør det", "de får svar"]
        with pytest.raises(ServiceError, match="sendt til udvalget"):
            services.edit_report(report, town_a.owner, summary="Ændret bagefter")
        with pytest.raises(ServiceError, match="sendt til udvalget"):
            version.data = {}
            version.save()
        with pytest.raises(ServiceError):
            services.send_to_committee(report, town_a.owner)
        assert ReportVersion.objects.count() == 1
    page = client.get(_url(challenge))
    assert page.status_code == 200
    assert "vi gør det" in page.content.decode()
    detail = client.get(challenge.get_absolute_url()).content.decode()
    assert "Læs indstillingen" in detail


def test_other_municipality_is_404(towns, challenge):
    client = Client()
    client.force_login(towns[1].owner)
    assert client.get(_url(challenge)).status_code == 404
    assert client.get(_url(challenge, "edit")).status_code == 404


def test_report_page_is_query_flat(town_a, challenge):
    client = Client()
    client.force_login(town_a.owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(challenge)).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        with scope(municipality=town_a.municipality):
            for k in range(n):
                person = make_person(f"p{n}-{k}@kbh.test")
                give_role(person, town_a.municipality, Role.CITIZEN)
                idea = challenges.submit_idea(challenge, person, title=f"Idé {n}-{k}", body="…")
                challenges.support(idea, town_a.owner)

    add(2)
    small = count()
    add(8)
    assert count() == small


def test_edit_page_posts_and_shows_history(town_a, challenge):
    client = Client()
    client.force_login(town_a.member)
    response = client.post(
        _url(challenge, "edit"),
        {"committee": "Socialudvalget → Byrådet", "summary": "<b>fed</b>", "is_open": "on"},
    )
    assert response.status_code == 302
    page = client.get(_url(challenge, "edit")).content.decode()
    assert "Socialudvalget" in page and "<b>fed</b>" not in page
    report = client.get(_url(challenge)).content.decode()
    assert "&lt;b&gt;fed&lt;/b&gt;" in report


def test_pdf_is_tagged_and_matches_html(town_a, challenge):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    with scope(municipality=town_a.municipality):
        for k in range(6):
            person = make_person(f"q{k}@kbh.test")
            give_role(person, town_a.municipality, Role.CITIZEN)
            challenges.submit_idea(challenge, person, title=f"Idé nummer {k}", body="…")
    client = Client()
    client.force_login(town_a.owner)
    html = client.get(_url(challenge)).content.decode()
    response = client.get(_url(challenge, "pdf"))
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]).startswith("da")
    assert "/StructTreeRoot" in root
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Forvaltningen indstiller, at" in text
    assert town_a.municipality.name in text
    assert "Side 1 af" in text
    # The same figures as the page: six participants, all citizens, six ideas.
    assert "6 personer har deltaget" in text and "6 personer har deltaget" in html
    # Every figure in the structure tree has alternative text.
    figures_found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if node.get("/S") == "/Figure":
                figures_found.append(node)
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert figures_found and all(f.get("/Alt") for f in figures_found)
    # cached: asking again serves the stored file
    with scopes_disabled():
        from samskab.reports.models import ReportFile

        assert ReportFile.objects.count() == 1
    assert client.get(_url(challenge, "pdf")).content == response.content
