"""The foundation in a real browser: every page passes axe, people can log in and act."""

from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.demo.content import DEMO_PASSWORD, demo_email, load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality, Space
from tests.e2e.conftest import assert_accessible


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    return live_server.url


def log_in(page, site: str, role: str) -> None:
    page.context.clear_cookies()  # whoever was logged in before is logged out
    page.goto(f"{site}/konto/login/")
    assert_accessible(page)
    page.get_by_label("E-mail").fill(demo_email(role))
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{site}/mig/")  # LOGIN_REDIRECT_URL: the person's start page


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/kommuner/roskilde/",
        "/kommuner/roskilde/rum/ensomhed-blandt-aeldre/",
        "/kommuner/koebenhavn/",
        "/konto/login/",
        "/konto/signup/",
        "/konto/password/reset/",
        "/om/",
        "/tilgaengelighed/",
        "/findes-ikke/",
    ],
)
def test_public_pages_have_no_accessibility_violations(site, page, path):
    page.goto(site + path)
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_skip_link_is_the_first_stop_and_reaches_the_content(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Gå til sidens indhold"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


def test_language_switch_to_english_and_back(site, page):
    page.goto(site + "/kommuner/roskilde/")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(site + "/kommuner/roskilde/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Accessibility statement").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Dansk").click()
    assert page.locator("html").get_attribute("lang") == "da"


def test_signup_errors_are_shown_accessibly_and_keep_input(site, page):
    page.goto(site + "/konto/signup/")
    page.get_by_label("E-mail").fill("ny@borger.dk")
    page.get_by_label("Dit navn").fill("Ny 010190-1234")
    page.get_by_role("button", name="Opret en profil", exact=True).click()
    page.wait_for_selector(".form-error-message")
    assert "CPR-nummer" in page.content()
    assert page.get_by_label("E-mail").input_value() == "ny@borger.dk"
    assert_accessible(page)


def test_administrator_creates_a_space_after_fixing_an_error(site, page):
    log_in(page, site, "administrator")
    page.goto(site + "/kommuner/roskilde/")
    assert_accessible(page)
    page.get_by_role("link", name="Opret et rum").click()
    assert_accessible(page)
    page.get_by_label("Beskrivelse").fill("Et sted for de frivillige")
    page.get_by_role("button", name="Opret rummet").click()
    assert page.locator(".alert-error").is_visible()
    assert page.get_by_label("Beskrivelse").input_value() == "Et sted for de frivillige"
    assert_accessible(page)
    page.get_by_label("Rummets navn").fill("Frivilliges forum")
    page.get_by_label("Hvem kan se rummet?").select_option("staff")
    page.get_by_role("button", name="Opret rummet").click()
    page.wait_for_url(site + "/kommuner/roskilde/rum/frivilliges-forum/")
    assert page.get_by_role("heading", name="Frivilliges forum").is_visible()
    assert_accessible(page)
    with scope(municipality=Municipality.objects.get(code="0265")):
        assert Space.objects.get(slug="frivilliges-forum").visibility == "staff"


def test_employee_sees_staff_space_and_profile(site, page):
    log_in(page, site, "medarbejder")
    page.goto(site + "/kommuner/roskilde/rum/medarbejdernes-vaerksted/")
    assert page.get_by_role("heading", name="Medarbejdernes værksted").is_visible()
    assert_accessible(page)
    page.goto(site + "/konto/profil/")
    assert page.get_by_role("cell", name="Medarbejder").is_visible()
    assert_accessible(page)


def test_citizen_gets_the_not_found_page_for_a_staff_space(site, page):
    log_in(page, site, "borger")
    response = page.goto(site + "/kommuner/roskilde/rum/medarbejdernes-vaerksted/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Siden findes ikke").is_visible()
    assert_accessible(page)
