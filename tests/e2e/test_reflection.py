"""Reflection in a real browser: a leader writes a private and a shared reflection, the
facilitator sees only what is shared, turns it into a learning, the authors consent, it is
published and found by search in another municipality; axe on every page."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Membership, Role, User
from samskab.demo.content import DEMO_PASSWORD, load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from samskab.reflection.demo import ROOM
from samskab.reflection.models import Room
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_foundation import log_in

PRIVATE = "Jeg holdt igen med at invitere foreningerne, fordi jeg var bange for at miste styringen."
SHARED = "Vi lyttede først rigtigt, da borgerne selv satte dagsordenen for mødet."


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    with scopes_disabled():
        aarhus = Municipality.objects.get(code="0751")
        person = User.objects.create_user(
            "leder@aarhus.test", DEMO_PASSWORD, display_name="Leder i Aarhus", email_verified=True
        )
        Membership.objects.create(municipality=aarhus, person=person, role=Role.MANAGER)
    return live_server.url


def log_in_as(page, site: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/konto/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{site}/mig/")


def write(page, prompt: str, text: str, visibility: str) -> None:
    page.get_by_label("Spørgsmål").select_option(label=prompt)
    page.get_by_label("Din refleksion").fill(text)
    page.get_by_label(visibility).check()
    page.get_by_role("button", name="Gem refleksionen").click()


def test_private_and_shared_reflection_learning_and_search_elsewhere(site, page):
    with scope(municipality=Municipality.objects.get(code="0265")):
        room_url = site + Room.objects.get(title=ROOM).get_absolute_url()

    log_in(page, site, "leder")
    page.goto(f"{site}/kommuner/roskilde/refleksion/")
    assert_accessible(page)
    page.get_by_role("link", name=ROOM).click()
    assert_accessible(page)
    page.get_by_role("link", name="Efter det første borgermøde").click()
    assert_accessible(page)
    write(page, "Hvad gjorde jeg – og hvorfor?", PRIVATE, "Privat – kun du kan se den")
    page.get_by_text("Din private refleksion er gemt. Kun du kan se den.").wait_for()
    # Over-long text (a browser without maxlength): a Danish message, and what was typed is kept.
    page.evaluate("document.getElementById('id_text').removeAttribute('maxlength')")
    write(page, "Hvad overraskede os?", SHARED + " " + "x" * 4000, "Delt med rummet – med dit navn")
    page.get_by_text("må højst være 4.000 tegn", exact=False).first.wait_for()
    assert page.get_by_label("Din refleksion").input_value().startswith(SHARED)
    assert_accessible(page)
    write(page, "Hvad overraskede os?", SHARED, "Delt med rummet – med dit navn")
    page.get_by_text("Din refleksion er delt med rummet.").wait_for()
    assert page.get_by_text(PRIVATE).is_visible()
    assert_accessible(page)
    session_url = page.url.split("#")[0]

    log_in(page, site, "facilitator")
    page.goto(session_url)
    assert page.get_by_text(SHARED).first.is_visible()
    assert page.get_by_text(PRIVATE).count() == 0
    assert page.get_by_role("heading", name="Mønstre på tværs af roller").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Gør en delt indsigt til læring").click()
    assert_accessible(page)
    page.get_by_label("Titel").fill("Lad borgerne sætte dagsordenen")
    page.get_by_label("Hvad har I lært?").fill(
        "Møder med ældre og pårørende virker bedst, når borgerne selv sætter dagsordenen."
    )
    page.get_by_label("Emner").fill("Ældre, dagsorden")
    page.get_by_label("Birgitte Larsen: " + SHARED[:40], exact=False).check()
    page.get_by_role("button", name="Gem læringen").click()
    page.get_by_role("heading", name="Lad borgerne sætte dagsordenen").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Spørg forfatterne om samtykke").click()
    page.get_by_text("Forfatterne er spurgt.").wait_for()
    learning_url = page.url
    page.get_by_role("button", name="Ja, den må deles").click()
    page.get_by_text("Tak. Du har sagt ja").wait_for()

    log_in(page, site, "leder")
    page.goto(f"{site}/kommuner/roskilde/laering/")
    page.get_by_role("link", name="Lad borgerne sætte dagsordenen").first.click()
    assert page.get_by_role("heading", name="Må læringen deles med andre kommuner?").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, den må deles").click()
    page.get_by_text("Tak. Du har sagt ja").wait_for()

    log_in(page, site, "facilitator")
    page.goto(learning_url)
    page.get_by_role("button", name="Del med alle kommuner").click()
    page.get_by_text("Læringen er delt med alle kommuner.").wait_for()
    assert_accessible(page)
    for path in ("laering/", "refleksion/nyt-rum/", "refleksion/skabeloner/"):
        page.goto(f"{site}/kommuner/roskilde/{path}")
        assert_accessible(page)
    page.get_by_role("link", name=re.compile("Ret skabelonen.*Gibbs")).click()
    page.get_by_role("button", name="Gem skabelonen").wait_for()
    assert_accessible(page)

    log_in_as(page, site, "leder@aarhus.test")
    page.goto(f"{site}/kommuner/laering/")
    assert_accessible(page)
    page.get_by_label("Søg i titel, tekst og emner").fill("DAGSORDENEN ældre")
    page.get_by_role("button", name="Søg").click()
    page.get_by_role("link", name="Lad borgerne sætte dagsordenen").click()
    assert page.get_by_text("Delt af Roskilde Kommune").is_visible()
    assert page.get_by_text("Birgitte Larsen").count() == 0
    assert_accessible(page)
    # Roskilde's reflection room is not theirs to enter: 404.
    assert page.goto(room_url).status == 404
