"""The initiatives' downloads open right in Danish Excel: CSV with BOM and `;`, Danish headers
and values; the same tables as .xlsx (one table, or all of them a sheet each) with real numbers
and dates; JSON as a `.json` file; proper file names; and the CSV still reads back in."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django_scopes import scope
from openpyxl import load_workbook

from samskab.initiatives import services
from tests.initiatives.test_views import with_economy

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(world, fmt: str) -> str:
    return reverse("initiatives:export", args=[world.municipality.slug, fmt])


def today() -> str:
    return datetime.now(ZoneInfo("Europe/Copenhagen")).date().isoformat()


def filename(world, what: str, extension: str) -> str:
    return f'attachment; filename="{world.municipality.slug}-{what}-{today()}.{extension}"'


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def economy(world):
    made = with_economy(world)
    with scope(municipality=world.municipality):
        services.set_part(
            world.initiative,
            world.facilitator,
            title="Madlavning",
            assignments={world.club: "responsible"},
        )
    return made


def test_initiatives_csv_is_for_danish_excel(world, client, economy):
    response = client.get(url(world, "initiativer.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == filename(world, "initiativer", "csv")
    header, row = read_csv(response.content)
    assert header[:4] == ["id", "titel", "formål", "målgruppe"]
    named = dict(zip(header, row, strict=True))
    assert named["status"] == "Under planlægning"  # not "planning"
    assert named["budget (kr.)"] == "100000,00"
    commitments = read_csv(client.get(url(world, "tilsagn.csv")).content)
    kinds = {dict(zip(commitments[0], r, strict=True))["type"] for r in commitments[1:]}
    assert kinds == {"Timer", "Kroner"}
    assert {r[commitments[0].index("trukket tilbage")] for r in commitments[1:]} == {"nej"}


@pytest.mark.parametrize(
    ("fmt", "what", "sheet", "first"),
    [
        ("initiativer.xlsx", "initiativer", "Initiativer", "titel"),
        ("partnere.xlsx", "initiativer-partnere", "Partnere", "initiativ"),
        ("ansvar.xlsx", "initiativer-ansvar", "Ansvar", "del af arbejdet"),
        ("tilsagn.xlsx", "initiativer-tilsagn", "Tilsagn", "initiativ"),
        ("budget.xlsx", "initiativer-budget", "Budget", "initiativ"),
    ],
)
def test_each_table_as_xlsx(world, client, economy, fmt, what, sheet, first):
    response = client.get(url(world, fmt))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == filename(world, what, "xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [sheet]
    rows = list(book[sheet].iter_rows(values_only=True))
    assert rows[0][1] == first
    assert len(rows) > 1


def test_the_workbook_with_every_table_has_numbers_dates_and_danish_words(world, client, economy):
    with scope(municipality=world.municipality):
        world.initiative.starts_on = date(2026, 3, 1)
        world.initiative.save(update_fields=["starts_on"])
    response = client.get(url(world, "alle.xlsx"))
    assert response["Content-Disposition"] == filename(world, "initiativer", "xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Initiativer", "Budget", "Partnere", "Ansvar", "Tilsagn"]
    header, *rows = book["Initiativer"].iter_rows(values_only=True)
    row = next(dict(zip(header, r, strict=True)) for r in rows if r[0] == world.initiative.pk)
    assert row["status"] == "Under planlægning"
    assert row["budget (kr.)"] == 100000 and isinstance(row["budget (kr.)"], int | float)
    assert Decimal(str(row["mangler (kr.)"])) == Decimal("77654.33")
    assert row["start"] == datetime(2026, 3, 1)
    header, *rows = book["Tilsagn"].iter_rows(values_only=True)
    named = [dict(zip(header, r, strict=True)) for r in rows]
    assert {r["type"] for r in named} == {"Timer", "Kroner"}
    assert {r["trukket tilbage"] for r in named} == {"nej"}
    header, *rows = book["Ansvar"].iter_rows(values_only=True)
    assert rows[0][1:] == ("Madlavning", world.club.pk, "Ansvarlig")


def test_json_downloads_as_a_json_file(world, client, economy):
    response = client.get(url(world, "json"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == filename(world, "initiativer", "json")
    data = json.loads(response.content)
    assert data["initiatives"][0]["status"] == "planning"  # JSON keeps the codes
    assert client.get(url(world, "andet.xlsx")).status_code == 404


def test_the_page_links_the_workbook(world, client):
    page = client.get(reverse("initiatives:list", args=[world.municipality.slug]))
    assert url(world, "alle.xlsx") in page.content.decode()
