"""The opinion map in a real browser: vote, add a statement, moderate it, read the map; axe on
every page."""

from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.demo.content import DEMO_PASSWORD, demo_email, load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from samskab.opinions import services
from samskab.opinions.demo import TITLE
from samskab.opinions.models import Conversation, ModerationMode, ModerationState, Statement, Vote
from tests.e2e.conftest import assert_accessible


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    demo = load_demo()
    with scope(municipality=demo.municipality):
        premoderated = services.create_conversation(
            demo.spaces["Ensomhed blandt ældre"],
            demo.people["facilitator"],
            title="Fællesspisning på biblioteket",
            question="Skal biblioteket holde fællesspisning for ældre?",
            moderation_mode=ModerationMode.PRE,
            statements=[
                "Fællesspisning en gang om ugen vil hjælpe mange.",
                "Maden skal være gratis.",
                "Frivillige bør stå for madlavningen.",
            ],
        )
        demo_conversation = Conversation.objects.get(title=TITLE)
    return live_server.url, demo, premoderated, demo_conversation


def log_in(page, site: str, role: str) -> None:
    page.goto(f"{site}/konto/login/")
    page.get_by_label("E-mail").fill(demo_email(role))
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{site}/mig/")


def test_participant_votes_and_adds_a_statement_moderator_approves_map_is_readable(site, page):
    url, demo, conversation, demo_conversation = site
    log_in(page, url, "borger")
    page.goto(url + conversation.get_absolute_url())
    assert page.locator("h1").inner_text() == "Fællesspisning på biblioteket"
    assert_accessible(page)
    # Vote on all three statements (htmx swaps the card in place).
    for n, answer in enumerate(("Enig", "Uenig", "Spring over"), start=1):
        page.get_by_role("button", name=answer, exact=True).click()
        if n < 3:
            page.wait_for_selector(f"text=Du har stemt på {n} af 3 udsagn.")
        else:
            page.wait_for_selector("text=Du har stemt på alle udsagn")
        assert page.get_by_role("status").inner_text() == "Tak! Din stemme er gemt."
        # Keyboard and screen-reader users land on the new card, not at the top of the page.
        # htmx moves focus when it settles the swap, a moment after the text appears.
        page.wait_for_function("() => document.activeElement?.id === 'vote-heading'")
        assert_accessible(page)
    with scope(municipality=demo.municipality):
        assert sorted(
            Vote.objects.filter(conversation=conversation).values_list("value", flat=True)
        ) == [-1, 0, 1]
    # Add a statement; a mistake first keeps what was typed.
    page.goto(url + conversation.get_absolute_url())
    page.get_by_label("Dit udsagn").fill("Ring på 010190-1234 for at være med")
    page.get_by_role("button", name="Tilføj udsagnet").click()
    page.wait_for_selector(".form-error-message")
    assert page.get_by_label("Dit udsagn").input_value() == "Ring på 010190-1234 for at være med"
    assert_accessible(page)
    page.get_by_label("Dit udsagn").fill("Børnebørn må gerne komme med.")
    page.get_by_role("button", name="Tilføj udsagnet").click()
    page.wait_for_selector("text=så snart en moderator har godkendt det")
    assert_accessible(page)
    page.get_by_role("button", name="Log ud").click()

    # The moderator approves it.
    log_in(page, url, "moderator")
    page.goto(url + conversation.get_absolute_url() + "moderation/")
    assert page.get_by_text("Børnebørn må gerne komme med.").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Godkend").first.click()
    page.wait_for_selector("text=Udsagnet er godkendt.")
    assert_accessible(page)
    with scope(municipality=demo.municipality):
        statement = Statement.objects.get(text="Børnebørn må gerne komme med.")
        assert statement.moderation == ModerationState.IN

    # The opinion map of the demo conversation: SVG, table, groups, bridging, roles.
    page.goto(url + demo_conversation.get_map_url())
    svg = page.locator("svg[role=img]")
    assert svg.count() == 1
    assert "Meningskort for" in svg.locator("title").first.text_content()
    assert page.get_by_role("table", name="Meningsgrupperne i tal").is_visible()
    assert page.get_by_role("heading", name="Gruppe A", exact=False).first.is_visible()
    assert page.get_by_role("heading", name="Fælles grund: det er grupperne enige om").is_visible()
    assert page.get_by_role(
        "heading", name="Roller: borgere, medarbejdere og politikere"
    ).is_visible()
    assert_accessible(page)
    page.goto(url + demo_conversation.get_absolute_url())
    assert_accessible(page)
    page.goto(url + f"/kommuner/roskilde/rum/{demo_conversation.space.slug}/samtaler/")
    assert_accessible(page)


def test_voting_works_without_javascript(site, browser):
    url, demo, conversation, _ = site
    context = browser.new_context(java_script_enabled=False, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, url, "medarbejder")
        page.goto(url + conversation.get_absolute_url())
        page.get_by_role("button", name="Uenig", exact=True).click()
        # A full page load (no htmx): the message comes with the redirect.
        page.wait_for_selector("text=Tak! Din stemme er gemt.")
        assert page.url.endswith(conversation.get_absolute_url() + "#stem")
    finally:
        context.close()
    with scope(municipality=demo.municipality):
        vote = Vote.objects.get(conversation=conversation)
    assert (vote.value, vote.role) == (-1, "medarbejder")
