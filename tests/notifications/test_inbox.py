"""The in-app list of notifications: what happened to my ideas, challenges and statements, written
by the same call that sends the mail; mine alone, read or unread, counted in the header."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django_scopes import scopes_disabled

from samskab.accounts.personal_data import anonymise, export_personal_data
from samskab.challenges import services as challenge_services
from samskab.challenges.models import Idea, Outcome
from samskab.challenges.phases import Phase
from samskab.notifications.models import Kind, Notification
from samskab.notifications.services import notify
from tests.conftest import Town, give_role, make_person
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db

INBOX = "/konto/notifikationer/"


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def karen(town_a: Town):
    person = make_person("karen@borger.test", "Karen Jensen")
    with scopes_disabled():
        give_role(person, town_a.municipality, "borger")
    return person


@pytest.fixture
def idea(town_a: Town, karen):
    with scopes_disabled():
        challenge = challenge_services.pose_challenge(
            town_a.public_space, town_a.owner, title="Flere bænke i byen", description="…"
        )
        return Idea.objects.create(
            municipality=town_a.municipality,
            challenge=challenge,
            author=karen,
            title="Bænke ved søerne",
            body="Så kan man hvile sig.",
        )


def test_what_happened_to_my_idea_is_in_my_list_with_a_link(town_a, karen, idea):
    with scopes_disabled():
        challenge_services.set_outcome(idea, town_a.owner, outcome=Outcome.SELECTED, note="")
        challenge_services.set_phase(idea.challenge, town_a.owner, Phase.PRIORITISATION)
    page = _client(karen).get(INBOX).content.decode()
    assert "Nyt om idéen: Bænke ved søerne" in page
    assert "Ny fase: Flere bænke i byen" in page
    assert f'href="{idea.get_absolute_url()}"' in page
    assert f'href="{idea.challenge.get_absolute_url()}"' in page
    assert "København Kommune" in page
    # Newest first.
    assert page.index("Ny fase") < page.index("Nyt om idéen")
    assert "Du har 2 ulæste notifikationer." in page


def test_the_header_counts_unread_and_reading_clears_it(karen):
    for n in range(3):
        notify(karen, Kind.STATUS, f"Nyt {n}", "Der er sket noget.")
    client = _client(karen)
    page = client.get("/konto/profil/").content.decode()
    assert 'href="/konto/notifikationer/"' in page and ", 3 ulæste" in page
    one = Notification.objects.filter(person=karen).first()
    client.post(INBOX, {"notification": one.pk})
    assert ", 2 ulæste" in client.get("/konto/profil/").content.decode()
    response = client.post(INBOX, follow=True)
    assert "Alle dine notifikationer er markeret som læst." in response.content.decode()
    assert "ulæst" not in client.get("/konto/profil/").content.decode()
    assert not Notification.objects.filter(person=karen, read_at__isnull=True).exists()


def test_only_my_own_notifications_and_no_one_can_mark_mine(karen):
    other = make_person("niels@borger.test", "Niels Nabo")
    notify(karen, Kind.MODERATION, "Til Karen", "Kun for Karen.")
    notify(other, Kind.MODERATION, "Til Niels", "Kun for Niels.")
    page = _client(karen).get(INBOX).content.decode()
    assert "Til Karen" in page and "Til Niels" not in page
    hers = Notification.objects.get(person=karen)
    response = _client(other).post(INBOX, {"notification": hers.pk}, follow=True)
    assert response.status_code == 200
    hers.refresh_from_db()
    assert hers.read_at is None
    for bad in ["abc", "9" * 40, "-1"]:
        assert _client(karen).post(INBOX, {"notification": bad}).status_code == 302
    hers.refresh_from_db()
    assert hers.read_at is None


def test_the_list_needs_a_login(db):
    response = Client().get(INBOX)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_an_action_rolled_back_leaves_no_notification(karen):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(karen, Kind.STATUS, "Aldrig", "Rulles tilbage.")
        raise RuntimeError
    assert not Notification.objects.filter(person=karen).exists()


def test_links_elsewhere_are_never_kept(karen):
    notify(karen, Kind.STATUS, "Ude", "…", link="https://example.com/phish")
    notify(karen, Kind.STATUS, "Ude igen", "…", link="//example.com/phish")
    assert set(Notification.objects.values_list("link", flat=True)) == {""}


def test_the_list_does_not_grow_its_queries_with_its_items(town_a, karen):
    client = _client(karen)

    def fetch():
        response = client.get(INBOX)
        assert response.status_code == 200

    def add(n: int) -> None:
        for i in range(n):
            notify(
                karen,
                Kind.STATUS,
                f"Nyt {i}",
                "Der er nyt.",
                link="/",
                municipality=town_a.municipality,
            )

    assert_flat_query_count(fetch, add)


def test_notifications_are_in_the_download_and_go_with_the_account(karen):
    notify(karen, Kind.REPLIES, "Nyt svar", "Der er et svar til dig.")
    data = export_personal_data(karen)
    assert [n["subject"] for n in data["notifications"]["notifications"]] == ["Nyt svar"]
    anonymise(karen)
    assert not Notification.objects.filter(person=karen).exists()
