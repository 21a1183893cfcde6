"""Voting and statements: latest vote wins, history is kept, refusals change nothing."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from samskab.accounts.models import Role
from samskab.accounts.roles import declarable_roles
from samskab.core.models import AuditEvent
from samskab.opinions import services
from samskab.opinions.models import ModerationState, Statement, Vote, VoteEvent
from tests.conftest import give_role

pytestmark = pytest.mark.django_db


def first_statement(conversation) -> Statement:
    return Statement.objects.filter(conversation=conversation).order_by("id").first()


def test_latest_vote_wins_and_history_is_kept(conversation, citizen, in_scope):
    statement = first_statement(conversation)
    services.cast_vote(conversation, statement, citizen, value=1)
    services.cast_vote(conversation, statement, citizen, value=-1)
    services.cast_vote(conversation, statement, citizen, value=0)
    votes = Vote.objects.filter(statement=statement)
    assert [v.value for v in votes] == [0]
    assert list(VoteEvent.objects.filter(statement=statement).values_list("value", flat=True)) == [
        1,
        -1,
        0,
    ]
    assert votes[0].role == Role.CITIZEN
    # The history is the votes' audit trail: no second audit row per vote.
    assert not AuditEvent.objects.filter(action="statement.voted").exists()
    events = VoteEvent.objects.filter(statement=statement)
    assert {(e.participant.person_id, e.role) for e in events} == {(citizen.pk, Role.CITIZEN)}


def test_vote_on_a_closed_conversation_is_refused_and_changes_nothing(
    conversation, citizen, in_scope
):
    statement = first_statement(conversation)
    services.cast_vote(conversation, statement, citizen, value=1)
    services.close_conversation(conversation, in_scope.owner)
    with pytest.raises(services.ServiceError, match="Samtalen er lukket"):
        services.cast_vote(conversation, statement, citizen, value=-1)
    assert Vote.objects.get(statement=statement).value == 1
    assert VoteEvent.objects.filter(statement=statement).count() == 1


@pytest.mark.parametrize("state", [ModerationState.OUT])
def test_vote_on_a_hidden_statement_is_refused(conversation, citizen, in_scope, state):
    statement = first_statement(conversation)
    services.moderate_statement(statement, in_scope.owner, state=state)
    with pytest.raises(services.ServiceError, match="ikke med i samtalen"):
        services.cast_vote(conversation, statement, citizen, value=1)
    assert not Vote.objects.filter(statement=statement).exists()
    assert not VoteEvent.objects.filter(statement=statement).exists()


def test_unapproved_statement_in_premoderation_cannot_be_voted_on(premoderated, citizen, in_scope):
    statement = services.add_statement(premoderated, citizen, text="Flere fællesspisninger!")
    assert statement.moderation == ModerationState.UNMODERATED
    assert statement not in services.votable_statements(premoderated)
    with pytest.raises(services.ServiceError):
        services.cast_vote(premoderated, statement, citizen, value=1)
    services.moderate_statement(statement, in_scope.owner, state=ModerationState.IN)
    services.cast_vote(premoderated, statement, citizen, value=1)
    assert Vote.objects.filter(statement=statement).count() == 1


def test_in_postmoderation_a_participant_statement_is_shown_at_once(
    conversation, citizen, in_scope
):
    statement = services.add_statement(conversation, citizen, text="Flere fællesspisninger!")
    assert statement.moderation == ModerationState.UNMODERATED
    assert not statement.is_seed
    assert statement in services.votable_statements(conversation)


def test_statement_from_a_facilitator_is_a_seed_and_approved(conversation, in_scope):
    statement = services.add_statement(conversation, in_scope.owner, text="Et nyt udsagn.")
    assert statement.is_seed
    assert statement.moderation == ModerationState.IN


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Skriv et udsagn"),
        ("x" * 281, "højst være 280 tegn"),
        ("Mit CPR er 010190-1234", "CPR-nummer"),
        ("Der skal være flere bænke i byen.", "findes allerede"),
    ],
)
def test_bad_statements_are_refused(conversation, citizen, in_scope, text, message):
    before = Statement.objects.count()
    with pytest.raises(services.ServiceError, match=message):
        services.add_statement(conversation, citizen, text=text)
    assert Statement.objects.count() == before


def test_participants_cannot_add_when_the_conversation_says_no(town_a, citizen, in_scope):
    from tests.opinions.conftest import make_conversation

    closed_for_ideas = make_conversation(town_a, participants_can_add=False)
    with pytest.raises(services.ServiceError, match="kan deltagerne ikke"):
        services.add_statement(closed_for_ideas, citizen, text="Noget nyt")


def test_declared_role_defaults_to_the_first_and_must_be_held(conversation, in_scope):
    person = in_scope.member  # medarbejder
    with scopes_disabled():
        give_role(person, in_scope.municipality, Role.COUNCIL_MEMBER)
    assert declarable_roles(person, in_scope.municipality.pk) == [
        "medarbejder",
        "politiker",
    ]
    statement = first_statement(conversation)
    assert services.cast_vote(conversation, statement, person, value=1).role == "medarbejder"
    vote = services.cast_vote(conversation, statement, person, value=1, role="politiker")
    assert vote.role == "politiker"
    # The next vote keeps the role chosen last.
    other = Statement.objects.filter(conversation=conversation).order_by("id")[1]
    assert services.cast_vote(conversation, other, person, value=0).role == "politiker"
    with pytest.raises(services.ServiceError, match="rolle"):
        services.cast_vote(conversation, statement, person, value=1, role="borgmester")


def test_a_person_without_a_role_here_votes_without_one(towns, in_scope):
    from tests.opinions.conftest import make_conversation

    conversation = make_conversation(in_scope)
    outsider = towns[1].owner  # administrator of B, nothing in A
    statement = first_statement(conversation)
    assert services.cast_vote(conversation, statement, outsider, value=1).role == ""


def test_bad_vote_value_is_refused(conversation, citizen, in_scope):
    with pytest.raises(services.ServiceError):
        services.cast_vote(conversation, first_statement(conversation), citizen, value=2)
    assert not Vote.objects.exists()


def test_conversations_for_challenge(town_a, in_scope, citizen):
    from samskab.challenges.models import Challenge
    from tests.opinions.conftest import make_conversation

    challenge = Challenge.objects.create(
        municipality=town_a.municipality, space=town_a.staff_space, title="Ældre og ensomhed"
    )
    attached = make_conversation(town_a, space=town_a.staff_space, challenge=challenge)
    make_conversation(town_a, title="En anden")
    assert services.conversations_for_challenge(challenge) == [attached]
    assert services.conversations_for_challenge(challenge, town_a.member) == [attached]
    assert services.conversations_for_challenge(challenge, citizen) == []


def test_challenge_from_another_space_is_refused(town_a, in_scope):
    from samskab.challenges.models import Challenge
    from tests.opinions.conftest import make_conversation

    challenge = Challenge.objects.create(
        municipality=town_a.municipality, space=town_a.staff_space, title="Andet rum"
    )
    with pytest.raises(services.ServiceError):
        make_conversation(town_a, challenge=challenge)
