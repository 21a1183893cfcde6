"""Each opinion service checks its own permission and limit, whoever calls it (page, API, CLI)."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from samskab.core.models import AuditEvent
from samskab.core.ratelimit import LIMITS
from samskab.opinions import services
from samskab.opinions.models import ModerationState, Statement, Vote, VoteEvent

pytestmark = pytest.mark.django_db


def _audit(action: str) -> int:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=action).count()


@pytest.mark.parametrize("who", ["citizen", "nobody", "member"])
def test_moderating_needs_a_moderator(premoderated, citizen, in_scope, who):
    statement = services.add_statement(premoderated, citizen, text="Flere cykelstier, tak.")
    actor = {"citizen": citizen, "nobody": None, "member": in_scope.member}[who]
    with pytest.raises(services.ServiceError, match="Kun moderatorer"):
        services.moderate_statement(statement, actor, state=ModerationState.IN)
    statement.refresh_from_db()
    assert statement.moderation == ModerationState.UNMODERATED
    assert _audit("statement.moderated") == 0


def test_a_moderator_moderates_and_it_is_audited(premoderated, citizen, moderator, in_scope):
    statement = services.add_statement(premoderated, citizen, text="Flere cykelstier, tak.")
    services.moderate_statement(statement, moderator, state=ModerationState.OUT, reason="Dublet")
    statement.refresh_from_db()
    assert statement.moderation == ModerationState.OUT
    with scopes_disabled():
        event = AuditEvent.objects.get(action="statement.moderated")
    assert event.actor == moderator and event.target_id == str(statement.pk)


def test_a_moderation_reason_with_a_cpr_number_is_refused(
    premoderated, citizen, moderator, in_scope
):
    statement = services.add_statement(premoderated, citizen, text="Flere cykelstier, tak.")
    with pytest.raises(services.ServiceError, match="CPR"):
        services.moderate_statement(
            statement, moderator, state=ModerationState.OUT, reason="Se 010190–1234"
        )
    statement.refresh_from_db()
    assert statement.moderation == ModerationState.UNMODERATED
    assert _audit("statement.moderated") == 0


@pytest.mark.parametrize("who", ["citizen", "nobody", "moderator"])
def test_closing_and_opening_needs_someone_who_runs_conversations(
    conversation, citizen, moderator, in_scope, who
):
    actor = {"citizen": citizen, "nobody": None, "moderator": moderator}[who]
    with pytest.raises(services.ServiceError, match="lukke eller åbne"):
        services.close_conversation(conversation, actor)
    conversation.refresh_from_db()
    assert conversation.is_open and conversation.closed_at is None
    assert _audit("conversation.closed") == 0


def test_the_owner_closes_and_reopens_and_both_are_audited(conversation, in_scope):
    services.close_conversation(conversation, in_scope.owner)
    conversation.refresh_from_db()
    assert not conversation.is_open
    services.open_conversation(conversation, in_scope.owner)
    conversation.refresh_from_db()
    assert conversation.is_open
    assert _audit("conversation.closed") == 1 and _audit("conversation.opened") == 1


def test_statements_are_limited_per_person(conversation, citizen, in_scope):
    limit = LIMITS["statement"][0]
    for i in range(limit):
        services.add_statement(conversation, citizen, text=f"Forslag nummer {i} fra Karen")
    before = Statement.objects.filter(conversation=conversation).count()
    with pytest.raises(services.ServiceError, match="Vent lidt"):
        services.add_statement(conversation, citizen, text="Et forslag for meget")
    assert Statement.objects.filter(conversation=conversation).count() == before
    # Someone else is not held back by Karen's limit, nor is the one running the conversation.
    services.add_statement(conversation, in_scope.member, text="Et andet menneskes forslag")
    for i in range(limit + 1):
        services.add_statement(conversation, in_scope.owner, text=f"Startudsagn {i}")


def test_votes_are_limited_per_person_generously(conversation, citizen, in_scope):
    statements = list(Statement.objects.filter(conversation=conversation))
    limit = LIMITS["vote"][0]
    # A real person answers a few hundred statements; the limit lets that through.
    assert limit >= 200
    for i in range(limit):
        services.cast_vote(conversation, statements[i % len(statements)], citizen, value=1)
    before = VoteEvent.objects.filter(conversation=conversation).count()
    with pytest.raises(services.ServiceError, match="stemt meget på kort tid"):
        services.cast_vote(conversation, statements[0], citizen, value=-1)
    assert VoteEvent.objects.filter(conversation=conversation).count() == before
    assert Vote.objects.get(statement=statements[0], participant__person=citizen).value == 1
    services.cast_vote(conversation, statements[0], in_scope.member, value=-1)


def test_a_limited_vote_through_the_api_is_a_400_with_the_message(conversation, citizen, client):
    client.force_login(citizen)
    with scopes_disabled():
        statement = Statement.objects.filter(conversation=conversation).first()
    url = (
        f"/api/municipalities/{conversation.municipality.code}/conversations/"
        f"{conversation.pk}/votes"
    )
    for _i in range(LIMITS["vote"][0]):
        response = client.post(url, {"statement": statement.pk, "value": 1}, "application/json")
        assert response.status_code == 200
    response = client.post(url, {"statement": statement.pk, "value": 1}, "application/json")
    assert response.status_code == 400
    assert "stemt meget" in response.json()["message"]


@pytest.mark.parametrize("who", ["citizen", "nobody", "moderator"])
def test_creating_a_conversation_needs_someone_who_runs_conversations(
    town_a, citizen, moderator, in_scope, who
):
    actor = {"citizen": citizen, "nobody": None, "moderator": moderator}[who]
    with pytest.raises(services.ServiceError, match="samtale"):
        services.create_conversation(
            town_a.public_space, actor, title="Min samtale", statements=["Et udsagn her."]
        )
    assert not Statement.objects.exists()
    assert _audit("conversation.created") == 0


def test_another_towns_administrator_cannot_create_a_conversation_here(town_a, town_b, in_scope):
    with pytest.raises(services.ServiceError, match="samtale"):
        services.create_conversation(town_a.public_space, town_b.owner, title="Udefra")
    assert _audit("conversation.created") == 0


@pytest.mark.parametrize("who", ["nobody", "anonymous"])
def test_adding_a_statement_needs_a_login(conversation, in_scope, who):
    from django.contrib.auth.models import AnonymousUser

    actor = None if who == "nobody" else AnonymousUser()
    before = Statement.objects.count()
    with pytest.raises(services.ServiceError, match="Log ind"):
        services.add_statement(conversation, actor, text="Et udsagn uden login.")
    assert Statement.objects.count() == before
    assert _audit("statement.added") == 0


def test_a_statement_in_a_space_one_cannot_see_is_refused(town_a, town_b, in_scope):
    from tests.opinions.conftest import make_conversation

    hidden = make_conversation(town_a, space=town_a.staff_space, title="Internt")
    outsider = town_a.outsider
    with pytest.raises(services.ServiceError, match="udsagn"):
        services.add_statement(hidden, outsider, text="Et udsagn udefra.")
    assert _audit("statement.added") == 0
