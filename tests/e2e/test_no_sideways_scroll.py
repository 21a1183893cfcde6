"""No page of the demo scrolls sideways on a phone (390 px), and axe finds nothing there.

A citizen and an administrator log in on the demo and visit the pages the main navigation and
the demo's movement, challenges, rooms, initiatives and landscape link to (collected from the
pages themselves, at most MAX_PAGES in all), each at 390 × 844."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from samskab.accounts.models import Role
from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.conftest import axe_violations
from tests.e2e.test_foundation import log_in

MAX_PAGES = 20  # per person: two people, about 40 pages, well under three minutes
SKIP = (
    "/konto/logout",
    "/eksport/",
    ".csv",
    ".json",
    ".xlsx",
    ".graphml",
    "/api/",
    "/admin/",
    "/storskaerm/",
    "/sprog/",
    "/pdf",
)


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    demo = load_demo()
    return live_server.url, demo.municipality.slug


def _links(page, site: str, slug: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        path = urlparse(href).path if href.startswith(site) else href
        if not path.startswith("/") or any(s in path for s in SKIP):
            continue
        if path.startswith(f"/kommuner/{slug}/") or path in ("/", "/mig/", "/deltag/"):
            found.append(path)
    return found


def _walk(page, site: str, slug: str) -> list[str]:
    page.set_viewport_size({"width": 390, "height": 844})
    queue = ["/mig/", f"/kommuner/{slug}/"]
    seen: list[str] = []
    problems: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.append(path)
        response = page.goto(site + path)
        if response is None or response.status >= 400:
            continue
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 390:
            problems.append(f"{path}: {width} px wide")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{path}: axe {[v['id'] for v in violations]}")
        queue.extend(p for p in _links(page, site, slug) if p not in seen)
    assert len(seen) >= 5, seen
    return problems


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.ADMINISTRATOR])
def test_no_page_scrolls_sideways_at_390_px(page, site, role) -> None:
    url, slug = site
    log_in(page, url, role)
    problems = _walk(page, url, slug)
    assert problems == []


def test_the_main_menu_folds_on_a_phone_and_opens_by_keyboard(page, site) -> None:
    url, slug = site
    log_in(page, url, Role.ADMINISTRATOR)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{url}/kommuner/{slug}/")
    menu = page.get_by_role("navigation", name="Hovedmenu")
    button = menu.get_by_role("button", name="Menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu.get_by_role("link", name="Mine sider").is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    menu.get_by_role("link", name="Moderation").wait_for()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
