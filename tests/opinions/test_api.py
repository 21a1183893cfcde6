"""The API: the same rules and services as the pages; 404 across municipalities; JSON refusals."""

from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.opinions import services
from samskab.opinions.models import Statement, Vote, VoteEvent
from tests.opinions.conftest import make_conversation

pytestmark = pytest.mark.django_db


def base(conversation) -> str:
    return f"/api/municipalities/{conversation.municipality.code}/conversations/{conversation.pk}"


def test_detail_statements_and_analysis(conversation, client):
    detail = client.get(base(conversation)).json()
    assert detail["title"] == conversation.title
    assert detail["is_open"] is True
    assert detail["map_url"] == conversation.get_map_url()
    statements = client.get(base(conversation) + "/statements").json()
    assert [s["text"] for s in statements][0] == "Der skal være flere bænke i byen."
    analysis = client.get(base(conversation) + "/analysis").json()
    assert analysis["computed_at"] is None and analysis["result"] == {}


def test_vote_through_the_api(conversation, citizen, client, django_capture_on_commit_callbacks):
    client.force_login(citizen)
    with scope(municipality=conversation.municipality):
        statement = Statement.objects.filter(conversation=conversation).first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            base(conversation) + "/votes",
            {"statement": statement.pk, "value": -1},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == -1 and response.json()["role"] == "borger"
    analysis = client.get(base(conversation) + "/analysis").json()
    assert analysis["result"]["n_votes"] == 1


def test_vote_needs_a_login(conversation, client):
    response = client.post(
        base(conversation) + "/votes", {"statement": 1, "value": 1}, content_type="application/json"
    )
    assert response.status_code == 401


def test_refused_vote_is_4xx_json_with_a_message(conversation, citizen, client):
    client.force_login(citizen)
    with scope(municipality=conversation.municipality):
        statement = Statement.objects.filter(conversation=conversation).first()
        services.close_conversation(conversation, conversation.created_by)
    response = client.post(
        base(conversation) + "/votes",
        {"statement": statement.pk, "value": 1},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Samtalen er lukket" in response.json()["message"]
    bad = client.post(
        base(conversation) + "/votes",
        {"statement": statement.pk, "value": 5},
        content_type="application/json",
    )
    assert bad.status_code == 400
    with scope(municipality=conversation.municipality):
        assert not Vote.objects.exists() and not VoteEvent.objects.exists()


def test_other_municipalitys_objects_are_404(towns, client):
    a, b = towns
    theirs = make_conversation(b, space=b.staff_space)
    client.force_login(a.owner)
    for suffix in ("", "/statements", "/analysis"):
        assert client.get(base(theirs) + suffix).status_code == 404
    public = make_conversation(b)
    wrong = f"/api/municipalities/{a.municipality.code}/conversations/{public.pk}"
    assert client.get(wrong).status_code == 404
    vote = client.post(
        wrong + "/votes", {"statement": 1, "value": 1}, content_type="application/json"
    )
    assert vote.status_code == 404
    # A statement of another conversation is not found either.
    with scope(municipality=b.municipality):
        other = Statement.objects.filter(conversation=public).first()
    own = make_conversation(a)
    client.force_login(a.member)
    response = client.post(
        base(own) + "/votes", {"statement": other.pk, "value": 1}, content_type="application/json"
    )
    assert response.status_code == 404


def test_api_statement_list_query_count_is_flat(conversation, client):
    from tests.helpers import assert_flat_query_count

    def fetch():
        assert client.get(base(conversation) + "/statements").status_code == 200

    def add(n):
        with scope(municipality=conversation.municipality):
            for i in range(n):
                services.add_statement(
                    conversation,
                    conversation.created_by,
                    text=f"API {i} {Statement.objects.count()}",
                )

    assert_flat_query_count(fetch, add, more=5)
