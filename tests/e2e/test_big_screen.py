"""The workshop's big screen on a projector: at 1920 × 1080 and 1280 × 720 the whole Stacey chart
and every label fit the screen with no scrolling, at a size people read from the back of the
room, with the zones drawn; and people who join again are counted once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope

from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from samskab.workshops import services
from samskab.workshops.demo import DEMO_CODE
from samskab.workshops.models import Activity, ActivityKind, LiveSession
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_foundation import log_in

# Text on the chart and beside it is at least this many CSS pixels high as drawn: 1280 × 720 is
# the smallest projector we plan for, and 18 px there is about 2.5 % of the screen's height.
MIN_FONT_PX = 18
SIZES = [(1920, 1080), (1280, 720)]
# Answers spread over all four corners and the middle, so every zone has people in it.
ANSWERS = [(1, 1), (1, 5), (5, 5), (5, 1), (3, 3), (4, 4), (2, 3), (5, 5)]


@pytest.fixture
def screen_url(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    municipality = Municipality.objects.get(code="0265")
    with scope(municipality=municipality):
        session = LiveSession.objects.get(code=DEMO_CODE)
        stacey = Activity.objects.get(session=session, kind=ActivityKind.STACEY)
        LiveSession.objects.filter(pk=session.pk).update(current=stacey)
        session.refresh_from_db()
        for n, (agreement, certainty) in enumerate(ANSWERS):
            participant = services.join(session, AnonymousUser(), pseudonym=f"Deltager {n}")
            participant.session = session
            services.answer(stacey, participant, {"agreement": agreement, "certainty": certainty})
    return f"{live_server.url}/kommuner/roskilde/workshop/{session.pk}/storskaerm/"


MEASURE = """() => {
    const svg = document.querySelector('[data-testid=stacey-chart]');
    const box = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    const scale = svg.getScreenCTM().a;
    const inSvg = [...svg.querySelectorAll('text')].map(t => ({
        text: t.textContent.trim(), box: box(t.getBoundingClientRect()),
        px: parseFloat(getComputedStyle(t).fontSize) * scale}));
    const html = [...document.querySelectorAll('main p, main h1, main h2, main li')]
        .filter(e => e.innerText.trim()).map(e => ({
            text: e.innerText.trim().slice(0, 40), box: box(e.getBoundingClientRect()),
            px: parseFloat(getComputedStyle(e).fontSize)}));
    const d = document.documentElement;
    return {
        svg: box(svg.getBoundingClientRect()), inSvg, html,
        scrollWidth: d.scrollWidth, scrollHeight: d.scrollHeight,
        width: window.innerWidth, height: window.innerHeight,
        zones: [...svg.querySelectorAll('[data-testid=stacey-zone]')].map(z => z.dataset.zone),
        legend: document.querySelector('[data-testid=stacey-legend]').innerText,
    };
}"""


def _inside(inner: dict, outer: dict, slack: float = 0.5) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["top"] >= outer["top"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_big_screen_fits_a_projector(browser, screen_url, width, height):
    context = browser.new_context(locale="da-DK", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, screen_url.split("/kommuner/")[0], "facilitator")
        page.goto(screen_url)
        page.get_by_test_id("stacey-n").filter(has_text=f"{len(ANSWERS)} svar").wait_for()
        found = page.evaluate(MEASURE)
        viewport = {"left": 0, "top": 0, "right": width, "bottom": height}

        # No scrolling either way: the whole page is the screen.
        assert found["scrollWidth"] <= width and found["scrollHeight"] <= height, found
        assert _inside(found["svg"], viewport), found["svg"]

        # Every label on the chart whole, inside the chart and the screen, and large enough.
        texts = {t["text"] for t in found["inSvg"]}
        assert {"Enighed → mere enige", "Sikkerhed → mere sikker"} <= texts
        for label in found["inSvg"]:
            assert _inside(label["box"], found["svg"]), label
            assert _inside(label["box"], viewport), label
            assert label["px"] >= MIN_FONT_PX, label
        for element in found["html"]:
            assert _inside(element["box"], viewport), element
            assert element["px"] >= MIN_FONT_PX, element

        # The Stacey zones are drawn, numbered, and named beside the chart.
        assert sorted(found["zones"]) == ["1", "2", "3", "4", "5"]
        assert {"1", "2", "3", "4", "5"} <= texts
        for name in ["Plan og styring", "Forhandling", "Fælles vision", "Skab ro først"]:
            assert name in found["legend"]
        assert page.get_by_test_id("stacey-mean").count() == 1
        assert f"{len(ANSWERS)} deltagere" in page.get_by_test_id("board").inner_text()

        # What a screenshot of the whole page holds is exactly one screen.
        shot = page.screenshot(full_page=True)
        assert _png_size(shot) == (width, height)
        assert_accessible(page)
    finally:
        context.close()


def _png_size(png: bytes) -> tuple[int, int]:
    # The IHDR chunk comes first: width and height as big-endian 32-bit integers.
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_a_phone_joining_again_is_counted_once_on_the_screen(browser, screen_url):
    site = screen_url.split("/kommuner/")[0]
    screen = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 720})
    phone = browser.new_context(locale="da-DK", viewport={"width": 390, "height": 844})
    try:
        big = screen.new_page()
        log_in(big, site, "facilitator")
        big.goto(screen_url)
        board = big.get_by_test_id("board")
        board.filter(has_text=f"{len(ANSWERS)} deltagere").wait_for()
        tab = phone.new_page()
        for name in ["Ny", "Ny igen"]:
            tab.goto(f"{site}/deltag/")
            tab.get_by_label("Deltagerkode").fill(DEMO_CODE)
            tab.get_by_label("Dit navn i workshoppen").fill(name)
            tab.get_by_role("button", name="Deltag").click()
            tab.get_by_text(f"Du deltager som {name}.").wait_for()
        board.filter(has_text=f"{len(ANSWERS) + 1} deltagere").wait_for(timeout=3000)
        big.wait_for_timeout(1500)  # a poll or two later it still counts the phone once
        assert f"{len(ANSWERS) + 1} deltagere" in board.inner_text()
    finally:
        screen.close()
        phone.close()
