"""The personal-data download ("Hent dine data") holds the person's opinion votes and statements:
what they voted on, how and when, and what they wrote; nobody else's."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.opinions import services as opinion_services
from tests.conftest import Town, give_role, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(town_a: Town):
    with scope(municipality=town_a.municipality):
        return opinion_services.create_conversation(
            town_a.public_space,
            town_a.owner,
            title="Hvordan gør vi byen bedre for ældre?",
            statements=["Der skal være flere bænke i byen.", "Bussen skal køre oftere."],
        )


def _person(town: Town, email: str, name: str):
    person = make_person(email, name)
    with scopes_disabled():
        give_role(person, town.municipality, Role.CITIZEN)
    return person


def _download(person) -> dict:
    client = Client()
    client.force_login(person)
    response = client.get("/konto/mine-data/")
    assert response.status_code == 200
    return json.loads(response.content.decode())


def test_my_votes_and_statements_are_in_my_download_and_no_one_elses(town_a, conversation):
    karen = _person(town_a, "karen@borger.test", "Karen Jensen")
    niels = _person(town_a, "niels@borger.test", "Niels Nabo")
    with scope(municipality=town_a.municipality):
        benches, bus = list(conversation.statements.order_by("pk"))
        opinion_services.cast_vote(conversation, benches, karen, value=1)
        opinion_services.cast_vote(conversation, bus, karen, value=1)
        opinion_services.cast_vote(conversation, bus, karen, value=-1)  # changed her mind
        opinion_services.cast_vote(conversation, benches, niels, value=-1)
        opinion_services.add_statement(conversation, karen, text="Biblioteket skal åbne tidligere.")
        opinion_services.add_statement(conversation, niels, text="Niels' eget udsagn.")

    data = _download(karen)["opinions"]
    votes = {v["statement"]: v for v in data["votes"]}
    assert set(votes) == {"Der skal være flere bænke i byen.", "Bussen skal køre oftere."}
    assert votes["Der skal være flere bænke i byen."]["vote"] == "Enig"
    assert votes["Bussen skal køre oftere."]["vote"] == "Uenig"  # the vote that counts now
    assert all(v["voted_at"] and v["conversation"] == conversation.title for v in votes.values())
    assert [s["text"] for s in data["statements"]] == ["Biblioteket skal åbne tidligere."]
    assert data["statements"][0]["written_at"]
    text = json.dumps(_download(karen), ensure_ascii=False)
    assert "Niels" not in text

    theirs = _download(niels)["opinions"]
    assert [v["vote"] for v in theirs["votes"]] == ["Uenig"]
    assert [s["text"] for s in theirs["statements"]] == ["Niels' eget udsagn."]


def test_someone_who_never_voted_gets_empty_lists(town_a, conversation):
    karen = _person(town_a, "karen@borger.test", "Karen Jensen")
    assert _download(karen)["opinions"] == {"votes": [], "statements": []}
