"""The council report, continued: a new version after sending, the English report's source
lines, the bilag as absolute links in the PDF and the .docx, and the .docx read back."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from samskab.accounts.models import Role
from samskab.challenges import services as challenges
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.reports import figures, services
from samskab.reports.models import ReportVersion
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(town_a):
    with scope(municipality=town_a.municipality):
        found = challenges.pose_challenge(
            town_a.public_space, town_a.owner, title="Ensomhed", description="Hvad gør vi?"
        )
        for k in range(6):
            person = make_person(f"v{k}@kbh.test")
            give_role(person, town_a.municipality, Role.CITIZEN)
            challenges.submit_idea(found, person, title=f"Idé nummer {k}", body="…")
    return found


def _url(challenge, name="report"):
    return reverse(
        f"reports:{name}",
        kwargs={"municipality": challenge.municipality.slug, "challenge": challenge.pk},
    )


def _staff(town):
    client = Client()
    client.force_login(town.owner)
    return client


def test_a_new_version_after_sending_keeps_the_first_frozen_and_published(town_a, challenge):
    staff = _staff(town_a)
    citizen = Client()
    citizen.force_login(town_a.outsider)
    staff.post(_url(challenge, "edit"), {"summary": "Første udgave af resuméet", "is_open": "on"})
    assert staff.post(_url(challenge, "send")).status_code == 302
    # Frozen: an edit is refused with a clear Danish message and changes nothing.
    response = staff.post(_url(challenge, "edit"), {"summary": "Rettet bagefter"}, follow=True)
    page = response.content.decode()
    assert "Indstillingen er sendt til udvalget og kan ikke ændres" in page
    assert "Start en ny udgave" in staff.get(_url(challenge)).content.decode()
    # Staff start version 2; version 1 stays what citizens see.
    response = staff.post(_url(challenge, "reopen"), follow=True)
    assert "Du arbejder nu på en ny udgave" in response.content.decode()
    staff.post(_url(challenge, "edit"), {"summary": "Anden udgave af resuméet", "is_open": "on"})
    draft = staff.get(_url(challenge)).content.decode()
    assert "Anden udgave af resuméet" in draft
    assert "Dette er et udkast til udgave 2" in draft
    seen = citizen.get(_url(challenge)).content.decode()
    assert "Første udgave af resuméet" in seen and "Anden udgave" not in seen
    assert "udgave 1" in seen
    # Version 2 sent: citizens now see it; version 1 is kept as it was.
    staff.post(_url(challenge, "send"))
    seen = citizen.get(_url(challenge)).content.decode()
    assert "Anden udgave af resuméet" in seen and "udgave 2" in seen
    with scope(municipality=town_a.municipality):
        versions = {v.number: v for v in ReportVersion.objects.all()}
        assert versions[1].data["texts"]["summary"] == "Første udgave af resuméet"
        assert versions[2].data["texts"]["summary"] == "Anden udgave af resuméet"
        assert AuditEvent.objects.filter(action="report.reopen").count() == 1
        # The version itself refuses any change.
        versions[1].data = {}
        with pytest.raises(ServiceError, match="sendt til udvalget"):
            versions[1].save()


def test_only_staff_start_a_new_version_and_only_after_sending(town_a, challenge):
    with scope(municipality=town_a.municipality):
        report = services.edit_report(services.report_for(challenge), town_a.owner, risks="Få")
        with pytest.raises(ServiceError, match="allerede et udkast"):
            services.start_new_draft(report, town_a.owner)
        services.send_to_committee(report, town_a.owner)
        report = services.report_for(challenge)
        with pytest.raises(ServiceError):
            services.start_new_draft(report, town_a.outsider)
        assert services.is_frozen(services.report_for(challenge))
    citizen = Client()
    citizen.force_login(town_a.outsider)
    assert citizen.post(_url(challenge, "reopen")).status_code == 404


def test_the_english_report_names_every_source_in_english(town_a, challenge):
    client = _staff(town_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(_url(challenge)).content.decode()
    assert "Kilde:" not in page
    assert page.count("Source:") == 7  # one per section of the sagsfremstilling
    with translation.override("en"):
        for key in ("participation", "ideas", "opinions", "complexity", "initiatives"):
            english = figures.source_label(key)
            assert english in page
            if english != figures.SOURCES[key]:  # once the English catalogue has it
                assert figures.SOURCES[key] not in page
    # The Danish report names its sources in Danish, from the same keys.
    danish = _staff(town_a).get(_url(challenge)).content.decode()
    assert "Kilde: Samskab: synlige idéer på udfordringen og deres status" in danish


def test_pdf_bilag_are_absolute_links(town_a, challenge):
    pypdf = pytest.importorskip("pypdf")
    response = _staff(town_a).get(_url(challenge, "pdf"))
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert uris, "the bilag are links"
    assert all(u.startswith(settings.SITE_URL + "/") for u in uris)
    assert settings.SITE_URL + challenge.get_absolute_url() in uris
    assert any("json" in u for u in uris)


def test_docx_reads_back_with_headings_tables_language_and_the_same_figures(town_a, challenge):
    docx = pytest.importorskip("docx")
    client = _staff(town_a)
    html = client.get(_url(challenge)).content.decode()
    assert _url(challenge, "docx") in html  # the download link on the page
    response = client.get(_url(challenge, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    assert document.core_properties.language == "da-DK"
    assert 'w:val="da-DK"' in document.styles.element.xml
    headings = {
        p.text: p.style.name
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    }
    for name in ("Sagsresumé", "Indstilling", "Sagsfremstilling", "Økonomi", "Bilag", "Beslutning"):
        assert headings.get(name) == "Heading 1", name
    assert headings.get("Hvem deltog") == "Heading 2"
    assert any(style == "Title" for style in headings.values())
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Forvaltningen indstiller, at" in text
    # The same figures as the page.
    assert "6 personer har deltaget" in text and "6 personer har deltaget" in html
    ideas = re.search(r"Der er kommet (\d+) idéer", html).group(1)
    assert f"Der er kommet {ideas} idéer" in text
    # Tables keep their header row, marked as such.
    outcome = next(
        t for t in document.tables if t.rows[0].cells[0].text == "Status" and len(t.columns) == 2
    )
    assert outcome.rows[0].cells[1].text == "Idéer"
    assert "w:tblHeader" in outcome.rows[0]._tr.xml
    assert outcome.rows[1].cells[1].text == "6"
    # The bilag as absolute addresses.
    assert settings.SITE_URL + challenge.get_absolute_url() in text
    # Cached like the PDF: asking again gives the same file.
    assert client.get(_url(challenge, "docx")).content == response.content


def test_empty_challenge_docx_says_so(town_a):
    docx = pytest.importorskip("docx")
    with scope(municipality=town_a.municipality):
        empty = challenges.pose_challenge(
            town_a.public_space, town_a.owner, title="Tom", description="Intet endnu"
        )
    response = _staff(town_a).get(_url(empty, "docx"))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "Der er ikke kommet idéer endnu." in text
    assert "Ingen har prioriteret idéerne endnu." in text
