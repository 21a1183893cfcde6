"""The movement dashboard in a real browser: the mayor opens the overview of the demo
municipality with a computed landscape, chooses a period, meets a reversed period's message,
and downloads the figures; axe at desktop width and at 390 px (where nothing may scroll
sideways)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from samskab.accounts.models import Role
from samskab.demo.content import load_demo
from samskab.landscape import services as landscape
from samskab.landscape.models import LandscapeRun
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.conftest import check_both_widths as check
from tests.e2e.test_foundation import log_in
from tests.landscape.documents import make_document


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    demo = load_demo()
    start, end = landscape.default_period(timezone.localdate())
    with scope(municipality=demo.municipality):
        LandscapeRun.objects.update_or_create(
            municipality=demo.municipality,
            start=start,
            end=end,
            defaults={
                "data": make_document(
                    actors=30, islands=3, start=start.isoformat(), end=end.isoformat()
                ),
                "computed_at": timezone.now(),
            },
        )
    return live_server.url, demo.municipality.slug


def test_the_mayor_reads_the_dashboard(page, site) -> None:
    url, slug = site
    log_in(page, url, Role.MAYOR)
    page.goto(f"{url}/kommuner/{slug}/overblik/")
    page.get_by_role("heading", name="Overblik over samskabelsen").wait_for()
    page.get_by_role("table", name="Deltagere pr. måned efter rolle").wait_for()
    page.get_by_text("Beregnet").first.wait_for()
    page.get_by_role("link", name="Se hele landskabet med kort og tabel").wait_for()
    check(page)

    # A shorter period.
    today = timezone.localdate()
    page.get_by_label("Fra").fill((today - timedelta(days=60)).isoformat())
    page.get_by_label("Til").fill(today.isoformat())
    page.get_by_role("button", name="Vis perioden").click()
    page.get_by_role("heading", name="Deltagelse over tid").wait_for()
    check(page)

    # A reversed period: the reason, nothing else.
    page.get_by_label("Fra").fill(today.isoformat())
    page.get_by_label("Til").fill((today - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Vis perioden").click()
    page.get_by_role("alert").get_by_text("Perioden slutter, før den begynder").wait_for()
    check(page)

    # The figures as a file.
    page.goto(f"{url}/kommuner/{slug}/overblik/")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV til regneark").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_a_citizen_is_turned_away(page, site) -> None:
    url, slug = site
    log_in(page, url, Role.CITIZEN)
    response = page.goto(f"{url}/kommuner/{slug}/overblik/")
    assert response is not None and response.status == 403
