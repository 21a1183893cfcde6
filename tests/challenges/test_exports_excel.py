"""The page downloads open right in Danish Excel: BOM, ";", Danish headers and values, local
time, titles beside ids, proper file names; the xlsx holds the same cells."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from samskab.challenges.models import Idea
from tests.challenges.conftest import add_idea

pytestmark = pytest.mark.django_db

WINTER = datetime(2026, 12, 2, 8, 15, tzinfo=ZoneInfo("UTC"))  # 09:15 in Copenhagen


def page(challenge, name):
    return f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/eksport/{name}"


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def idea(challenge, citizen):
    made = add_idea(challenge, citizen, title="Bænke ved åen")
    with scopes_disabled():
        Idea.objects.filter(pk=made.pk).update(created_at=WINTER)
    return made


def test_ideas_csv_is_for_danish_excel(client, challenge, idea):
    response = client.get(page(challenge, "ideer.csv"))
    assert response["Content-Type"].startswith("text/csv")
    slug = challenge.municipality.slug
    assert response["Content-Disposition"] == (
        f'attachment; filename="{slug}-udfordring-{challenge.pk}-ideer-'
        f'{datetime.now(ZoneInfo("Europe/Copenhagen")).date().isoformat()}.csv"'
    )
    rows = read_csv(response.content)
    header, first = rows[0], rows[1]
    assert header[:3] == ["Id", "Titel", "Beskrivelse"]
    row = dict(zip(header, first, strict=True))
    assert row["Titel"] == "Bænke ved åen"
    assert row["Oprettet"] == "2026-12-02 09:15"
    assert row["Status"] == "Åben"
    assert row["Udfordringens fase"] == "Idéer"


def test_ranking_csv_has_titles(client, challenge, idea, citizen):
    other = add_idea(challenge, citizen, title="Flere skraldespande")
    from samskab.challenges.models import Ranking

    with scopes_disabled():
        Ranking.objects.update_or_create(
            challenge=challenge,
            defaults={
                "municipality": challenge.municipality,
                "computed_at": WINTER,
                "data": [
                    {
                        "idea": idea.pk,
                        "position": 1,
                        "score": 0.25,
                        "low": 0.1,
                        "high": 0.5,
                        "comparisons": 3,
                        "needs_more_votes": False,
                    },
                    {
                        "idea": other.pk,
                        "position": 2,
                        "score": -0.25,
                        "low": -0.5,
                        "high": 0.0,
                        "comparisons": 3,
                        "needs_more_votes": True,
                    },
                ],
            },
        )
    rows = read_csv(client.get(page(challenge, "rangering.csv")).content)
    assert rows[0][:3] == ["Placering", "Idé-id", "Idé"]
    assert rows[1][:4] == ["1", str(idea.pk), "Bænke ved åen", "0,25"]
    assert rows[2][-1] == "ja"


def test_xlsx_has_the_same_cells(client, challenge, idea):
    response = client.get(page(challenge, "alt.xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Idéer", "Kommentarer", "Sammenligninger", "Rangering"]
    sheet = book["Idéer"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    csv_rows = read_csv(client.get(page(challenge, "ideer.csv")).content)
    assert [str(v) for v in cells[0]] == csv_rows[0]
    row = dict(zip(cells[0], cells[1], strict=True))
    assert row["Titel"] == "Bænke ved åen"
    assert row["Oprettet"] == datetime(2026, 12, 2, 9, 15)
    assert row["Støtter"] == 0


def test_json_download_is_named_json(client, challenge, idea):
    response = client.get(page(challenge, "json"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].endswith('.json"')
    assert response.json()["ideas"][0]["outcome"] == "open"  # the machine format stays


def test_unknown_export_is_404(client, challenge):
    assert client.get(page(challenge, "hemmelig.csv")).status_code == 404
