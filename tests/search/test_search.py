"""Search across challenges, ideas, statements, learnings and initiatives: what a person may
see and nothing else, Danish letters folded, bad input answered in Danish, query-flat."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from samskab.challenges import services as challenge_services
from samskab.challenges.models import Idea, Visibility
from samskab.core import search
from samskab.initiatives import services as initiative_services
from samskab.opinions import services as opinion_services
from samskab.opinions.models import ModerationMode, ModerationState, Statement
from samskab.reflection.models import Learning
from tests.conftest import Town, give_role, make_person

pytestmark = pytest.mark.django_db
URL = "/soeg/"


def _challenge(space, owner, title, description="Alle idéer er velkomne."):
    with scopes_disabled():
        return challenge_services.pose_challenge(
            space, owner, title=title, description=description, categories=[]
        )


def _idea(challenge, author, title, body="Sådan gør vi det her.", **extra):
    with scopes_disabled():
        return Idea.objects.create(
            municipality=challenge.municipality,
            challenge=challenge,
            author=author,
            title=title,
            body=body,
            **extra,
        )


@pytest.fixture
def world(town_a: Town):
    t = town_a
    m = t.municipality
    public = _challenge(t.public_space, t.owner, "Bænke ved åen", "Hvor skal de stå?")
    internal = _challenge(t.staff_space, t.owner, "Intern bænkeplan")
    _idea(public, t.owner, "Flere bænke ved Åen")
    _idea(public, t.owner, "Skjult bænk", visibility=Visibility.HIDDEN)
    _idea(internal, t.owner, "Bænke i kantinen")
    with scope(municipality=m):
        post = opinion_services.create_conversation(t.public_space, t.owner, title="Byrum")
        pre = opinion_services.create_conversation(
            t.public_space, t.owner, title="Stier", moderation_mode=ModerationMode.PRE
        )
        Statement.objects.create(
            municipality=m, conversation=post, text="Bænkene skal have ryglæn", moderation=0
        )
        Statement.objects.create(
            municipality=m, conversation=pre, text="Bænkene er for hårde", moderation=0
        )
        Statement.objects.create(
            municipality=m,
            conversation=pre,
            text="Bænkene skal males",
            moderation=ModerationState.IN,
        )
        Learning.objects.create(
            municipality=m,
            title="Bænke samler folk",
            text="Vi lærte noget.",
            search_text=search.normalise("Bænke samler folk Vi lærte noget."),
        )
        initiative_services.create_initiative(
            t.owner, space=t.public_space, title="Bænkeprojektet", purpose="Flere bænke i byen"
        )
    return t


def _kinds(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for group in response.context["groups"]:
        found[group.kind] = [h.title for h in group.hits]
    return found


def test_a_citizen_finds_only_what_they_may_see(client, world):
    citizen = make_person("borger@a.test", "Borger")
    with scopes_disabled():
        give_role(citizen, world.municipality, "borger")
    client.force_login(citizen)
    response = client.get(URL, {"q": "BÆNKE"})
    assert response.status_code == 200
    kinds = _kinds(response)
    assert kinds["challenges"] == ["Bænke ved åen"]
    assert kinds["ideas"] == ["Flere bænke ved Åen"]  # not hidden, not in the staff space
    # Post-moderation shows unmoderated statements; pre-moderation only approved ones.
    assert sorted(kinds["statements"]) == ["Bænkene skal have ryglæn", "Bænkene skal males"]
    assert "learnings" not in kinds  # an unpublished learning is for staff only
    assert kinds["initiatives"] == ["Bænkeprojektet"]
    page = response.content.decode()
    assert "Skjult bænk" not in page and "kantinen" not in page and "hårde" not in page


def test_staff_find_the_staff_space_and_the_library(client, world):
    client.force_login(world.owner)
    kinds = _kinds(client.get(URL, {"q": "bænke", "kommune": world.municipality.slug}))
    assert "Intern bænkeplan" in kinds["challenges"]
    assert kinds["learnings"] == ["Bænke samler folk"]


def test_another_municipality_sees_none_of_it(client, world, town_b):
    response = client.get(URL, {"q": "bænke", "kommune": town_b.municipality.slug})
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert "Bænke ved åen" not in response.content.decode()


def test_old_spelling_and_case_fold(client, world):
    _challenge(world.public_space, world.owner, "Aarhus-modellen for ÆLDRE")
    client.force_login(world.owner)
    slug = world.municipality.slug
    assert _kinds(client.get(URL, {"q": "århus ældre", "kommune": slug}))["challenges"] == [
        "Aarhus-modellen for ÆLDRE"
    ]


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Skriv et eller flere ord"),
        ("   ", "Skriv et eller flere ord"),
        ("\x00", "Skriv et eller flere ord"),
        ("x" * 10_000, "Søgningen må højst være 200 tegn – du har skrevet 10.000."),
    ],
)
def test_bad_input_gets_a_danish_message(client, world, q, message):
    response = client.get(URL, {"q": q, "kommune": world.municipality.slug})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_nul_byte_inside_a_query_is_dropped(client, world):
    response = client.get(URL, {"q": "bæn\x00ke", "kommune": world.municipality.slug})
    assert response.status_code == 200
    assert _kinds(response)["challenges"] == ["Bænke ved åen"]


def test_without_a_municipality_the_page_asks_for_one(client, world):
    response = client.get(URL, {"q": "bænke"})
    assert response.status_code == 400
    assert "Vælg, hvilken kommune du vil søge i." in response.content.decode()
    assert client.get(URL).status_code == 200  # the empty page is just the form


def test_query_count_is_flat(client, world):
    client.force_login(world.owner)
    params = {"q": "bænke", "kommune": world.municipality.slug}

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, params).status_code == 200
        return len(ctx.captured_queries)

    client.get(URL, params)
    few = count()
    challenge = _challenge(world.public_space, world.owner, "Endnu flere bænke")
    for n in range(8):
        _idea(challenge, world.owner, f"Bænk nummer {n}")
    assert count() == few
