"""The experiments' downloads open right in Danish Excel: CSV with BOM and `;`, Danish headers,
status as a word and local time; the same as .xlsx; JSON as a `.json` file; proper file names;
and an export made in English still reads back in."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from samskab.experiments.models import Experiment
from tests.experiments.conftest import design, make_initiative
from tests.experiments.test_imports import _content, _page, _three, _upload

pytestmark = pytest.mark.django_db

WINTER = datetime(2026, 12, 2, 8, 15, tzinfo=ZoneInfo("UTC"))  # 09:15 in Copenhagen
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def api(town, suffix: str) -> str:
    return f"/api/municipalities/{town.municipality.code}/experiments{suffix}"


def filename(town, extension: str) -> str:
    today = datetime.now(ZoneInfo("Europe/Copenhagen")).date().isoformat()
    return f'attachment; filename="{town.municipality.slug}-eksperimenter-{today}.{extension}"'


@pytest.fixture
def experiment(town_a):
    made = design(make_initiative(town_a), town_a.owner, title="Bænke ved åen", zone=4)
    with scopes_disabled():
        Experiment.objects.filter(pk=made.pk).update(created_at=WINTER)
    return made


def test_the_csv_is_for_danish_excel(client, town_a, experiment):
    client.force_login(town_a.owner)
    response = client.get(api(town_a, ".csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == filename(town_a, "csv")
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:4] == ["Nummer", "Initiativ nummer", "Initiativ", "Titel"]
    named = dict(zip(header, row, strict=True))
    assert named["Titel"] == "Bænke ved åen"
    assert named["Status"] == "I gang"  # not "running"
    assert named["Zonens navn"] == "Samskabelse og små eksperimenter"
    assert named["Oprettet"] == "2026-12-02 09:15"  # local time, not UTC ISO


def test_the_workbook_holds_the_same(client, town_a, experiment):
    client.force_login(town_a.owner)
    response = client.get(api(town_a, ".xlsx"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == filename(town_a, "xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Eksperimenter"]
    header, row = book["Eksperimenter"].iter_rows(values_only=True)
    named = dict(zip(header, row, strict=True))
    assert named["Titel"] == "Bænke ved åen" and named["Status"] == "I gang"
    assert named["Zone"] == 4
    assert named["Oprettet"] == datetime(2026, 12, 2, 9, 15)


def test_the_json_file_has_a_json_name_and_imports(client, town_a, experiment):
    client.force_login(town_a.owner)
    response = client.get(api(town_a, ".json"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == filename(town_a, "json")
    (row,) = json.loads(response.content)
    assert row["status"] == "running"  # the API's codes
    imported = client.post(
        _page(town_a), {"file": _upload(response.content.decode(), "eksperimenter.json")}
    )
    assert imported.status_code == 200, imported.content.decode()
    with scope(municipality=town_a.municipality):
        assert Experiment.objects.filter(title="Bænke ved åen").count() == 2


def test_a_csv_made_in_english_reads_back_in_danish(towns, client):
    from tests.experiments.conftest import make_initiative as initiative_in

    town_a, town_b = towns
    _three(town_a)
    client.force_login(town_a.owner)
    with translation.override("en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the site's language switch
        exported = client.get(api(town_a, ".csv")).content.decode()
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert exported.lstrip("\ufeff").startswith("Number;")  # made in English
    target = initiative_in(town_b, title="Modtager")
    client.force_login(town_b.owner)
    response = client.post(_page(town_b), {"file": _upload(exported), "initiative": target.pk})
    assert response.status_code == 200, response.content.decode()
    assert "3 eksperimenter er oprettet." in response.content.decode()
    assert _content(town_b) == _content(town_a)


def test_the_portfolio_links_every_download(client, town_a, experiment):
    client.force_login(town_a.owner)
    html = client.get(reverse("experiments:portfolio", args=[town_a.municipality.slug]))
    body = html.content.decode()
    for suffix in (".csv", ".xlsx", ".json"):
        assert api(town_a, suffix) in body
