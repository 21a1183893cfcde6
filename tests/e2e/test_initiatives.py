"""An idea becomes an initiative in a real browser: two partners commit hours and kroner, and
the economy view shows the gap; axe on every new page, at desktop width and at 390 px (where
nothing may scroll sideways)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django_scopes import scope

from samskab.accounts.models import Role
from samskab.challenges.models import Challenge
from samskab.demo.content import DEMO_PASSWORD, demo_email, load_demo
from samskab.initiatives.models import Initiative
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.conftest import check_both_widths as check
from tests.e2e.test_foundation import log_in

ELDERLY = "Hvordan kan vi sammen skabe flere gode fællesskaber for ældre, der føler sig alene?"
TITLE = "Gåture for alle"


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    return live_server.url


def commit(page, economy_url: str, kind: str, quantity: str, **extra: str) -> None:
    page.goto(economy_url)
    page.get_by_role("link", name="Giv et tilsagn").click()
    check(page)
    page.get_by_label("Hvad bidrager partneren med?").select_option(label=kind)
    page.get_by_label("Mængde").fill(quantity)
    for label, value in extra.items():
        page.get_by_label(label.replace("_", " ")).fill(value)
    page.get_by_role("button", name="Giv tilsagnet").click()
    page.get_by_text("Tilsagnet er gemt.").wait_for()


def log_in_by_email(page, site: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/konto/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{site}/mig/")


def test_an_idea_becomes_an_initiative_with_an_economy_that_shows_the_gap(site, page):
    with scope(municipality=Municipality.objects.get(code="0265")):
        challenge = Challenge.objects.get(title=ELDERLY)
    log_in(page, site, Role.FACILITATOR)
    page.goto(site + challenge.get_absolute_url())
    page.get_by_role("link", name="Gør idéer til et initiativ").click()
    check(page)
    ideas = page.locator("fieldset", has_text="Idéer, initiativet bygger på")
    first = ideas.locator("label").first
    idea_title = first.inner_text().strip()
    if not ideas.get_by_role("checkbox").first.is_checked():
        first.click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Formål").fill("Faste gåture, så ingen går alene.")
    # Bad input first: an end before the start keeps what was typed.
    page.get_by_label("Start").fill("2026-06-01")
    page.get_by_label("Slut").fill("2026-01-01")
    page.get_by_role("button", name="Opret initiativet").click()
    page.get_by_text("Der er noget, du skal rette").wait_for()
    assert page.get_by_label("Titel").input_value() == TITLE
    check(page)
    page.get_by_label("Slut").fill("2026-12-31")
    page.get_by_role("button", name="Opret initiativet").click()
    page.get_by_role("heading", name=TITLE, level=1).wait_for()
    assert page.get_by_role("link", name=idea_title).first.is_visible()
    check(page)
    detail = page.url

    for organisation, role in [
        ("Fælles Fodslag – frivillige for ældre", Role.ASSOCIATION),
        ("Fjordens Cykler ApS", Role.BUSINESS),
    ]:
        page.goto(detail)
        page.get_by_role("link", name="Tilføj en partner").click()
        check(page)
        page.get_by_label("Organisation").select_option(label=organisation)
        page.get_by_label("Kontaktpersonens e-mail").fill(demo_email(role))
        page.get_by_role("button", name="Tilføj partneren").click()
        page.get_by_text("Partneren er tilføjet.").wait_for()

    # Who carries what: one part of the work with exactly one responsible.
    page.goto(detail)
    page.get_by_role("link", name="Tilføj en del af arbejdet").click()
    check(page)
    page.get_by_label("Del af arbejdet").fill("Ruterne og værterne")
    page.get_by_label("Fælles Fodslag – frivillige for ældre").select_option(label="Ansvarlig")
    page.get_by_label("Fjordens Cykler ApS").select_option(label="Informeret")
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Ansvarsfordelingen er gemt.").wait_for()
    assert page.get_by_role("cell", name="Ansvarlig").is_visible()
    # The partnership agreement, and its printable page.
    page.get_by_role("link", name="Skriv en samarbejdsaftale").first.click()
    check(page)
    page.get_by_role("button", name="Gem aftalen").click()
    page.get_by_role("heading", name=f"Samarbejdsaftale om »{TITLE}«").wait_for()
    check(page)
    page.emulate_media(media="print")
    assert not page.locator(".samskab-header").is_visible()
    page.emulate_media(media="screen")
    # A status change, on the public timeline.
    page.goto(detail)
    page.get_by_role("link", name="Skift status").click()
    check(page)
    page.get_by_label("Status").select_option(label="I gang")
    page.get_by_label("Hvad er der sket? Teksten vises på tidslinjen.").fill("Første gåtur i dag.")
    page.get_by_role("button", name="Gem status").click()
    page.get_by_text("Første gåtur i dag.").wait_for()
    page.get_by_role("link", name="Tilføj en milepæl").click()
    check(page)
    page.goto(site + "/kommuner/roskilde/initiativer/import/")
    check(page)

    page.goto(detail)
    page.get_by_role("link", name="Se hele økonomien").click()
    economy = page.url
    page.get_by_role("link", name="Tilføj en budgetpost").click()
    page.get_by_label("Budgetpost").fill("Gåturenes udgifter")
    page.get_by_label("Beløb i kroner").fill("50.000,00")
    page.get_by_role("button", name="Tilføj budgetposten").click()
    page.get_by_text("Budgetposten er tilføjet.").wait_for()

    # The association's chair commits 40 volunteer hours at 200 kr.; the business 12.500,50 kr.
    log_in(page, site, Role.ASSOCIATION)
    commit(
        page,
        economy,
        "Timer",
        "40",
        **{
            "Timepris i kroner": "200",
            "Sådan er værdien sat": "Erstatningsværdien af lignende lønnet arbejde",
        },
    )
    log_in(page, site, Role.BUSINESS)
    commit(page, economy, "Kroner", "12.500,50")

    page.goto(economy)
    assert page.get_by_text("Der mangler tilsagn for 29.499,50 kr.").is_visible()
    assert page.get_by_text("Erstatningsværdien af lignende lønnet arbejde").is_visible()
    assert page.get_by_role("cell", name="20.500,50 kr.").first.is_visible()
    check(page)
    page.get_by_role("link", name="Timer").first.click()
    page.get_by_role("heading", name="Historik").wait_for()
    check(page)

    page.goto(site + "/kommuner/roskilde/initiativer/")
    assert page.get_by_role("link", name=TITLE).is_visible()
    check(page)
    page.goto(site + challenge.get_absolute_url())
    assert page.get_by_role("link", name=TITLE).is_visible()

    # The idea's author was told of the status change by mail, with a link that works, and sees
    # on the idea's own page what became of it.
    with scope(municipality=Municipality.objects.get(code="0265")):
        initiative = Initiative.objects.get(title=TITLE)
        links = initiative.idea_links.select_related("idea__author").order_by("idea__title")
        idea = next(link.idea for link in links if link.idea.author is not None)
    told = [m for m in mail.outbox if idea.author.email in m.to and "I gang" in m.body]
    assert told, [m.subject for m in mail.outbox]
    link = re.search(r"https?://\S+", told[-1].body).group(0)
    log_in_by_email(page, site, idea.author.email)
    page.goto(site + urlparse(link).path)
    page.get_by_role("heading", name=TITLE, level=1).wait_for()
    page.goto(site + idea.get_absolute_url())
    panel = page.locator("section", has_text="Hvad blev der af idéen?")
    assert panel.get_by_role("link", name=TITLE).is_visible()
    assert "I gang" in panel.inner_text()
    check(page)
