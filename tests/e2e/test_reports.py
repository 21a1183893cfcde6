"""The council report in a real browser, on the demo: the facilitator reads the draft, edits it
with the keyboard only and sends it to the committee; a citizen reads the published version;
staff read the movement's report. axe on every page at 1200 px and at 390 px (where nothing may
scroll sideways)."""

from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.accounts.models import Role
from samskab.challenges.models import Challenge
from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.conftest import check_both_widths as check
from tests.e2e.test_foundation import log_in

ELDERLY = "Hvordan kan vi sammen skabe flere gode fællesskaber for ældre, der føler sig alene?"


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    return live_server.url


def tab_to(page, name: str, limit: int = 40) -> None:
    """Press Tab until the element named `name` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
        if focused == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


def test_staff_edit_and_send_the_report_and_citizens_read_it(site, page):
    with scope(municipality=Municipality.objects.get(code="0265")):
        challenge = Challenge.objects.get(title=ELDERLY)
    log_in(page, site, Role.FACILITATOR)
    page.goto(site + challenge.get_absolute_url())
    page.get_by_role("link", name="Se udkastet til indstillingen").click()
    page.get_by_role("heading", name="Sagsfremstilling").wait_for()
    page.get_by_text("Dette er et udkast.").wait_for()
    check(page)
    # Every section is filled from the demo's data, each with its source.
    assert page.get_by_text("Kilde:").count() == 7
    assert page.get_by_text("Vurderingen har flyttet sig mellem runderne.").is_visible()
    assert page.locator("figure img[alt]").count() >= 2

    page.get_by_role("link", name="Rediger teksterne").click()
    page.get_by_role("heading", name="Rediger indstillingen").wait_for()
    check(page)
    # With the keyboard only: type into the fields, Tab to the button, press Enter.
    page.get_by_label("Udvalg og vej").focus()
    page.keyboard.type("Social- og Sundhedsudvalget → Byrådet")
    page.keyboard.press("Tab")
    page.keyboard.type("Beslutning")
    page.get_by_label("Sagsresumé").focus()
    page.keyboard.type("Borgere, foreninger og medarbejdere har sammen fundet tre spor.")
    tab_to(page, "Gem")
    page.keyboard.press("Enter")
    page.get_by_text("Indstillingen er gemt.").wait_for()
    assert page.get_by_text(
        "Borgere, foreninger og medarbejdere har sammen fundet tre spor."
    ).is_visible()
    check(page)

    tab_to(page, "Send til udvalget", limit=400)
    page.keyboard.press("Enter")
    page.get_by_text("Indstillingen er sendt til udvalget.").wait_for()
    page.get_by_role("button", name="Start en ny udgave").wait_for()
    check(page)

    log_in(page, site, Role.CITIZEN)
    page.goto(site + challenge.get_absolute_url())
    page.get_by_role("link", name="Læs indstillingen").click()
    page.get_by_text("(udgave 1)").wait_for()
    assert page.get_by_text(
        "Borgere, foreninger og medarbejdere har sammen fundet tre spor."
    ).is_visible()
    assert page.get_by_role("link", name="Rediger teksterne").count() == 0
    check(page)


def test_staff_read_the_movement_s_report(site, page):
    log_in(page, site, Role.MANAGER)
    page.goto(f"{site}/kommuner/roskilde/")
    page.get_by_role("link", name="Se indstillingen om bevægelsen").click()
    page.get_by_role("heading", name="Udfordringerne").wait_for()
    check(page)
    page.get_by_role("link", name="Rediger teksterne").click()
    page.get_by_role("heading", name="Rediger indstillingen").wait_for()
    check(page)
