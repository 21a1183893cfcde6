"""The notifications list, the privacy page and sign-up with its privacy notice in Chromium: axe
finds nothing at 1200 px and 390 px, nothing scrolls sideways, and reading works by keyboard."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from samskab.notifications.models import Kind, Notification
from samskab.notifications.services import notify
from tests.conftest import make_person
from tests.e2e.conftest import assert_accessible

WIDTHS = [1200, 390]


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    with scopes_disabled():
        roskilde = Municipality.objects.get(slug="roskilde")
    karen = make_person("karen@borger.test", "Karen Jensen")
    notify(
        karen,
        Kind.STATUS,
        "Nyt om idéen: Bænke ved søerne, hvor man kan sidde og se ud over vandet",
        "Idéen »Bænke ved søerne« har fået status: Valgt.\n\nKommunen sætter bænkene op i foråret.",
        link="/konto/privatliv/",
        municipality=roskilde,
    )
    notify(
        karen,
        Kind.REPLIES,
        "Nyt svar: Bænke ved søerne",
        "Der er kommet et svar: https://eksempel.dk/en/meget/lang/adresse/der/ikke/maa/"
        "skubbe/siden/ud/til/siden/paa/en/telefon",
        municipality=roskilde,
    )
    return live_server.url, karen


def _log_in(page, site: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/konto/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill("correct horse battery")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{site}/mig/")


def _fits(page, width: int) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_notifications_list_is_accessible_and_read_by_keyboard(page, site, width):
    url, karen = site
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, url, karen.email)
    header = page.locator("header").get_by_role("link", name="Notifikationer")
    assert "2" in header.inner_text()  # the badge; screen readers hear ", 2 ulæste"
    header.click()
    page.wait_for_url(f"{url}/konto/notifikationer/")
    assert page.get_by_role("heading", level=1).inner_text() == "Notifikationer"
    assert page.get_by_text("Du har 2 ulæste notifikationer.").is_visible()
    assert_accessible(page)
    _fits(page, width)
    # Keyboard only: focus the first "Marker som læst" and press Enter.
    button = page.get_by_role("button", name="Marker som læst").first
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Markeret som læst.").is_visible()
    assert Notification.objects.filter(person=karen, read_at__isnull=True).count() == 1
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Marker alle som læst").click()
    assert not Notification.objects.filter(person=karen, read_at__isnull=True).exists()
    assert_accessible(page)
    _fits(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_up_shows_the_privacy_notice_and_the_page_is_accessible(page, site, width):
    url, _karen = site
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{url}/konto/signup/")
    assert page.get_by_role("heading", name="Dine data").is_visible()
    assert_accessible(page)
    _fits(page, width)
    page.get_by_role("link", name="Læs, hvordan vi passer på dine data").click()
    page.wait_for_url(f"{url}/konto/privatliv/")
    assert page.get_by_role("heading", name="Hvem er ansvarlig for dine data?").is_visible()
    assert_accessible(page)
    _fits(page, width)
