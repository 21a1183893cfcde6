"""The map is recomputed in the background, once per burst of votes, and pages show the result."""

from __future__ import annotations

import random

import pytest
from django.test import override_settings
from django_scopes import scopes_disabled

from samskab.opinions import services
from samskab.opinions.models import ConversationAnalysis, Statement
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def vote_many(conversation, people, pattern) -> None:
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    for person, values in zip(people, pattern, strict=True):
        for statement, value in zip(statements, values, strict=True):
            services.cast_vote(conversation, statement, person, value=value)


def people(n: int, prefix: str = "p"):
    return [make_person(f"{prefix}{i}@test.dk") for i in range(n)]


def test_a_burst_of_votes_queues_one_deferred_recompute(
    conversation, in_scope, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    with override_settings(TASKS=DUMMY):
        backend = default_task_backend  # a backend that can defer, like django-tasks-db
        backend.clear()
        with scopes_disabled():
            voters = people(4)
        with django_capture_on_commit_callbacks(execute=True):
            vote_many(conversation, voters, [(1, 1, -1)] * 4)
        assert len(backend.results) == 1
        queued = backend.results[0]
        assert queued.task.run_after is not None  # deferred, so later votes join this run
        analysis = ConversationAnalysis.objects.get(conversation=conversation)
        assert analysis.dirty and analysis.pending_since is not None
        assert analysis.computed_at is None
        # More votes while it is queued: still one task.
        with django_capture_on_commit_callbacks(execute=True):
            vote_many(conversation, voters[:1], [(-1, -1, -1)])
        assert len(backend.results) == 1
        # The worker runs it.
        queued.task.call(*queued.args, **queued.kwargs)
        analysis.refresh_from_db()
        assert analysis.computed_at is not None
        assert not analysis.dirty and analysis.pending_since is None
        assert analysis.data["n_participants"] == 4
        assert analysis.data["n_votes"] == 12
        # The next vote after the run queues the next run.
        with django_capture_on_commit_callbacks(execute=True):
            vote_many(conversation, voters[:1], [(1, 1, 1)])
        assert len(backend.results) == 2


def test_a_lost_task_is_queued_again_after_the_timeout(conversation, in_scope):
    from datetime import timedelta

    from django.utils import timezone

    ConversationAnalysis.objects.filter(conversation=conversation).update(
        pending_since=timezone.now() - services.PENDING_TIMEOUT - timedelta(seconds=1)
    )
    assert services.mark_dirty(conversation.pk) is True
    assert services.mark_dirty(conversation.pk) is False


def test_immediate_backend_recomputes_after_commit_and_the_page_shows_it(
    conversation, in_scope, client, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        voters = people(6)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        vote_many(conversation, voters, [(1, 1, -1)] * 3 + [(-1, -1, 1)] * 3)
    assert len(callbacks) == 1  # one burst, one recompute
    analysis = ConversationAnalysis.objects.get(conversation=conversation)
    assert analysis.computed_at is not None and not analysis.dirty
    assert analysis.data["n_votes"] == 18
    page = client.get(conversation.get_map_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'role="img"' in html
    assert "18 stemmer fra 6 deltagere" in html
    assert "Meningsgrupperne i tal" in html


def test_page_never_computes_it_shows_the_stored_result(conversation, in_scope, client):
    with scopes_disabled():
        voters = people(3)
    vote_many(conversation, voters, [(1, 1, 1)] * 3)  # on_commit never runs: nothing computed
    html = client.get(conversation.get_map_url()).content.decode()
    assert "ikke kommet stemmer nok" in html
    services.recompute(conversation)
    html = client.get(conversation.get_map_url()).content.decode()
    assert "9 stemmer fra 3 deltagere" in html


def test_an_older_run_never_overwrites_a_newer_result(conversation, in_scope):
    with scopes_disabled():
        voters = people(2)
    vote_many(conversation, voters, [(1, 1, 1)] * 2)
    services.recompute(conversation)
    analysis = ConversationAnalysis.objects.get(conversation=conversation)
    ConversationAnalysis.objects.filter(pk=analysis.pk).update(computed_version=10**6)
    before = analysis.computed_at
    services.recompute(conversation)
    analysis.refresh_from_db()
    assert analysis.computed_at == before


def test_recompute_task_by_id(conversation, in_scope):
    with scopes_disabled():
        voters = people(2)
    vote_many(conversation, voters, [(1, -1, 0)] * 2)
    services.recompute_conversation.call(conversation.pk)
    assert ConversationAnalysis.objects.get(conversation=conversation).data["n_votes"] == 6
    assert services.recompute_conversation.call(10**9) == 0  # deleted meanwhile: nothing


def test_next_statement_without_a_result_takes_the_fewest_votes(conversation, citizen, in_scope):
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    with scopes_disabled():
        voters = people(2)
    services.cast_vote(conversation, statements[0], voters[0], value=1)
    services.cast_vote(conversation, statements[0], voters[1], value=1)
    services.cast_vote(conversation, statements[1], voters[0], value=1)
    assert services.next_statement(conversation, citizen) == statements[2]
    services.cast_vote(conversation, statements[2], citizen, value=1)
    # Unseen only: statements[2] is done, statements[1] has fewer votes than [0].
    assert services.next_statement(conversation, citizen) == statements[1]


def test_next_statement_follows_the_stored_priority(conversation, citizen, in_scope):
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    analysis = ConversationAnalysis.objects.get(conversation=conversation)
    analysis.data = {
        "statements": {
            str(statements[0].pk): {"priority": 0.0},
            str(statements[1].pk): {"priority": 1e9},
            str(statements[2].pk): {"priority": 1e-9},
        }
    }
    analysis.save()
    picks = {
        services.next_statement(conversation, citizen, rng=random.Random(seed))
        for seed in range(20)
    }
    assert picks == {statements[1]}
    services.cast_vote(conversation, statements[1], citizen, value=1)
    assert services.next_statement(conversation, citizen) == statements[2]
    services.cast_vote(conversation, statements[2], citizen, value=1)
    # Priority 0 is never drawn while others remain; alone, it is shown.
    assert services.next_statement(conversation, citizen) == statements[0]
    services.cast_vote(conversation, statements[0], citizen, value=1)
    assert services.next_statement(conversation, citizen) is None


def test_a_new_statement_gets_polis_new_comment_priority(conversation, citizen, in_scope):
    services.recompute(conversation)
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    analysis = ConversationAnalysis.objects.get(conversation=conversation)
    analysis.data = {"statements": {str(s.pk): {"priority": 1e-9} for s in statements}}
    analysis.save()
    new = services.add_statement(conversation, citizen, text="Et helt nyt udsagn")
    assert services.new_statement_priority() == pytest.approx((0.25 * 9) ** 2)
    assert services.next_statement(conversation, citizen) == new


def test_moderating_out_marks_the_map_dirty(conversation, in_scope):
    statement = Statement.objects.filter(conversation=conversation).first()
    services.moderate_statement(statement, in_scope.owner, state=-1)
    assert ConversationAnalysis.objects.get(conversation=conversation).dirty
