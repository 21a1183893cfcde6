"""Search in the browser, at 1200 px and on a phone (390 px): found from the main menu inside
the municipality, used with the keyboard alone (type, Enter, results), no sideways scrolling,
and axe finds nothing on the page before or after a search."""

from __future__ import annotations

import pytest

from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.conftest import assert_accessible

YOUTH = "Hvad ville få dig til at gå til noget i din fritid?"


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    demo = load_demo()
    return live_server.url, demo.municipality


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


@pytest.mark.parametrize("width", [1200, 390])
def test_search_from_the_menu_with_the_keyboard(site, page, width):
    url, municipality = site
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    page.goto(f"{url}/kommuner/{municipality.slug}/")
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()
    menu = page.get_by_role("navigation", name="Hovedmenu")
    link = menu.get_by_role("link", name="Søg", exact=True)
    assert link.get_attribute("href") == f"/soeg/?kommune={municipality.slug}"
    link.click()
    page.wait_for_url(f"{url}/soeg/?kommune={municipality.slug}")
    assert_accessible(page)
    no_sideways_scroll(page)
    assert page.get_by_label("Kommune").input_value() == municipality.slug

    # The keyboard alone: focus the field, type, Enter.
    field = page.get_by_label("Søg i udfordringer, idéer, udsagn, læring og initiativer")
    field.focus()
    page.keyboard.type("fritid")
    page.keyboard.press("Enter")
    page.wait_for_url("**/soeg/?*q=fritid*")
    status = page.get_by_role("status")
    assert f"for »fritid« i {municipality.name}" in status.inner_text()
    result = page.get_by_role("link", name=YOUTH)
    assert result.count() >= 1
    assert_accessible(page)
    no_sideways_scroll(page)

    # Tab reaches the first result, and Enter opens it.
    result.first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=YOUTH, level=1).wait_for()


@pytest.mark.parametrize("width", [1200, 390])
def test_nothing_found_and_bad_input_say_so_in_danish(site, page, width):
    url, municipality = site
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    page.goto(f"{url}/soeg/?kommune={municipality.slug}&q=xyzzyqwerty")
    assert "0 resultater" in page.get_by_role("status").inner_text()
    page.get_by_text("Prøv med andre eller færre ord.").wait_for()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.goto(f"{url}/soeg/?kommune={municipality.slug}&q=" + "a" * 300)
    assert page.evaluate("() => document.title")  # a page, not a server error
    assert_accessible(page)
    no_sideways_scroll(page)
