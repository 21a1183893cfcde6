"""The landscape's downloads open right in Danish Excel: CSV with BOM and `;`, Danish headers and
words, decimal commas; the same tables as an .xlsx workbook; JSON as a `.json` file; all with
proper file names, under the same access rules as the other exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from tests.landscape import test_exports_api
from tests.landscape.test_exports_api import Q, base, client_for, doc

world = test_exports_api.world  # the same computed landscape as the export tests

pytestmark = pytest.mark.django_db


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _name(world, suffix: str) -> str:
    code = world.town.municipality.code
    return f'attachment; filename="landskab-{code}-{Q["fra"]}-{Q["til"]}{suffix}"'


def test_actors_csv_is_for_danish_excel(world):
    r = client_for(world.town.member).get(base(world) + "/actors.csv", Q)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert r["Content-Disposition"] == _name(world, "-aktoerer.csv")
    rows = read_csv(r.content)
    header = rows[0]
    assert header[:5] == ["Id", "Navn", "Sektor", "Type", "Forvaltning"]
    assert {"Brobygger", "Mellemhed", "Ø"} <= set(header)
    assert not {"label", "sector", "betweenness", "broker"} & set(header)
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert len(records) == len(doc(world)["actors"])
    assert {r["Sektor"] for r in records} <= {"Kommune", "Borgere", "Forening", "Virksomhed"}
    assert {r["Brobygger"] for r in records} <= {"ja", "nej"}
    assert not any("true" in row or "false" in row for row in rows)
    decimals = [r["Mellemhed"] for r in records if r["Mellemhed"] not in ("", "0", "0,0")]
    assert decimals and all("." not in d for d in decimals)
    assert any("," in d for d in decimals)


def test_ties_csv_is_for_danish_excel(world):
    r = client_for(world.town.member).get(base(world) + "/ties.csv", Q)
    assert r["Content-Disposition"] == _name(world, "-baand.csv")
    rows = read_csv(r.content)
    assert rows[0] == ["Aktør A", "Aktør B", "Vægt", "Slags bånd", "Første", "Seneste", "Bro"]
    assert len(rows) == len(doc(world)["ties"]) + 1
    assert {row[6] for row in rows[1:]} <= {"ja", "nej"}


def test_the_workbook_holds_the_same_tables(world):
    r = client_for(world.town.member).get(base(world) + "/network.xlsx", Q)
    assert r.status_code == 200
    assert r["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert r["Content-Disposition"] == _name(world, ".xlsx")
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["Aktører", "Bånd"]
    actors = list(book["Aktører"].iter_rows(values_only=True))
    assert list(actors[0][:4]) == ["Id", "Navn", "Sektor", "Type"]
    assert len(actors) == len(doc(world)["actors"]) + 1
    header = list(actors[0])
    column = header.index("Mellemhed")
    # Numbers stay numbers in the workbook; words are Danish.
    assert all(isinstance(row[column], int | float) for row in actors[1:])
    assert {row[header.index("Brobygger")] for row in actors[1:]} <= {"ja", "nej"}
    ties = list(book["Bånd"].iter_rows(values_only=True))
    assert ties[0][:2] == ("Aktør A", "Aktør B") and len(ties) == len(doc(world)["ties"]) + 1


def test_json_downloads_as_a_json_file(world):
    r = client_for(world.town.member).get(base(world) + "/network.json", Q)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    assert r["Content-Disposition"] == _name(world, ".json")
    body = json.loads(r.content)
    assert body["nodes"] == doc(world)["actors"] and body["start"] == Q["fra"]


@pytest.mark.parametrize("path", ["/network.xlsx", "/network.json"])
def test_the_new_downloads_keep_the_access_rules(world, path):
    for person in (None, world.town.outsider):
        assert client_for(person).get(base(world) + path, Q).status_code == 404, person
    r = client_for(world.town.member).get(base(world) + path, {"fra": "nonsense"})
    assert r.status_code == 400 and "ikke en dato" in r.json()["detail"]


def test_the_page_links_the_workbook_and_the_json_file(world):
    page = client_for(world.town.member).get(
        f"/kommuner/{world.town.municipality.slug}/landskab/", Q
    )
    html = page.content.decode()
    assert "/landscape/network.xlsx?" in html and "/landscape/network.json?" in html
