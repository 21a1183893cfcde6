"""Complexity assessment in a real browser: two rounds, the matrix and its movement; axe on
every page."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope

from samskab.challenges.models import Challenge
from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_foundation import log_in

YOUTH = "Hvad ville få dig til at gå til noget i din fritid?"


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    return live_server.url


def assessment_url(site: str) -> str:
    with scope(municipality=Municipality.objects.get(code="0265")):
        challenge = Challenge.objects.get(title=YOUTH)
        return f"{site}/kommuner/roskilde/udfordringer/{challenge.pk}/kompleksitet/"


def option(n: str) -> re.Pattern[str]:
    return re.compile(rf"^{n}( –.*)?$")


def rate(page, agreement: str, certainty: str, reason: str = "") -> None:
    page.locator("fieldset", has_text="Hvor enige er I").get_by_label(option(agreement)).check()
    page.locator("fieldset", has_text="Hvor sikkert er det").get_by_label(option(certainty)).check()
    if reason:
        page.get_by_label("Hvorfor? Skriv gerne en sætning").fill(reason)
    page.get_by_role("button", name="Gem mit svar").click()
    page.get_by_text("Tak! Dit svar er gemt.").wait_for()


def test_two_rounds_of_rating_show_the_matrix_and_how_it_moved(site, page):
    url = assessment_url(site)
    log_in(page, site, "facilitator")
    page.goto(url)
    assert_accessible(page)
    page.get_by_role("button", name="Start en ny runde").click()
    page.get_by_role("heading", name=f"Runde 1: {YOUTH}").wait_for()
    assert_accessible(page)
    round_1 = page.url

    log_in(page, site, "borger")
    page.goto(round_1)
    # Bad input: nothing chosen on one axis; the reason typed is kept.
    page.locator("fieldset", has_text="Hvor enige er I").get_by_label(option("2")).check()
    page.get_by_label("Hvorfor? Skriv gerne en sætning").fill("De unge er ikke spurgt.")
    page.get_by_role("button", name="Gem mit svar").click()
    page.get_by_text("Vælg et tal fra 1 til 5.").first.wait_for()
    assert page.get_by_label("Hvorfor? Skriv gerne en sætning").input_value() == (
        "De unge er ikke spurgt."
    )
    assert_accessible(page)
    rate(page, "2", "1", "De unge er ikke spurgt.")
    figure = page.get_by_role("img", name="Enighed og sikkerhed for " + YOUTH)
    assert figure.is_visible()
    assert page.get_by_text("Zone 5: Skab ro først").first.is_visible()
    assert_accessible(page)

    for role, (a, c) in {"medarbejder": ("3", "2"), "leder": ("2", "2")}.items():
        log_in(page, site, role)
        page.goto(round_1)
        rate(page, a, c)
    assert page.get_by_text("3 personer har svaret.").is_visible()

    log_in(page, site, "facilitator")
    page.goto(round_1)
    page.get_by_role("button", name="Start en ny runde").click()
    page.get_by_role("heading", name=f"Runde 2: {YOUTH}").wait_for()
    round_2 = page.url
    for role, (a, c) in {"borger": ("4", "3"), "medarbejder": ("4", "4")}.items():
        log_in(page, site, role)
        page.goto(round_2)
        rate(page, a, c)
    heading = page.get_by_role("heading", name="Sådan har svarene flyttet sig siden runden før")
    assert heading.is_visible()
    assert page.get_by_role("img", name="Enighed og sikkerhed for " + YOUTH).is_visible()
    assert_accessible(page)

    # A closed round refuses answers, keeps what was chosen, and says why.
    log_in(page, site, "facilitator")
    page.goto(round_1)
    assert page.get_by_text("Lukket").first.is_visible()
    page.goto(url)
    assert page.get_by_role("link", name="Runde 2").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ret kommunens zonegrænser").click()
    page.get_by_label("Kaos under (procent)").fill("50")
    page.get_by_role("button", name="Gem grænserne").click()
    page.get_by_text("Grænserne skal ligge sådan").first.wait_for()
    assert_accessible(page)
