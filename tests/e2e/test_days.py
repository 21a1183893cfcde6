"""A citizen's day and a moderator's day on the demo, end to end in a phone's browser (390 px),
with axe and no sideways scrolling at every step.

The citizen goes from their start page to the municipality, opens a challenge, proposes an
idea, supports another, reports a third, votes in the opinion conversation and finds their idea
under "Mine idéer". The moderator sees the report as a count in the menu, opens the queue, reads
the idea, hides it with a reason, and sees the queue and the idea change."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope

from samskab.challenges.models import Challenge, Idea, Visibility
from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from samskab.opinions.models import Conversation
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_foundation import log_in

CLIMATE = "Hvor skal regnvandet hen, når skybruddet kommer?"
MINE = "Grønne tage på cykelskurene"
REASON = "Det ligner en reklame for et firma."
HIDDEN_BECAUSE = "Vi må ikke reklamere for firmaer her."


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    demo = load_demo()
    with scope(municipality=demo.municipality):
        challenge = Challenge.objects.get(title=CLIMATE)
        citizen = demo.people["borger"]
        # Ideas of others the citizen has neither supported nor reported yet.
        others = list(
            Idea.objects.filter(challenge=challenge, visibility=Visibility.VISIBLE)
            .exclude(author=citizen)
            .exclude(supports__person=citizen)
            .exclude(flags__isnull=False)
            .order_by("pk")
        )
        supported, reported = others[0], others[1]
        conversation = (
            Conversation.objects.filter(municipality=demo.municipality, is_open=True)
            .order_by("pk")
            .first()
        )
    return live_server.url, demo.municipality, challenge, supported, reported, conversation


def step(page) -> None:
    """What every step of the day must be: accessible and no wider than the phone."""
    assert_accessible(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways ({width} px)"


def menu(page):
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.get_by_role("navigation", name="Hovedmenu")


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def test_a_citizens_day_and_a_moderators_day(site, phone):
    url, municipality, challenge, supported, reported, conversation = site
    page = phone

    # -- the citizen ------------------------------------------------------------------------
    log_in(page, url, "borger")
    step(page)  # the start page after logging in
    menu(page).get_by_role("link", name=str(municipality.name), exact=True).click()
    page.wait_for_url(f"{url}/kommuner/{municipality.slug}/")
    step(page)
    page.get_by_role("link", name=CLIMATE).first.click()
    page.get_by_role("heading", name=CLIMATE, level=1).wait_for()
    step(page)

    page.get_by_role("link", name="Foreslå en idé").click()
    step(page)
    page.get_by_label("Din idé i én sætning").fill(MINE)
    page.get_by_label("Beskriv idéen").fill("Sedum på taget holder på regnvandet og er pænt.")
    page.get_by_role("button", name="Send idéen").click()
    page.get_by_role("heading", name=MINE, level=1).wait_for()
    step(page)

    page.goto(url + challenge.get_absolute_url())
    page.get_by_role("link", name=supported.title).first.click()
    page.get_by_role("heading", name=supported.title, level=1).wait_for()
    page.get_by_role("button", name="Støt idéen").click()
    page.get_by_text("Tak for din støtte!").wait_for()
    step(page)

    page.goto(url + challenge.get_absolute_url())
    page.get_by_role("link", name=reported.title).first.click()
    page.get_by_role("link", name="Anmeld idéen").click()
    step(page)
    page.get_by_label("Hvorfor skal en moderator se på det?").fill(REASON)
    page.get_by_role("button", name="Send anmeldelse").click()
    page.get_by_role("heading", name=reported.title, level=1).wait_for()
    step(page)

    page.goto(url + conversation.get_absolute_url())
    step(page)
    page.get_by_role("button", name="Enig", exact=True).click()
    page.get_by_text("Tak! Din stemme er gemt.").wait_for()
    step(page)

    menu(page).get_by_role("link", name="Mine sider").click()
    page.wait_for_url(f"{url}/mig/")
    mine = page.locator("section, div").filter(has=page.get_by_role("heading", name="Mine idéer"))
    mine.get_by_role("link", name=MINE).first.wait_for()
    step(page)
    page.get_by_role("button", name="Log ud").click()

    # -- the moderator ----------------------------------------------------------------------
    log_in(page, url, "moderator")
    step(page)
    queue_link = menu(page).get_by_role("link", name=re.compile(r"^Moderation"))
    waiting = int(queue_link.locator(".samskab-badge").inner_text())
    assert waiting >= 1  # the citizen's report, at least
    assert re.search(rf"{waiting} venter", queue_link.inner_text() + queue_link.text_content())
    queue_link.click()
    page.get_by_role("heading", name="Moderation", level=1).wait_for()
    step(page)
    card = page.locator("li.samskab-card").filter(has_text=REASON)
    card.get_by_role("link", name=reported.title).click()
    page.get_by_role("heading", name=reported.title, level=1).wait_for()
    step(page)  # the moderator reads the idea before deciding

    page.get_by_label("Handling").select_option("hidden")
    page.get_by_label("Begrundelse, som forfatteren kan se").fill(HIDDEN_BECAUSE)
    page.get_by_role("button", name="Gem beslutningen").last.click()
    # The decision takes the moderator back to the queue, which says so.
    page.get_by_text("Det er gjort. Forfatteren har fået besked.").wait_for()
    page.get_by_role("heading", name="Moderation", level=1).wait_for()
    step(page)

    # Reflected: the report has left the queue, and the count in the menu went down by one.
    assert page.locator("li.samskab-card").filter(has_text=REASON).count() == 0
    badge = (
        menu(page).get_by_role("link", name=re.compile(r"^Moderation")).locator(".samskab-badge")
    )
    assert (int(badge.inner_text()) if badge.count() else 0) == waiting - 1
    # And the idea itself says it is hidden, and why.
    page.goto(url + reported.get_absolute_url())
    page.get_by_text("Skjult af en moderator").first.wait_for()
    assert page.get_by_text(HIDDEN_BECAUSE).first.is_visible()
    step(page)
    with scope(municipality=municipality):
        assert Idea.objects.get(pk=reported.pk).visibility == Visibility.HIDDEN

    # And the citizen sees the idea is gone from the challenge.
    log_in(page, url, "borger")
    page.goto(url + challenge.get_absolute_url())
    page.get_by_role("heading", name=CLIMATE, level=1).wait_for()
    assert page.get_by_role("link", name=reported.title).count() == 0
    step(page)
