"""The opinion map at national size: the votes load in bulk, a large map's recompute starts from
the last run's state, and nothing is locked while the math runs."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.analysis import opinion
from samskab.opinions import services
from samskab.opinions.models import (
    ConversationAnalysis,
    ModerationState,
    Participant,
    Statement,
    Vote,
)
from tests.conftest import make_person
from tests.opinions.conftest import make_conversation

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def planted_votes(conversation, n: int, m: int, *, seed: int = 0, roles=("", "borger")) -> None:
    """`n` imported participants in two opinion camps voting on `m` statements (some cells
    left unseen), written straight to the tables as an import would."""
    rng = np.random.default_rng(seed)
    mid = conversation.municipality_id
    statements = [
        Statement(
            municipality_id=mid,
            conversation=conversation,
            text=f"Udsagn {j}",
            moderation=ModerationState.IN,
        )
        for j in range(m)
    ]
    Statement.objects.bulk_create(statements)
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    participants = Participant.objects.bulk_create(
        Participant(
            municipality_id=mid,
            conversation=conversation,
            external_id=f"x{seed}-{i}",
            role=roles[i % len(roles)],
        )
        for i in range(n)
    )
    participants = list(
        Participant.objects.filter(conversation=conversation, external_id__startswith=f"x{seed}-")
    )
    stance = rng.choice([-1, 1], size=(2, len(statements)))
    now = timezone.now()
    votes = []
    for i, p in enumerate(participants):
        camp = i % 2
        for j, s in enumerate(statements):
            if rng.random() < 0.2:
                continue  # not seen
            u = rng.random()
            value = stance[camp, j] if u < 0.8 else (0 if u < 0.9 else -stance[camp, j])
            votes.append(
                Vote(
                    municipality_id=mid,
                    conversation=conversation,
                    statement=s,
                    participant=p,
                    value=int(value),
                    role=p.role,
                    created_at=now,
                )
            )
    Vote.objects.bulk_create(votes, batch_size=2000)


def orm_input(conversation) -> opinion.OpinionInput:
    """The vote matrix built the plain way: model instances and dictionaries."""
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    participants = list(Participant.objects.filter(conversation=conversation).order_by("id"))
    s_pos = {s.pk: j for j, s in enumerate(statements)}
    p_pos = {p.pk: i for i, p in enumerate(participants)}
    cells = sorted(
        (p_pos[v.participant_id], s_pos[v.statement_id], v.value)
        for v in Vote.objects.filter(conversation=conversation)
    )
    return opinion.OpinionInput(
        participant_ids=tuple(str(p.pk) for p in participants),
        statement_ids=tuple(str(s.pk) for s in statements),
        rows=np.array([c[0] for c in cells], dtype=np.int64),
        cols=np.array([c[1] for c in cells], dtype=np.int64),
        values=np.array([c[2] for c in cells], dtype=np.int8),
        mod_out=np.array([s.moderation == ModerationState.OUT or s.is_meta for s in statements]),
        is_meta=np.array([s.is_meta for s in statements]),
        roles={str(p.pk): p.role for p in participants if p.role},
    )


def assert_same_input(a: opinion.OpinionInput, b: opinion.OpinionInput) -> None:
    assert a.participant_ids == b.participant_ids
    assert a.statement_ids == b.statement_ids
    for name in ("rows", "cols", "values", "mod_out", "is_meta"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.values.dtype == np.int8
    assert dict(a.roles) == dict(b.roles)


def test_bulk_loader_reads_the_same_matrix_as_the_models(town_a, conversation, in_scope):
    planted_votes(conversation, 60, 6)
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    # Votes cast through the service (a person, a changed vote: the latest wins) ...
    voter = make_person("stemmer@test.dk")
    services.cast_vote(conversation, statements[0], voter, value=1)
    services.cast_vote(conversation, statements[0], voter, value=-1)
    services.cast_vote(conversation, statements[4], voter, value=0)
    # ... a statement taken out, a meta statement, and another conversation's votes.
    Statement.objects.filter(pk=statements[1].pk).update(moderation=ModerationState.OUT)
    Statement.objects.filter(pk=statements[2].pk).update(is_meta=True)
    other = make_conversation(town_a, title="En anden samtale")
    planted_votes(other, 10, 3, seed=1)
    expected = orm_input(conversation)
    got = services.build_input(conversation)
    assert_same_input(got, expected)
    assert len(got.values) > 200
    assert got.mod_out[1] and got.mod_out[2] and got.is_meta[2] and not got.is_meta[1]
    voter_row = got.participant_ids.index(
        str(Participant.objects.get(conversation=conversation, person=voter).pk)
    )
    mine = got.rows == voter_row
    voted = dict(zip(got.cols[mine].tolist(), got.values[mine].tolist(), strict=True))
    assert voted == {0: -1, 4: 0}


def test_bulk_loader_on_a_conversation_without_votes(conversation, in_scope):
    got = services.build_input(conversation)
    assert len(got.values) == 0 and got.n_participants == 0 and got.n_statements == 3
    services.recompute(conversation)
    assert ConversationAnalysis.objects.get(conversation=conversation).data["n_votes"] == 0


def test_bulk_loader_reads_in_batches(conversation, in_scope, monkeypatch):
    """Votes read in many small batches (SQLite's path; PostgreSQL reads them in one) come
    out the same."""
    planted_votes(conversation, 40, 5, seed=2)
    expected = orm_input(conversation)
    monkeypatch.setattr(services, "_FETCH_ROWS", 13)
    assert_same_input(services.build_input(conversation), expected)


def stored(conversation) -> tuple[dict, bytes | None]:
    data, state = (
        ConversationAnalysis.objects.filter(conversation=conversation)
        .values_list("data", "warm_state")
        .get()
    )
    return data, None if state is None else bytes(state)


def test_a_large_map_starts_from_the_last_run(conversation, in_scope, monkeypatch):
    # "Large" is 100,000 votes in production; here every map counts as large.
    monkeypatch.setattr(services, "WARM_START_MIN_VOTES", 1)
    planted_votes(conversation, 80, 8, seed=3)
    services.recompute(conversation)
    first, state = stored(conversation)
    assert first["warm_start"] is False and state
    previous = opinion.load_warm_start(state)
    participants = Participant.objects.filter(conversation=conversation).order_by("id")
    assert previous.participant_ids == tuple(
        str(pk) for pk in participants.values_list("pk", flat=True)
    )
    assert previous.k_smoother[2] == len(first["groups"]) == 2

    services.recompute_conversation.call(conversation.pk)  # as the worker runs it
    second, state2 = stored(conversation)
    assert second["warm_start"] is True
    # Same votes, warm: the same groups with the same members and the same base clusters.
    assert [g["size"] for g in second["groups"]] == [g["size"] for g in first["groups"]]
    assert [(p[0], p[3]) for p in second["points"]] == [(p[0], p[3]) for p in first["points"]]
    assert opinion.load_warm_start(state2).k_smoother == (2, 2, 2)  # the smoother counts on

    # The warm result is what the math gives when handed the stored state.
    inp = services.build_input(conversation)
    roles, _hidden = services._shown_roles(inp)
    from dataclasses import replace

    again = opinion.analyze(replace(inp, roles=roles), previous=opinion.load_warm_start(state))
    assert [g.size for g in again.groups] == [g["size"] for g in second["groups"]]


def test_a_small_map_keeps_no_state_and_equals_a_cold_compute(conversation, in_scope):
    planted_votes(conversation, 30, 5, seed=4)
    services.recompute(conversation)
    services.recompute(conversation)
    data, state = stored(conversation)
    assert state is None and data["warm_start"] is False
    fresh = services.compute(conversation)
    data.pop("timing_s"), fresh.pop("timing_s")
    assert data == fresh


def bad_states(good: bytes) -> list[bytes]:
    """A truncated file, bytes that are no file, and well-formed files that do not fit."""
    with np.load(io.BytesIO(good)) as z:
        arrays = {k: z[k] for k in z.files}

    def saved(**changes) -> bytes:
        buf = io.BytesIO()
        np.savez(buf, **{**arrays, **changes})
        return buf.getvalue()

    n = len(arrays["in_conv"])
    return [
        good[: len(good) // 2],
        b"not a state at all",
        saved(format=np.array([99])),
        saved(components=np.zeros((3, 2))),
        saved(in_conv=np.zeros(n + 1, bool)),
        saved(base_cluster=np.full(n, 10**6)),
        saved(components=np.full_like(arrays["components"], np.nan)),
        saved(participant_ids=np.arange(n)),
    ]


def test_a_broken_stored_state_falls_back_to_a_cold_start(conversation, in_scope, monkeypatch):
    monkeypatch.setattr(services, "WARM_START_MIN_VOTES", 1)
    planted_votes(conversation, 50, 6, seed=5)
    services.recompute(conversation)
    cold, good = stored(conversation)
    assert good
    for bad in bad_states(good):
        with pytest.raises(opinion.OpinionInputError):
            opinion.load_warm_start(bad)
        ConversationAnalysis.objects.filter(conversation=conversation).update(warm_state=bad)
        services.recompute(conversation)
        data, state = stored(conversation)
        row = ConversationAnalysis.objects.get(conversation=conversation)
        assert row.error == "" and not row.dirty
        assert data["warm_start"] is False
        # Exactly the cold map, and a good state stored for next time.
        data.pop("timing_s"), cold.pop("timing_s", None)
        assert data == cold
        assert opinion.load_warm_start(state).participant_ids


def test_a_state_from_other_votes_still_gives_a_map(conversation, town_a, in_scope, monkeypatch):
    """A readable state of another conversation (no ids in common) is a warm start with
    nothing to carry over: the map is computed, not an error."""
    monkeypatch.setattr(services, "WARM_START_MIN_VOTES", 1)
    other = make_conversation(town_a, title="Den anden")
    planted_votes(other, 40, 4, seed=6)
    services.recompute(other)
    _data, foreign = stored(other)
    planted_votes(conversation, 40, 4, seed=7)
    services.recompute(conversation)
    ConversationAnalysis.objects.filter(conversation=conversation).update(warm_state=foreign)
    services.recompute(conversation)
    data, _state = stored(conversation)
    assert data["n_votes"] > 0 and data["groups"]


def test_warm_start_survives_its_bytes():
    rng = np.random.default_rng(0)
    n, m = 300, 30
    rows = np.repeat(np.arange(n), m)
    cols = np.tile(np.arange(m), n)
    camp = rows % 3
    stance = rng.choice([-1, 1], size=(3, m))
    values = np.where(rng.random(n * m) < 0.8, stance[camp, cols], 0)
    inp = opinion.input_from_arrays(
        [f"p{i}" for i in range(n)], [f"s{j}" for j in range(m)], rows, cols, values
    )
    first = opinion.analyze(inp, seed=1)
    restored = opinion.load_warm_start(opinion.save_warm_start(opinion.warm_start(first)))
    a = opinion.analyze(inp, seed=1, previous=first)
    b = opinion.analyze(inp, seed=1, previous=restored)
    assert np.array_equal(a.x, b.x) and np.array_equal(a.group, b.group)
    assert np.array_equal(a.base_cluster, b.base_cluster) and a.k_smoother == b.k_smoother


@pytest.mark.django_db(transaction=True)
def test_votes_and_the_map_page_go_through_while_the_math_runs(
    town_a, kommuner, client, monkeypatch
):
    """While a recompute's math runs it holds no transaction (so no row locks): from another
    connection a vote is stored and the map page shows the last stored map meanwhile."""
    conversation = make_conversation(town_a)
    with scope(municipality=town_a.municipality):
        planted_votes(conversation, 30, 4, seed=8)
        services.recompute(conversation)
    real_analyze = opinion.analyze
    seen: dict[str, object] = {}

    def other_connection() -> None:
        try:
            with scope(municipality=town_a.municipality), override_settings(TASKS=DUMMY):
                s = Statement.objects.filter(conversation=conversation, moderation=1).first()
                services.cast_vote(conversation, s, make_person("midt@test.dk"), value=1)
                page = client.get(conversation.get_map_url())
                seen["page"] = page.status_code, page.content.decode()
                seen["votes"] = Vote.objects.filter(conversation=conversation).count()
        finally:
            connection.close()

    def analyze(*args, **kwargs):
        if "in_atomic" not in seen:
            seen["in_atomic"] = connection.in_atomic_block
            worker = threading.Thread(target=other_connection)
            worker.start()
            worker.join(60)  # a lock held here would keep the vote waiting
            seen["finished"] = not worker.is_alive()
        return real_analyze(*args, **kwargs)

    monkeypatch.setattr(opinion, "analyze", analyze)
    with scope(municipality=town_a.municipality):
        before = ConversationAnalysis.objects.get(conversation=conversation).data["n_votes"]
        services.recompute(conversation)
    assert seen["in_atomic"] is False
    assert seen["finished"] is True
    status, html = seen["page"]
    assert status == 200 and f"{before} stemmer" in html
    with scopes_disabled():
        assert seen["votes"] == before + 1
        assert ConversationAnalysis.objects.get(conversation=conversation).dirty
