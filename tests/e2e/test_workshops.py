"""A live workshop in real browsers: the facilitator opens it, two phones join by code (one
without an account), rate the challenge, and the big screen shows it within 2 seconds; axe on
every page."""

from __future__ import annotations

import time

import pytest
from django_scopes import scope

from samskab.challenges.models import Challenge
from samskab.demo.content import demo_email, load_demo
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


def phone(browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return context, tab


def join_and_rate(tab, site, code, name, agreement, certainty, role=None):
    tab.goto(f"{site}/deltag/?kode={code}")
    assert_accessible(tab)
    tab.get_by_label("Dit navn i workshoppen").fill(name)
    if role:
        tab.get_by_label("Jeg deltager som").select_option(label=role)
    tab.get_by_role("button", name="Deltag").click()
    tab.get_by_text(f"Du deltager som {name}.").wait_for()
    assert_accessible(tab)
    tab.locator("fieldset", has_text="Hvor enige er I").get_by_label(agreement, exact=True).check()
    tab.locator("fieldset", has_text="Hvor sikkert er det").get_by_label(
        certainty, exact=True
    ).check()
    tab.get_by_role("button", name="Send mit svar").click()
    tab.get_by_text("Vent på næste aktivitet").wait_for()
    assert_accessible(tab)
    return time.monotonic()


def test_workshop_big_screen_follows_the_phones(site, page, browser):
    with scope(municipality=Municipality.objects.get(code="0265")):
        challenge = Challenge.objects.get(title=YOUTH)
    log_in(page, site, "facilitator")
    page.goto(f"{site}/kommuner/roskilde/udfordringer/{challenge.pk}/workshop/ny/")
    assert_accessible(page)
    page.get_by_label("Kompleksitetsvurdering (Stacey)").check()
    page.get_by_role("button", name="Åbn workshoppen").click()
    page.get_by_text("Workshoppen er åben.").wait_for()
    assert_accessible(page)
    code = page.get_by_test_id("join-code").inner_text().strip()
    assert len(code) == 6
    page.get_by_role("link", name="Åbn storskærmen").click()
    page.get_by_test_id("screen-code").wait_for()
    assert_accessible(page)
    board = page.get_by_test_id("stacey-n")
    assert board.inner_text().startswith("0 svar")

    # Phone 1: a guest without an account.
    guest_context, guest = phone(browser)
    # Phone 2: a citizen logged in with their own account.
    citizen_context, citizen = phone(browser)
    try:
        answered = join_and_rate(guest, site, code, "Gæsten", "2", "4", role="Borger")
        board.filter(has_text="1 svar").wait_for(timeout=2000)
        assert time.monotonic() - answered < 2.5
        assert page.get_by_test_id("stacey-cell").count() == 1

        citizen.goto(f"{site}/konto/login/")
        citizen.get_by_label("E-mail").fill(demo_email("borger"))
        citizen.get_by_label("Adgangskode").fill("samskab-demo")
        citizen.get_by_role("button", name="Log ind").click()
        citizen.wait_for_url(f"{site}/mig/")
        answered = join_and_rate(citizen, site, code, "Borgeren", "5", "1")
        board.filter(has_text="2 svar").wait_for(timeout=2000)
        assert time.monotonic() - answered < 2.5
        assert page.get_by_test_id("stacey-cell").count() == 2
        assert_accessible(page)
    finally:
        guest_context.close()
        citizen_context.close()


def test_every_activity_kind_on_the_phone_and_big_screen_is_accessible(site, page, browser):
    from samskab.workshops.demo import DEMO_CODE
    from samskab.workshops.models import LiveSession

    with scope(municipality=Municipality.objects.get(code="0265")):
        session = LiveSession.objects.get(code=DEMO_CODE)
    control = f"{site}/kommuner/roskilde/workshop/{session.pk}/"
    log_in(page, site, "facilitator")
    guest_context, guest = phone(browser)
    try:
        guest.goto(f"{site}/deltag/?kode={DEMO_CODE}")
        guest.get_by_label("Dit navn i workshoppen").fill("Gæsten")
        guest.get_by_role("button", name="Deltag").click()
        guest.get_by_text("Du deltager som Gæsten.").wait_for()
        for question in ["Hvor enige er I", "Er du enig?", "Hvilken af de to", "Hvordan skal"]:
            guest.get_by_text(question).first.wait_for(timeout=5000)
            assert_accessible(guest)
            page.goto(f"{control}storskaerm/")
            assert_accessible(page)
            page.goto(control)
            page.get_by_role("button", name="Næste aktivitet").click()
            page.get_by_text("vises nu").wait_for()
            # The waiting phone follows by itself; without JavaScript the refresh link does it.
            guest.reload()
        guest.get_by_label("Hvad gjorde jeg – og hvorfor?").fill("Jeg lyttede mere end før.")
        guest.get_by_role("button", name="Send mit svar").click()
        # Nothing on the server may remember who answered anonymously, so the phone only thanks
        # (in a cookie) and offers the question again.
        guest.get_by_text("Tak for dit svar.").wait_for()
        assert_accessible(guest)
        page.goto(f"{control}storskaerm/")
        answer = page.get_by_test_id("reflection-answer").filter(has_text="Jeg lyttede")
        answer.wait_for()
        assert "Gæsten" not in answer.inner_text()  # anonymous is the default
        assert_accessible(page)
    finally:
        guest_context.close()
