"""A vote through the API costs a fixed, small number of queries, so the hot path can't creep.

One vote used to cost 19 queries (issue 13); at a national peak every query is paid thousands of
times a second. On PostgreSQL the vote's writes are one statement; SQLite, which has no
data-modifying WITH, takes three of them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from samskab.opinions.models import ConversationAnalysis, Statement, Vote, VoteEvent

pytestmark = pytest.mark.django_db

# Session, user, statement with its conversation and municipality, memberships, the writes.
BUDGET = {"postgresql": 5, "sqlite": 8}


def _vote(client, conversation, statement, value):
    url = (
        f"/api/municipalities/{conversation.municipality.code}"
        f"/conversations/{conversation.pk}/votes"
    )
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            url, {"statement": statement.pk, "value": value}, content_type="application/json"
        )
    assert response.status_code == 200, response.content
    # Savepoints belong to the test's own transaction, not to the vote.
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_vote_costs_a_fixed_small_number_of_queries(
    conversation, citizen, client, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    with scope(municipality=conversation.municipality):
        statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    budget = BUDGET[connection.vendor]
    with django_capture_on_commit_callbacks(execute=False):
        first = _vote(client, conversation, statements[0], 1)  # claims the recompute
        again = _vote(client, conversation, statements[0], -1)  # a recompute is queued
        other = _vote(client, conversation, statements[1], 0)
    for queries in (again, other):
        assert len(queries) <= budget, "\n".join(queries)
    # The first vote of a burst also claims the recompute: one conditional UPDATE more.
    assert len(first) <= budget + 1, "\n".join(first)
    with scope(municipality=conversation.municipality):
        assert Vote.objects.filter(participant__person=citizen).count() == 2
        assert VoteEvent.objects.filter(participant__person=citizen).count() == 3
        analysis = ConversationAnalysis.objects.get(conversation=conversation)
    assert analysis.dirty and analysis.pending_since is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_vote_is_planned_once_per_connection(conversation, citizen, client):
    """Planning the vote's statements cost the database more than running them
    (samskab.core.rows): after a vote they stay prepared on the connection."""
    client.force_login(citizen)
    with scope(municipality=conversation.municipality):
        statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    for statement in statements[:3]:
        _vote(client, conversation, statement, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        prepared = dict(cursor.fetchall())
    vote = [n for sql, n in prepared.items() if sql.startswith("WITH p AS (INSERT INTO")]
    person = [n for sql, n in prepared.items() if "FROM accounts_user u" in sql]
    assert vote == [3] and person and person[0] >= 3, prepared
