"""Crowdsourcing in a real browser: ideas with similar-idea hints, support, comments,
moderation and pairwise prioritisation; axe on every page."""

from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.challenges.models import Challenge, Comment, Visibility
from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_foundation import log_in


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    return live_server.url


def challenge_url(site: str, title: str) -> str:
    roskilde = Municipality.objects.get(code="0265")
    with scope(municipality=roskilde):
        challenge = Challenge.objects.get(title=title)
    return site + challenge.get_absolute_url()


def test_citizen_idea_support_comment_and_moderation(site, page):
    climate = challenge_url(site, "Hvor skal regnvandet hen, når skybruddet kommer?")
    log_in(page, site, "borger")
    page.goto(climate)
    assert_accessible(page)
    page.get_by_role("link", name="Foreslå en idé").click()
    assert_accessible(page)
    page.get_by_label("Din idé i én sætning").fill("Regnbede på villavejene")
    page.get_by_label("Beskriv idéen").press_sequentially("Vi graver regnbede ")
    similar = page.locator("#lignende")
    similar.get_by_role("link", name="Regnbede i villavejene").wait_for()
    assert_accessible(page)
    page.get_by_label("Beskriv idéen").fill("Vi graver regnbede sammen med naboerne i weekenden.")
    page.get_by_role("button", name="Send idéen").click()
    page.get_by_role("heading", name="Regnbede på villavejene").wait_for()
    assert_accessible(page)
    # Nobody supports their own idea; the author may edit it while ideas are collected.
    assert page.get_by_role("button", name="Støt idéen").count() == 0
    page.get_by_role("link", name="Ret din idé").click()
    assert_accessible(page)
    page.get_by_label("Din idé i én sætning").fill("Regnbede på villavejene i Roskilde")
    page.get_by_role("button", name="Gem ændringerne").click()
    page.get_by_role("heading", name="Regnbede på villavejene i Roskilde").wait_for()
    page.get_by_label("Din kommentar").fill("Jeg kan låne en minigraver ud.")
    page.get_by_role("button", name="Send kommentar").click()
    page.get_by_text("Jeg kan låne en minigraver ud.").wait_for()
    assert_accessible(page)
    idea_page = page.url

    log_in(page, site, "moderator")
    page.goto(idea_page)
    page.get_by_label("Begrundelse til forfatteren").fill("Vi må ikke reklamere for udlejning her.")
    page.get_by_role("button", name="Skjul kommentaren").click()
    page.get_by_text("Det er gjort.").wait_for()
    assert_accessible(page)
    with scope(municipality=Municipality.objects.get(code="0265")):
        comment = Comment.objects.get(body="Jeg kan låne en minigraver ud.")
    assert comment.visibility == Visibility.HIDDEN

    log_in(page, site, "medarbejder")
    page.goto(idea_page)
    assert page.get_by_text("Kommentaren er skjult af en moderator.").is_visible()
    assert not page.get_by_text("minigraver").is_visible()
    page.get_by_role("button", name="Støt idéen").click()
    page.get_by_text("Tak for din støtte!").wait_for()
    assert page.get_by_text("1 person støtter idéen").is_visible()
    page.goto(site + "/kommuner/roskilde/moderation/")
    assert page.get_by_role("heading", name="Du har ikke adgang").is_visible()


def test_ten_pairwise_votes_then_the_ranking(site, page):
    elderly = challenge_url(
        site, "Hvordan kan vi sammen skabe flere gode fællesskaber for ældre, der føler sig alene?"
    )
    log_in(page, site, "leder")
    page.goto(elderly)
    page.get_by_role("link", name="Hjælp med at prioritere").click()
    assert_accessible(page)
    counter = page.get_by_text("Du har svaret")
    start = int(counter.inner_text().split("Du har svaret ")[1].split()[0])  # demo votes exist
    for n in range(10):
        page.get_by_text(f"Du har svaret {start + n} gange").wait_for()
        page.locator(".samskab-pair button").first.click()
    page.get_by_text(f"Du har svaret {start + 10} gange").wait_for()
    page.get_by_role("link", name="Se prioriteringen").click()
    assert page.get_by_role("heading", name="Prioriteringen").is_visible()
    assert page.get_by_role("columnheader", name="Usikkerhed (95 %)").is_visible()
    assert page.locator("tbody tr").count() == 8
    assert_accessible(page)
