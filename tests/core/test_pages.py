from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from samskab.accounts.models import Role
from samskab.municipalities import services
from samskab.municipalities.models import Municipality
from tests.conftest import give_role, make_person
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db


def test_home_is_danish_and_lists_every_municipality_and_the_demo(client, kommuner):
    from samskab.demo.content import load_demo

    load_demo()
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in html
    assert "Alle kommuner" in html
    assert html.count('href="/kommuner/') >= 98 + 1
    for name in ("København", "Ærø", "Lyngby-Taarbæk", "Hjørring"):
        assert f">{name}</a>" in html
    assert "Samskabelse i Roskilde" in html


def test_home_ignores_browser_language_and_switches_on_request(client, kommuner):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert '<html lang="da">' in html
    response = client.post("/sprog/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "All municipalities" in html


def test_home_query_count_is_flat_in_movements(client, kommuner):
    creator = make_person("creator@test.dk")
    codes = iter(Municipality.objects.order_by("code").values_list("code", flat=True))

    def fetch():
        assert client.get("/").status_code == 200

    def add(n: int) -> None:
        with scopes_disabled():
            for _ in range(n):
                municipality = Municipality.objects.get(code=next(codes))
                give_role(creator, municipality, Role.ADMINISTRATOR)
                movement = services.open_movement(municipality, creator, title="Bevægelse")
                services.create_space(movement, creator, title="Rum")

    assert_flat_query_count(fetch, add)


def test_footer_links_to_the_municipalitys_own_accessibility_statement(client, kommuner):
    assert 'href="/tilgaengelighed/"' in client.get("/kommuner/roskilde/").content.decode()
    Municipality.objects.filter(code="0265").update(
        accessibility_statement_url="https://www.roskilde.dk/tilgaengelighed"
    )
    html = client.get("/kommuner/roskilde/").content.decode()
    assert 'href="https://www.roskilde.dk/tilgaengelighed"' in html
    assert "Tilgængelighedserklæring" in html


def test_missing_page_is_a_danish_404(client, kommuner):
    response = client.get("/findes/ikke/")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_openapi_document_is_served(client, db):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/municipalities" in document["paths"]
    assert "/api/municipalities/{code}/spaces" in document["paths"]


def test_api_lists_all_98_municipalities_with_zero_padded_codes(client, kommuner):
    rows = client.get("/api/municipalities").json()
    assert len(rows) == 98
    assert rows[0]["code"] == "0101"
    assert all(len(r["code"]) == 4 for r in rows)


def test_server_error_page_is_danish_and_standalone(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Der skete en fejl" in html
    assert '<html lang="da">' in html
