"""The landscape page in a real browser: desktop and phone width without sideways scrolling,
axe 0 violations, and a keyboard user who tabs to a node on the map and lands on its row."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from samskab.demo.content import load_demo
from samskab.landscape import services
from samskab.landscape.models import LandscapeRun
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_foundation import log_in
from tests.landscape.documents import make_document

URL = "/kommuner/roskilde/landskab/"


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    start, end = services.default_period(timezone.localdate())
    doc = make_document(60, 4, seed=3)
    doc["period"] = {"start": start.isoformat(), "end": end.isoformat()}
    with scopes_disabled():
        LandscapeRun.objects.update_or_create(
            municipality=Municipality.objects.get(slug="roskilde"),
            start=start,
            end=end,
            defaults={
                "data": doc,
                "computed_at": timezone.now(),
                "pending_since": None,
                "error": "",
            },
        )
    return live_server.url


def no_sideways_scroll(page, width: int) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll}px wide at {width}px"


def test_the_landscape_at_desktop_and_phone_width(site, page):
    log_in(page, site, "administrator")
    page.goto(site + URL)
    page.get_by_role("heading", name="Samskabelseslandskabet", level=1).wait_for()
    assert page.get_by_text("Jeres samskabelse består af 4 øer.").is_visible()
    assert page.get_by_role("heading", name="Hvem forbinder?").is_visible()
    assert page.get_by_role("group", name="Netværkskort over 60 aktører").is_visible()
    no_sideways_scroll(page, 1200)
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    no_sideways_scroll(page, 390)
    box = page.locator("svg.lm-map").bounding_box()
    assert box is not None and box["width"] <= 390
    assert_accessible(page)

    # Bad input: a clear message, and the page still works.
    page.goto(site + URL + "?fra=2026-06-01&til=2026-01-01")
    assert page.get_by_text("Perioden slutter, før den begynder").first.is_visible()
    no_sideways_scroll(page, 390)
    assert_accessible(page)


def test_a_keyboard_user_reaches_a_node_and_its_row(site, page):
    log_in(page, site, "medarbejder")
    page.goto(site + URL)
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('a.lm-link')"):
            break
    else:
        pytest.fail("no node on the map could be reached with Tab")
    target = page.evaluate("() => document.activeElement.getAttribute('href')")
    name = page.evaluate("() => document.activeElement.querySelector('title').textContent")
    assert target.startswith("#aktor-") and name
    page.keyboard.press("Enter")
    page.wait_for_function("h => location.hash === h", arg=target)
    row = page.locator(target)
    assert row.is_visible()
    assert row.locator("th").inner_text() == name.split(", ")[0]
    box = row.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
    # The next Tab stop is the next node: every node is reachable.
    page.goto(site + URL)
    count = page.locator("a.lm-link").count()
    assert count == 60
    assert page.locator("a.lm-link[tabindex='0']").count() == 60


@pytest.fixture
def demo_site(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    return live_server.url


def test_the_demo_landscape_on_a_phone(demo_site, page):
    """The document the real computation writes: readable at 390 px, axe clean."""
    log_in(page, demo_site, "borgmester")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site + URL)
    assert page.get_by_text("Jeres samskabelse består af").first.is_visible()
    page.get_by_role("heading", name="Hvem forbinder?").wait_for()
    no_sideways_scroll(page, 390)
    assert_accessible(page)
