"""The start page, the main navigation, the movement page's open challenges and the moderation
badge: what each shows, to whom, and that none grows its queries with its items."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import services as challenge_services
from samskab.challenges.models import Challenge, Flag, Idea, Visibility
from samskab.challenges.phases import Phase
from tests.conftest import Town, give_role, make_person
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _challenge(space, owner, title: str, phase: str = Phase.IDEAS) -> Challenge:
    with scopes_disabled():
        challenge = challenge_services.pose_challenge(space, owner, title=title, description="…")
        if phase != Phase.IDEAS:
            Challenge.objects.filter(pk=challenge.pk).update(phase=phase)
            challenge.refresh_from_db()
    return challenge


def _idea(challenge: Challenge, author, title: str, visibility: str = Visibility.VISIBLE) -> Idea:
    with scopes_disabled():
        return Idea.objects.create(
            municipality=challenge.municipality,
            challenge=challenge,
            author=author,
            title=title,
            body="Sådan gør vi.",
            visibility=visibility,
        )


@pytest.fixture
def citizen(town_a: Town):
    person = make_person("karen@borger.test", "Karen Jensen")
    with scopes_disabled():
        give_role(person, town_a.municipality, Role.CITIZEN)
    return person


@pytest.fixture
def moderator(town_a: Town):
    person = make_person("mona@kbh.test", "Mona Moderator")
    with scopes_disabled():
        give_role(person, town_a.municipality, Role.MODERATOR)
    return person


# --- login lands on the start page ---------------------------------------------------------------


def test_login_lands_on_the_start_page(citizen) -> None:
    response = Client().post(
        reverse("account_login"), {"login": citizen.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home:me")


def test_the_start_page_needs_a_login(db) -> None:
    response = Client().get(reverse("home:me"))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


# --- the start page ----------------------------------------------------------------------------


def test_a_citizen_sees_open_challenges_with_what_to_do_and_their_ideas(town_a, citizen) -> None:
    ideas = _challenge(town_a.public_space, town_a.owner, "Flere bænke i byen?")
    ranking = _challenge(
        town_a.public_space, town_a.owner, "Hvad skal vi gøre først?", Phase.PRIORITISATION
    )
    _challenge(town_a.public_space, town_a.owner, "Gammel udfordring", Phase.FOLLOW_UP)
    _challenge(town_a.staff_space, town_a.owner, "Internt spørgsmål")
    mine = _idea(ideas, citizen, "Bænke ved søen")
    with scopes_disabled():
        Idea.objects.filter(pk=mine.pk).update(outcome="selected", outcome_note="Vi gør det.")

    page = _client(citizen).get(reverse("home:me")).content.decode()
    assert "Flere bænke i byen?" in page and "Kom med en idé" in page
    assert "Hvad skal vi gøre først?" in page and "Hjælp med at prioritere" in page
    assert reverse("challenges:compare", args=[town_a.municipality.slug, ranking.pk]) in page
    assert "Gammel udfordring" not in page  # follow-up is not open for taking part
    assert "Internt spørgsmål" not in page  # a staff-only space
    assert "Bænke ved søen" in page and "Valgt" in page and "Vi gør det." in page
    assert "Mine opgaver" not in page  # a citizen has no staff tasks


def test_a_moderator_sees_the_waiting_count_and_the_way_to_the_queue(town_a, moderator) -> None:
    challenge = _challenge(town_a.public_space, town_a.owner, "Flere bænke i byen?")
    _idea(challenge, town_a.member, "Venter 1", Visibility.PENDING)
    visible = _idea(challenge, town_a.member, "Synlig")
    with scopes_disabled():
        Flag.objects.create(
            municipality=town_a.municipality, idea=visible, reporter=town_a.member, reason="Spam"
        )
    page = _client(moderator).get(reverse("home:me")).content.decode()
    assert "Mine opgaver" in page
    assert "2 venter på dig" in page
    assert reverse("challenges:moderation", args=[town_a.municipality.slug]) in page


def test_a_person_without_a_municipality_is_sent_to_find_one(db) -> None:
    person = make_person("ny@borger.test", "Ny")
    page = _client(person).get(reverse("home:me")).content.decode()
    assert "Find din kommune" in page


def test_another_municipalitys_challenges_are_not_on_my_start_page(town_a, town_b, citizen):
    _challenge(town_b.public_space, town_b.owner, "Aarhus' udfordring")
    page = _client(citizen).get(reverse("home:me")).content.decode()
    assert "Aarhus' udfordring" not in page


def test_the_start_page_is_query_flat(town_a, moderator) -> None:
    client = _client(moderator)
    counter = iter(range(1000))

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            challenge = _challenge(town_a.public_space, town_a.owner, f"Udfordring {i}")
            _idea(challenge, moderator, f"Min idé {i}")
            _idea(challenge, town_a.member, f"Venter {i}", Visibility.PENDING)

    def fetch() -> None:
        assert client.get(reverse("home:me")).status_code == 200

    assert_flat_query_count(fetch, add, more=5)


# --- the navigation and the badge --------------------------------------------------------------


def test_the_navigation_shows_a_citizen_their_municipality_and_no_staff_links(town_a, citizen):
    page = _client(citizen).get(reverse("home")).content.decode()
    nav = page.split('aria-label="Hovedmenu"')[1].split("</nav>")[0]
    slug = town_a.municipality.slug
    assert reverse("municipalities:detail", args=[slug]) in nav
    assert reverse("initiatives:list", args=[slug]) in nav
    assert reverse("home:me") in nav
    assert reverse("challenges:moderation", args=[slug]) not in nav
    assert reverse("landscape:landscape", args=[slug]) not in nav


def test_the_navigation_badge_counts_what_waits_for_the_moderator(town_a, moderator) -> None:
    challenge = _challenge(town_a.public_space, town_a.owner, "Flere bænke i byen?")
    for i in range(3):
        _idea(challenge, town_a.member, f"Venter {i}", Visibility.PENDING)
    _idea(challenge, town_a.member, "Internt", Visibility.PENDING).challenge  # noqa: B018
    staff = _challenge(town_a.invite_space, town_a.owner, "Lukket")
    _idea(staff, town_a.member, "I et lukket rum", Visibility.PENDING)  # not the moderator's
    page = _client(moderator).get(town_a.municipality.get_absolute_url()).content.decode()
    nav = page.split('aria-label="Hovedmenu"')[1].split("</nav>")[0]
    assert reverse("challenges:moderation", args=[town_a.municipality.slug]) in nav
    assert '<span class="samskab-badge" aria-hidden="true">4</span>' in nav
    assert "4 venter" in nav


def test_moderation_waiting_is_one_query_and_zero_for_others(town_a, moderator, citizen) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    challenge = _challenge(town_a.public_space, town_a.owner, "Flere bænke i byen?")
    _idea(challenge, town_a.member, "Venter", Visibility.PENDING)
    with scopes_disabled():
        Challenge.objects.filter(pk=challenge.pk)  # warm nothing; roles load below
        assert challenge_services.moderation_waiting(citizen, town_a.municipality) == 0
        challenge_services.moderation_waiting(moderator, town_a.municipality)  # roles cached
        with CaptureQueriesContext(connection) as ctx:
            n = challenge_services.moderation_waiting(moderator, town_a.municipality)
    assert n == 1
    assert len(ctx.captured_queries) == 1


# --- the movement page and the challenge page ---------------------------------------------------


def test_the_movement_page_shows_open_challenges_by_phase_and_the_mayors_question(
    town_a, citizen
) -> None:
    with scopes_disabled():
        mayor = challenge_services.start_with_mayor_question(
            town_a.public_space.movement, town_a.owner
        )
    ideas = _challenge(town_a.public_space, town_a.owner, "Flere bænke i byen?")
    _idea(ideas, town_a.member, "Bænke ved søen")
    _challenge(town_a.staff_space, town_a.owner, "Internt spørgsmål")
    page = _client(citizen).get(town_a.municipality.get_absolute_url()).content.decode()
    assert "Borgmesterens spørgsmål" in page and mayor.title in page
    assert "Åbne udfordringer" in page and "Flere bænke i byen?" in page
    assert page.index("Åbne udfordringer") < page.index(">Rum<")
    assert "Kom med en idé" in page
    assert "Seneste idéer" in page and "Bænke ved søen" in page
    assert "Internt spørgsmål" not in page


def test_the_movement_page_is_query_flat(town_a, citizen) -> None:
    client = _client(citizen)
    counter = iter(range(1000))

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            _idea(_challenge(town_a.public_space, town_a.owner, f"U {i}"), citizen, f"I {i}")

    def fetch() -> None:
        assert client.get(town_a.municipality.get_absolute_url()).status_code == 200

    assert_flat_query_count(fetch, add, more=5)


def test_the_challenge_page_lists_its_workshops_with_a_start_button_for_facilitators(
    town_a, citizen
) -> None:
    challenge = _challenge(town_a.public_space, town_a.owner, "Flere bænke i byen?")
    start = reverse("workshops:create", args=[town_a.municipality.slug, challenge.pk])
    staff_page = _client(town_a.owner).get(challenge.get_absolute_url()).content.decode()
    assert "Start en workshop" in staff_page and start in staff_page
    citizen_page = _client(citizen).get(challenge.get_absolute_url()).content.decode()
    assert start not in citizen_page


def test_queue_items_link_to_the_idea(town_a, moderator) -> None:
    challenge = _challenge(town_a.public_space, town_a.owner, "Flere bænke i byen?")
    pending = _idea(challenge, town_a.member, "Venter", Visibility.PENDING)
    page = _client(moderator).get(reverse("challenges:moderation", args=[town_a.municipality.slug]))
    assert page.status_code == 200
    with scopes_disabled():
        assert pending.get_absolute_url() in page.content.decode()
