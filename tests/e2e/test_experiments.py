"""Safe-to-fail experiments in a real browser: design one (bad input first), review the demo's
experiment, and see the portfolio; axe on every page, at desktop width and at 390 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from samskab.demo.content import load_demo
from samskab.experiments.models import Experiment
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.test_foundation import log_in
from tests.e2e.test_initiatives import check


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    return live_server.url


def test_design_review_and_portfolio(site, page):
    with scopes_disabled():
        demo = Experiment.objects.select_related("municipality").get()
    log_in(page, site, "facilitator")
    page.goto(site + demo.get_absolute_url())
    check(page)
    page.get_by_role("link", name="Alle eksperimenter i initiativet").click()
    check(page)
    page.get_by_role("link", name="Start et nyt eksperiment").click()
    check(page)
    page.get_by_label("Titel").fill("Gåtur efter spisningen")
    page.get_by_label("Hypotese").fill("Hvis vi går en tur bagefter, bliver flere hængende.")
    page.get_by_label("Tegn I holder øje med").fill("Hvor mange går med.")
    page.get_by_label("I forstærker eksperimentet, hvis …").fill("Over halvdelen går med.")
    page.get_by_label("I dæmper eksperimentet, hvis …").fill("Under fem går med.")
    page.get_by_label("I stopper eksperimentet, hvis …").fill("Ingen går med to gange.")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Hvornår følger I op?").fill(yesterday.isoformat())
    page.get_by_label("Samskabelse og små eksperimenter").check()
    page.get_by_role("button", name="Gem eksperimentet").click()
    page.get_by_text("Datoen er allerede passeret.").first.wait_for()
    assert page.get_by_label("Hypotese").input_value().startswith("Hvis vi går en tur")
    check(page)
    page.get_by_label("Hvornår følger I op?").fill((yesterday + timedelta(days=8)).isoformat())
    page.get_by_role("button", name="Gem eksperimentet").click()
    page.get_by_text("Eksperimentet er gemt.").wait_for()
    check(page)

    page.goto(site + demo.get_absolute_url())
    page.get_by_role("link", name="Følg op").click()
    check(page)
    page.get_by_label("Forstærk", exact=True).check()
    page.get_by_role("button", name="Gem opfølgningen").click()
    page.get_by_text("Skriv, hvad I har set").first.wait_for()
    check(page)
    page.get_by_label("Hvad har I set?").fill("18 kom, og 11 kom igen.")
    page.get_by_role("button", name="Gem opfølgningen").click()
    page.get_by_text("Opfølgningen er gemt.").wait_for()
    check(page)

    page.goto(f"{site}/kommuner/{demo.municipality.slug}/eksperimenter/")
    page.get_by_role("table", name="Antal eksperimenter pr. zone og status").wait_for()
    assert page.get_by_text("Gåtur efter spisningen").is_visible()
    check(page)
