"""An over-large request body to the API (over 64 KiB) is refused with 413 and a clear JSON
message before any view runs: nothing is stored. The imports, which take whole files, have
their own limit of 10 MiB."""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext
from django_scopes import scope

from samskab.challenges.models import Idea
from samskab.core.security import API_BODY_LIMIT, MIB, body_limit
from samskab.initiatives.models import Initiative
from samskab.opinions.models import Statement, Vote, VoteEvent
from tests.initiatives.conftest import _clear_cache, world  # noqa: F401 - fixtures
from tests.opinions.conftest import citizen, conversation, fresh_limits  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

TOO_BIG = "Forespørgslen er for stor"


def votes_url(conversation) -> str:  # noqa: F811
    code = conversation.municipality.code
    return f"/api/municipalities/{code}/conversations/{conversation.pk}/votes"


def padded(data: dict, size: int) -> str:
    """`data` as JSON of exactly `size` bytes, made up with a field the API ignores."""
    empty = json.dumps({**data, "fyld": ""})
    return json.dumps({**data, "fyld": "x" * (size - len(empty.encode()))})


def test_a_vote_over_64_kib_is_refused_in_danish_and_nothing_is_stored(
    conversation,  # noqa: F811
    citizen,  # noqa: F811
    client,
):
    client.force_login(citizen)
    with scope(municipality=conversation.municipality):
        statement = Statement.objects.filter(conversation=conversation).first()
    body = padded({"statement": statement.pk, "value": 1}, API_BODY_LIMIT + 1)
    response = client.post(votes_url(conversation), body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert detail.startswith(TOO_BIG) and "64 KiB" in detail and "65 KiB" in detail
    with scope(municipality=conversation.municipality):
        assert not Vote.objects.exists() and not VoteEvent.objects.exists()

    # Exactly at the limit is allowed: the vote counts.
    body = padded({"statement": statement.pk, "value": 1}, API_BODY_LIMIT)
    response = client.post(votes_url(conversation), body, content_type="application/json")
    assert response.status_code == 200, response.content
    with scope(municipality=conversation.municipality):
        assert Vote.objects.filter(statement=statement, value=1).count() == 1


def test_the_refusal_is_in_english_when_english_is_chosen(conversation, citizen, client):  # noqa: F811
    client.force_login(citizen)
    client.cookies["samskab_language"] = "en"
    body = padded({"statement": 1, "value": 1}, 2 * API_BODY_LIMIT)
    response = client.post(votes_url(conversation), body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Language"] == "en"
    msgid = (
        "Forespørgslen er for stor: højst %(limit)s, men der blev sendt %(sent)s. "
        "Send mindre ad gangen."
    )
    with translation.override("en"):
        expected = gettext(msgid) % {"limit": "64 KiB", "sent": "128 KiB"}
    assert response.json()["detail"] == expected


def test_an_idea_over_the_limit_is_refused_and_not_stored(world, client):  # noqa: F811
    client.force_login(world.citizen)
    challenge = world.challenge
    url = f"/api/municipalities/{world.municipality.code}/challenges/{challenge.pk}/ideas"
    body = json.dumps({"title": "Et stort forslag", "body": "ord " * 20_000})
    assert len(body) > API_BODY_LIMIT
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 413 and response.json()["detail"].startswith(TOO_BIG)
    with scope(municipality=world.municipality):
        assert not Idea.objects.filter(title="Et stort forslag").exists()


def test_a_statement_page_post_over_64_kib_gets_the_length_message_and_stores_nothing(
    conversation,  # noqa: F811
    citizen,  # noqa: F811
    client,
):
    """Pages' forms keep Django's own body limit; the field says how long a statement may be."""
    client.force_login(citizen)
    with scope(municipality=conversation.municipality):
        before = Statement.objects.filter(conversation=conversation).count()
    text = "Flere bænke ved åen. " * 4000
    response = client.post(conversation.get_absolute_url() + "udsagn/", {"text": text})
    assert response.status_code == 400
    assert "tegn" in response.content.decode()  # "højst … tegn"
    with scope(municipality=conversation.municipality):
        assert Statement.objects.filter(conversation=conversation).count() == before


def test_the_imports_take_more_than_64_kib_up_to_10_mib(world, client):  # noqa: F811
    client.force_login(world.facilitator)
    base = f"/api/municipalities/{world.municipality.code}/initiatives"
    exported = client.get(f"{base}/export").json()
    data = {"space": world.town.public_space.slug, "initiatives": exported["initiatives"]}
    body = padded(data, 200 * 1024)
    response = client.post(f"{base}/import", body, content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["created"] == 1
    with scope(municipality=world.municipality):
        count = Initiative.objects.count()

    too_big = padded(data, 10 * MIB + 1)
    response = client.post(f"{base}/import", too_big, content_type="application/json")
    assert response.status_code == 413 and "10 MiB" in response.json()["detail"]
    with scope(municipality=world.municipality):
        assert Initiative.objects.count() == count


def test_which_endpoints_have_the_larger_limit():
    assert body_limit("/api/municipalities/0265/initiatives/import") == 10 * MIB
    assert body_limit("/api/municipalities/0265/experiments/import") == 10 * MIB
    assert body_limit("/api/municipalities/0265/initiatives/7/documents") > 10 * MIB
    assert body_limit("/api/municipalities/0265/conversations/1/votes") == API_BODY_LIMIT
    assert body_limit("/api/municipalities/0265/challenges/1/ideas") == API_BODY_LIMIT
