"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) + axe-core."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SAMSKAB_CHROMIUM", "/usr/bin/chromium")
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The browser and the live server run in the same process: Playwright's sync API runs an
# event loop, which would make Django refuse ORM calls from the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but was not found at {CHROMIUM}")
        pytest.skip(
            f"LOUD SKIP: no Chromium at {CHROMIUM}; install it (apt-get install chromium) "
            "to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: an inline <script> (add_script_tag) would be
        # refused by the site's Content-Security-Policy, as any injected script should be.
        page.evaluate(AXE)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return result


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found problems on {page.url}: {violations}"


def check_both_widths(page) -> None:
    """axe at desktop width, then at 390 px with no sideways scrolling; back to desktop."""
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        assert_accessible(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{page.url} scrolls sideways at 390 px ({width} px wide)"
    finally:
        page.set_viewport_size({"width": 1200, "height": 900})
