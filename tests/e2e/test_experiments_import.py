"""Importing experiments in a real browser: from the portfolio's link, a file with a bad row
is refused with its reason, then the export goes back in; axe on every page, at desktop width
and at 390 px."""

from __future__ import annotations

import pytest
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


def test_import_from_the_portfolio(site, page, tmp_path):
    with scopes_disabled():
        demo = Experiment.objects.select_related("municipality", "initiative").get()
        slug = demo.municipality.slug
        title = demo.initiative.title
    log_in(page, site, "facilitator")
    page.goto(f"{site}/kommuner/{slug}/eksperimenter/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent eksperimenterne som CSV til regneark").click()
    exported = tmp_path / "eksperimenter.csv"
    download.value.save_as(exported)
    text = exported.read_text(encoding="utf-8-sig")
    page.get_by_role("link", name="Importer eksperimenter").click()
    check(page)
    # The same file with its zone spoilt: refused, with the row and the reason.
    bad = tmp_path / "forkert.csv"
    header, row = text.splitlines()[:2]
    cells = row.split(";")
    cells[header.split(";").index("Zone")] = "9"
    bad.write_text("\ufeff" + header + "\r\n" + ";".join(cells) + "\r\n", encoding="utf-8")
    page.get_by_label("Fil (CSV eller JSON)").set_input_files(str(bad))
    page.get_by_label("Initiativ").select_option(label=title)
    page.get_by_role("button", name="Importer").click()
    page.get_by_text("Zonen skal være et tal fra 1 til 5").wait_for()
    check(page)
    page.get_by_role("link", name="Importer en fil mere").click()
    page.get_by_label("Fil (CSV eller JSON)").set_input_files(str(exported))
    page.get_by_label("Initiativ").select_option(label=title)
    page.get_by_role("button", name="Importer").click()
    page.get_by_text("1 eksperiment er oprettet.").wait_for()
    check(page)
    with scopes_disabled():
        assert Experiment.objects.filter(title=demo.title).count() == 2
