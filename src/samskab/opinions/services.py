"""State changes for the opinion map: one function per use case, each atomic and audited.

Votes never wait for the math. A vote marks the conversation's stored analysis dirty and, only if
no recompute is queued yet, queues one (Django's Tasks API) once the vote's transaction commits.
With a backend that can defer (django-tasks-db, which `python3 run.py` and production use) the
task runs a few seconds later, so a burst of votes costs one recompute; the immediate backend
(the tests, and `samskab` run without TASKS_BACKEND) runs it at once. Pages show the last stored
result.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from django_tasks import task

from samskab.accounts.roles import declarable_roles
from samskab.analysis import opinion
from samskab.core import periods, rows
from samskab.core import services as core_services
from samskab.core.activity import Activity, ActivityReport, Arena
from samskab.core.errors import ServiceError
from samskab.core.groups import OTHER_GROUP, large_enough, merge_small
from samskab.core.models import record
from samskab.core.ratelimit import check_rate
from samskab.core.validators import clean_free_text, contains_cpr
from samskab.municipalities.models import Space
from samskab.municipalities.models import Visibility as SpaceVisibility
from samskab.opinions.models import (
    STATEMENT_MAX_LENGTH,
    Conversation,
    ConversationAnalysis,
    ModerationMode,
    ModerationState,
    Participant,
    Statement,
    Vote,
    VoteEvent,
    VoteValue,
)

__all__ = ["ServiceError"]

logger = logging.getLogger(__name__)

# How long a deferring backend waits before recomputing, so a burst of votes is one recompute.
RECOMPUTE_DELAY = timedelta(seconds=5)
# A recompute queued longer ago than this is taken as lost (a worker died, the enqueue failed
# after commit) and the next vote queues a new one.
PENDING_TIMEOUT = timedelta(minutes=10)
# Above this many participants the map draws base clusters instead of one point per person.
MAX_POINTS = 3000
# The group that roles too small to show on their own (and people without a role) are shown as.


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _may(actor: Any, perm: str, obj: Any) -> bool:
    return actor is not None and actor.has_perm(perm, obj)


def votable_statements(conversation: Conversation) -> QuerySet[Statement]:
    """Statements participants see and vote on: approved ones, and in post-moderation also
    those no moderator has looked at yet."""
    states = [ModerationState.IN]
    if conversation.moderation_mode == ModerationMode.POST:
        states.append(ModerationState.UNMODERATED)
    return Statement.objects.filter(conversation=conversation, moderation__in=states)


def is_votable(statement: Statement, conversation: Conversation) -> bool:
    if statement.moderation == ModerationState.IN:
        return True
    return (
        statement.moderation == ModerationState.UNMODERATED
        and conversation.moderation_mode == ModerationMode.POST
    )


def _clean_text(text: str) -> str:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ServiceError(_("Skriv et udsagn."))
    if len(cleaned) > STATEMENT_MAX_LENGTH:
        raise ServiceError(
            _("Et udsagn må højst være %(max)d tegn. Dit er %(length)d tegn.")
            % {"max": STATEMENT_MAX_LENGTH, "length": len(cleaned)}
        )
    if contains_cpr(cleaned):
        raise ServiceError(
            _(
                "Teksten ser ud til at indeholde et CPR-nummer. Skriv den uden CPR-nummeret – "
                "vi gemmer aldrig CPR-numre."
            )
        )
    return cleaned


# --------------------------------------------------------------------------------------------
# Conversations
# --------------------------------------------------------------------------------------------


def create_conversation(
    space: Space,
    actor: Any,
    *,
    title: str,
    question: str = "",
    challenge: Any = None,
    moderation_mode: str = ModerationMode.POST,
    participants_can_add: bool = True,
    statements: Iterable[str] = (),
) -> Conversation:
    if not _may(actor, "opinions.add_conversation", space):
        raise ServiceError(
            _("Kun facilitatorer, administratorer og ledere kan oprette en samtale i dette rum.")
        )
    if challenge is not None and (
        challenge.municipality_id != space.municipality_id or challenge.space_id != space.pk
    ):
        raise ServiceError(_("Udfordringen hører ikke til dette rum."))
    texts = [_clean_text(t) for t in statements if t.strip()]
    with transaction.atomic():
        conversation = Conversation.objects.create(
            municipality_id=space.municipality_id,
            space=space,
            challenge=challenge,
            title=title,
            question=question,
            moderation_mode=moderation_mode,
            participants_can_add=participants_can_add,
            created_by=_actor(actor),
        )
        ConversationAnalysis.objects.create(
            municipality_id=space.municipality_id, conversation=conversation
        )
        for text in dict.fromkeys(texts):
            Statement.objects.create(
                municipality_id=space.municipality_id,
                conversation=conversation,
                text=text,
                author=_actor(actor),
                is_seed=True,
                moderation=ModerationState.IN,
            )
        record(
            space.municipality_id,
            actor,
            "conversation.created",
            conversation,
            title=title,
            space=space.pk,
        )
    return conversation


def set_open(conversation: Conversation, actor: Any, *, is_open: bool) -> Conversation:
    return core_services.set_open(
        conversation,
        actor,
        is_open=is_open,
        perm="opinions.change_conversation",
        action_prefix="conversation",
        refusal=_("Du kan ikke lukke eller åbne denne samtale."),
    )


def close_conversation(conversation: Conversation, actor: Any) -> Conversation:
    return set_open(conversation, actor, is_open=False)


def open_conversation(conversation: Conversation, actor: Any) -> Conversation:
    return set_open(conversation, actor, is_open=True)


def conversations_for_challenge(challenge: Any, user: Any = None) -> list[Conversation]:
    """The conversations attached to a challenge, for the challenge page to link to.

    With `user`, only if that person may see the challenge's space (a conversation's visibility
    follows its space). Call inside the challenge's municipality scope.
    """
    if user is not None and not user.has_perm("municipalities.view_space", challenge.space):
        return []
    return list(
        Conversation.objects.filter(challenge=challenge)
        .select_related("municipality", "space")
        .order_by("-created_at", "-id")
    )


# --------------------------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------------------------


def add_statement(
    conversation: Conversation,
    actor: Any,
    *,
    text: str,
    is_meta: bool = False,
) -> Statement:
    """A new statement. From a moderator or someone running the conversation it is a seed
    statement, approved at once; from a participant it follows the moderation mode."""
    if not getattr(actor, "is_authenticated", False):
        raise ServiceError(_("Log ind for at skrive et udsagn."))
    if not conversation.is_open:
        raise ServiceError(_("Samtalen er lukket, så der kan ikke komme nye udsagn."))
    if not actor.has_perm("opinions.add_statement", conversation):
        if actor.has_perm("opinions.view_conversation", conversation):
            raise ServiceError(_("I denne samtale kan deltagerne ikke tilføje udsagn."))
        raise ServiceError(_("Du kan ikke tilføje udsagn i denne samtale."))
    cleaned = _clean_text(text)
    seeds = actor.has_perm("opinions.moderate_conversation", conversation) or actor.has_perm(
        "opinions.change_conversation", conversation
    )
    with transaction.atomic():
        if Statement.objects.filter(conversation=conversation, text__iexact=cleaned).exists():
            raise ServiceError(_("Det udsagn findes allerede i samtalen."))
        if not seeds:
            # Those running the conversation seed it; the limit is against floods from others.
            check_rate(actor.pk, "statement")
        statement = Statement.objects.create(
            municipality_id=conversation.municipality_id,
            conversation=conversation,
            text=cleaned,
            author=_actor(actor),
            is_seed=seeds,
            is_meta=is_meta and seeds,
            moderation=ModerationState.IN if seeds else ModerationState.UNMODERATED,
        )
        record(
            conversation.municipality_id,
            actor,
            "statement.added",
            statement,
            conversation=conversation.pk,
            seed=seeds,
        )
    return statement


def moderate_statement(
    statement: Statement,
    actor: Any,
    *,
    state: int,
    is_meta: bool | None = None,
    reason: str = "",
) -> Statement:
    if not _may(actor, "opinions.moderate_conversation", statement.conversation):
        raise ServiceError(_("Kun moderatorer kan godkende eller afvise udsagn."))
    if state not in ModerationState.values:
        raise ServiceError(_("Vælg godkend eller afvis."))
    # The author reads the reason: the same cleaning and CPR check as any free text.
    reason = clean_free_text(reason, limit=500)
    with transaction.atomic():
        old_state = statement.moderation
        statement.moderation = state
        if is_meta is not None:
            statement.is_meta = is_meta
        statement.moderation_reason = reason
        statement.moderated_at = timezone.now()
        statement.save(update_fields=["moderation", "is_meta", "moderation_reason", "moderated_at"])
        record(
            statement.municipality_id,
            actor,
            "statement.moderated",
            statement,
            state=state,
            is_meta=statement.is_meta,
            reason=statement.moderation_reason,
        )
        # Moderating out (or marking meta) changes the map: the statement stops counting.
        mark_dirty(statement.conversation_id)
        _tell_author(statement, actor, old_state)
    return statement


def _tell_author(statement: Statement, actor: Any, old_state: int) -> None:
    """The author hears what the moderator decided about their statement (in their language)."""
    author = statement.author
    unchanged = old_state == statement.moderation
    if author is None or author.pk == getattr(actor, "pk", None) or unchanged:
        return
    if statement.moderation == ModerationState.UNMODERATED:
        return
    from samskab.notifications.models import Kind
    from samskab.notifications.services import in_language, notify

    conversation = statement.conversation
    if statement.moderation == ModerationState.OUT:

        def body() -> str:
            return _(
                "En moderator har afvist dit udsagn i samtalen »%(title)s«: »%(text)s«. "
                "Begrundelse: %(reason)s"
            ) % {
                "title": conversation.title,
                "text": statement.text,
                "reason": statement.moderation_reason or "–",
            }
    else:

        def body() -> str:
            return _(
                "Dit udsagn i samtalen »%(title)s« er godkendt, så de andre kan stemme om det: "
                "»%(text)s«"
            ) % {"title": conversation.title, "text": statement.text}

    notify(
        author,
        Kind.MODERATION,
        in_language(author, lambda: _("Besked fra moderator")),
        in_language(author, body),
        link=conversation.get_absolute_url(),
        municipality=conversation.municipality,
    )


# --------------------------------------------------------------------------------------------
# Votes
# --------------------------------------------------------------------------------------------


def current_role(conversation: Conversation, person: Any) -> str:
    """The role the person voted as last in this conversation, else their first role."""
    roles = declarable_roles(person, conversation.municipality_id)
    last = (
        Participant.objects.filter(conversation=conversation, person=person)
        .values_list("role", flat=True)
        .first()
    )
    if last and last in roles:
        return last
    return roles[0] if roles else ""


def cast_vote(
    conversation: Conversation,
    statement: Statement,
    actor: Any,
    *,
    value: int,
    role: str | None = None,
    self_declared_role: bool = False,
) -> Vote:
    """Agree (+1), disagree (-1) or pass (0). The latest vote counts; every vote is kept.

    `role` must be one the person holds, or, for a workshop guest (`self_declared_role`), one
    of the roles a guest may declare.

    A national conversation takes thousands of votes a second, so the write is a few statements
    rather than an ORM round per row (bench/bench_votes.py): the participant and the vote are
    upserts with RETURNING, the vote's history row (`VoteEvent`) is its audit record (no second
    row per vote), and a recompute is claimed by one conditional UPDATE only when none is
    queued. On PostgreSQL the writes are one statement."""
    if not getattr(actor, "is_authenticated", False):
        raise ServiceError(_("Log ind for at stemme."))
    if value not in VoteValue.values:
        raise ServiceError(_("Vælg enig, uenig eller spring over."))
    if statement.conversation_id != conversation.pk:
        raise ServiceError(_("Udsagnet hører ikke til denne samtale."))
    if not conversation.is_open:
        raise ServiceError(_("Samtalen er lukket, så du kan ikke stemme længere."))
    if not is_votable(statement, conversation):
        raise ServiceError(
            _("Udsagnet er ikke med i samtalen lige nu, så du kan ikke stemme på det.")
        )
    roles = declarable_roles(actor, conversation.municipality_id, self_declared=self_declared_role)
    keep_roles: list[str] = []
    if role:
        if role not in roles:
            raise ServiceError(_("Du kan kun stemme som en rolle, du har i kommunen."))
    else:
        # The role voted as last while the person still holds it, else their first role
        # (current_role): decided by the participant upsert itself, at no query of its own.
        role = roles[0] if roles else ""
        keep_roles = roles
    check_rate(
        actor.pk,
        "vote",
        _("Du har stemt meget på kort tid. Vent et par minutter, og prøv så igen."),
    )
    now = timezone.now()
    # On PostgreSQL the write is one statement, atomic by itself: a transaction around it would
    # only add the round trips of BEGIN and COMMIT. The claim after it needs none either (see
    # `_write_vote` for why no vote slips past a recompute).
    single = connection.vendor == "postgresql"
    with nullcontext() if single else transaction.atomic():
        written = _write_vote(conversation, statement, actor.pk, value, role, keep_roles, now)
        if written is None:
            # The write checks the statement's state itself: a moderator may just have taken
            # it out, or deleted it.
            if not Statement.objects.filter(pk=statement.pk).exists():
                raise ServiceError(_("Udsagnet findes ikke længere."))
            raise ServiceError(
                _("Udsagnet er ikke med i samtalen lige nu, så du kan ikke stemme på det.")
            )
        vote_id, participant_id, role, analysis = written
        if _needs_claim(analysis, now):
            _claim_recompute(conversation.pk, now)
    return Vote(
        pk=vote_id,
        municipality_id=conversation.municipality_id,
        conversation=conversation,
        statement=statement,
        participant_id=participant_id,
        value=value,
        role=role,
        created_at=now,
    )


def _vote_sql(
    conversation: Conversation,
    statement: Statement,
    person_id: int,
    value: int,
    role: str,
    keep_roles: list[str],
    now: Any,
) -> tuple[list[str], list[list[Any]]]:
    """A vote's three writes (participant, vote, history row) as SQL both databases read,
    with their parameters. {p_id}, {p_role} and {source} are filled in by the caller."""
    participant = Participant._meta.db_table
    at = connection.ops.adapt_datetimefield_value(now)
    states = [int(ModerationState.IN)]
    if conversation.moderation_mode == ModerationMode.POST:
        states.append(int(ModerationState.UNMODERATED))
    mid, cid, sid = conversation.municipality_id, conversation.pk, statement.pk
    role_sql = "excluded.role"
    if keep_roles:
        held = ", ".join(["%s"] * len(keep_roles))
        role_sql = (
            f"CASE WHEN {participant}.role IN ({held}) THEN {participant}.role ELSE {role_sql} END"
        )
    columns = (
        "(municipality_id, conversation_id, statement_id, participant_id, value, role, created_at)"
    )
    # Table names come from the models and every value is a parameter.
    sql = [
        # Only while the statement is votable: a moderator taking it out wins over the vote.
        f"INSERT INTO {participant} "  # noqa: S608
        "(municipality_id, conversation_id, person_id, external_id, role, created_at) "
        f"SELECT %s, %s, %s, '', %s, %s FROM {Statement._meta.db_table} "
        "WHERE id = %s AND conversation_id = %s "
        f"AND moderation IN ({', '.join(['%s'] * len(states))}) "
        "ON CONFLICT (conversation_id, person_id) WHERE person_id IS NOT NULL "
        f"DO UPDATE SET role = {role_sql} RETURNING id, role",
        f"INSERT INTO {Vote._meta.db_table} {columns} {{source}} "
        "ON CONFLICT (participant_id, statement_id) DO UPDATE SET value = excluded.value, "
        "role = excluded.role, created_at = excluded.created_at RETURNING id",
        f"INSERT INTO {VoteEvent._meta.db_table} {columns} {{source}}",
    ]
    params = [
        [mid, cid, person_id, role, at, sid, cid, *states, *keep_roles],
        [mid, cid, sid, value, at],
        [mid, cid, sid, value, at],
    ]
    return sql, params


def _write_vote(
    conversation: Conversation,
    statement: Statement,
    person_id: int,
    value: int,
    role: str,
    keep_roles: list[str],
    now: Any,
) -> tuple[int, int, str, tuple[bool, Any] | None] | None:
    """Store one vote: (vote id, participant id, role voted as, the analysis row's (dirty,
    pending_since), None when it has none), or None when the statement is not votable now."""
    sql, params = _vote_sql(conversation, statement, person_id, value, role, keep_roles, now)
    analysis_table = ConversationAnalysis._meta.db_table
    with rows.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the participant, the vote, its history row and a KEY SHARE lock
            # on the analysis row. The lock keeps a vote from slipping past a recompute without
            # queueing another: the recompute clears its flags under FOR UPDATE, which waits for
            # every vote in flight, and a vote after that sees the cleared flags and claims.
            # KEY SHARE locks never wait for one another, so votes do not queue on the one
            # shared row as they would behind an UPDATE of it per vote.
            source = "SELECT %s, %s, %s, p.id, %s, p.role, %s FROM p"
            cursor.execute(
                f"WITH p AS ({sql[0]}), "  # noqa: S608 - the SQL above, values as parameters
                f"v AS ({sql[1].format(source=source)}), "
                f"e AS ({sql[2].format(source=source)}), "
                f"a AS (SELECT dirty, pending_since FROM {analysis_table} "
                "WHERE conversation_id = %s FOR KEY SHARE) "
                "SELECT v.id, p.id, p.role, a.dirty, a.pending_since "
                "FROM v CROSS JOIN p LEFT JOIN a ON TRUE",
                [*params[0], *params[1], *params[2], conversation.pk],
            )
            row = cursor.fetchone()
            if row is None:
                return None
            vote_id, participant_id, role, dirty, pending = row
            return vote_id, participant_id, role, None if dirty is None else (dirty, pending)
        # SQLite: the transaction holds the database's write lock from its start (IMMEDIATE),
        # so nothing interleaves with these statements, a recompute's neither.
        cursor.execute(sql[0], params[0])
        row = cursor.fetchone()
        if row is None:
            return None
        participant_id, role = row
        source = "VALUES (%s, %s, %s, %s, %s, %s, %s)"
        mid, cid, sid, val, at = params[1]
        cursor.execute(sql[1].format(source=source), [mid, cid, sid, participant_id, val, role, at])
        (vote_id,) = cursor.fetchone()
        cursor.execute(sql[2].format(source=source), [mid, cid, sid, participant_id, val, role, at])
    analysis = (
        ConversationAnalysis.objects.filter(conversation_id=conversation.pk)
        .values_list("dirty", "pending_since")
        .first()
    )
    return vote_id, participant_id, role, analysis


def next_statement(
    conversation: Conversation, person: Any, *, rng: random.Random | None = None
) -> Statement | None:
    """The statement to show a participant next: one they have not voted on, drawn with the
    Pol.is priority of the last stored result as weight (Pol.is draws at random by priority so
    that not everyone sees the same order). Without a result yet: the one with fewest votes.
    """
    candidates = votable_statements(conversation)
    n_seen = 0
    if getattr(person, "is_authenticated", False):
        seen = list(
            Vote.objects.filter(conversation=conversation, participant__person=person).values_list(
                "statement_id", flat=True
            )
        )
        n_seen = len(seen)
        candidates = candidates.exclude(pk__in=seen)
    data = _analysis_data(conversation)
    stats = data.get("statements") or {}
    if not stats:
        return (
            candidates.annotate(n_votes=Count("votes"))
            .order_by("n_votes", "created_at", "id")
            .first()
        )
    pool = list(candidates.order_by("id"))
    if not pool:
        return None
    fresh = {False: new_statement_priority(False), True: new_statement_priority(True)}
    weights = [float(stats.get(str(s.pk), {}).get("priority", fresh[s.is_meta])) for s in pool]
    if sum(weights) <= 0:
        return pool[0]
    if rng is None:
        # Stable for one person at one point (reloading shows the same card), varied across
        # people and as they vote.
        rng = random.Random(f"{conversation.pk}:{getattr(person, 'pk', None)}:{n_seen}")  # noqa: S311
    return rng.choices(pool, weights=weights, k=1)[0]


def new_statement_priority(is_meta: bool = False) -> float:
    """Priority of a statement nobody has voted on yet (Pol.is's formula with S = A = D = 0)."""
    zero = np.zeros((1, 1), dtype=np.int64)
    return float(
        opinion.priority(zero, zero, zero, np.zeros(1), np.array([is_meta], dtype=bool))[0]
    )


# --------------------------------------------------------------------------------------------
# The analysis in the background
# --------------------------------------------------------------------------------------------


def _analysis_data(conversation: Conversation) -> dict[str, Any]:
    data = (
        ConversationAnalysis.objects.filter(conversation=conversation)
        .values_list("data", flat=True)
        .first()
    )
    return data or {}


def _needs_claim(analysis: tuple[bool, Any] | None, now: Any) -> bool:
    """Whether a change must claim a recompute: unless the map is already marked out of date
    with a recompute queued (and not so long ago that it was lost)."""
    if analysis is None:
        return True
    dirty, pending = analysis
    return not dirty or pending is None or pending < now - PENDING_TIMEOUT


def _claim_recompute(conversation_id: int, now: Any) -> bool:
    """Mark the map out of date and queue a recompute on commit, unless one is queued: one
    conditional UPDATE, so two changes at once cannot both queue a task."""
    analysis = ConversationAnalysis.objects.filter(conversation_id=conversation_id)
    claimed = analysis.filter(
        Q(dirty=False) | Q(pending_since__isnull=True) | Q(pending_since__lt=now - PENDING_TIMEOUT)
    ).update(dirty=True, version=F("version") + 1, pending_since=now)
    if not claimed and not analysis.exists():
        conversation = Conversation.objects.get(pk=conversation_id)
        _row, claimed = ConversationAnalysis.objects.get_or_create(
            conversation=conversation,
            defaults={
                "municipality_id": conversation.municipality_id,
                "dirty": True,
                "version": 1,
                "pending_since": now,
            },
        )
    if claimed:
        transaction.on_commit(lambda: enqueue_recompute(conversation_id))
    return bool(claimed)


def mark_dirty(conversation_id: int) -> bool:
    """Mark the stored analysis out of date and queue a recompute unless one is queued.

    Call inside the change's transaction; the task is enqueued on commit. Returns whether this
    call queued it. The row is read under KEY SHARE (see `_write_vote`), so a recompute that
    starts meanwhile waits for this change and sees it."""
    now = timezone.now()
    analysis = ConversationAnalysis.objects.filter(conversation_id=conversation_id)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT dirty, pending_since FROM {ConversationAnalysis._meta.db_table} "  # noqa: S608
                "WHERE conversation_id = %s FOR KEY SHARE",
                [conversation_id],
            )
            found = cursor.fetchone()
    else:
        found = analysis.values_list("dirty", "pending_since").first()
    if not _needs_claim(None if found is None else (found[0], found[1]), now):
        return False
    return _claim_recompute(conversation_id, now)


def enqueue_recompute(conversation_id: int) -> None:
    recompute = recompute_conversation
    if recompute.get_backend().supports_defer:
        recompute = recompute.using(run_after=timezone.now() + RECOMPUTE_DELAY)
    try:
        recompute.enqueue(conversation_id)
    except Exception:  # noqa: BLE001 - a lost enqueue is retried by the next vote (PENDING_TIMEOUT)
        logger.exception("could not enqueue the recompute of conversation %s", conversation_id)


@task()
def recompute_conversation(conversation_id: int) -> int:
    """Background task: recompute one conversation's opinion map. Returns the version stored."""
    with scopes_disabled():
        conversation = (
            Conversation.objects.select_related("municipality").filter(pk=conversation_id).first()
        )
    if conversation is None:
        return 0
    with scope(municipality=conversation.municipality):
        return recompute(conversation)


_FETCH_ROWS = 50_000

VoteArrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def _pg_array(data: bytes | None, element: str) -> np.ndarray:
    """A one-dimensional array without NULLs in PostgreSQL's binary format (`array_send`),
    parsed with numpy: a header, then a length and a big-endian value per element."""
    if data is None:  # array_agg over no rows
        return np.zeros(0, np.int64)
    head = np.frombuffer(data, dtype=">i4", count=3)
    ndim, has_null = int(head[0]), int(head[1])
    if has_null or ndim > 1:
        raise ValueError("unexpected array of votes")
    n = int(np.frombuffer(data, dtype=">i4", count=1, offset=12)[0]) if ndim else 0
    items = np.frombuffer(
        data, dtype=np.dtype([("size", ">i4"), ("v", element)]), count=n, offset=12 + 8 * ndim
    )
    if not np.all(items["size"] == np.dtype(element).itemsize):
        raise ValueError("unexpected element in the array of votes")
    return items["v"].astype(np.int64)


def _vote_arrays(conversation_id: int) -> VoteArrays:
    """(participant id, statement id, value) of every current vote of a conversation, in bulk,
    with no model instance or Python object per vote.

    PostgreSQL: one query that aggregates the three columns into three arrays, fetched in
    binary and read with numpy (a COPY would hand over one message per row, several times
    slower to receive in Python). The aggregates of one query see the rows in the same order,
    so the arrays line up. Elsewhere: large fetchmany batches."""
    table = Vote._meta.db_table
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        # A plain psycopg cursor: Django's binds parameters client-side, which rules out
        # binary results (and text would send the arrays hex-encoded, twice the size).
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(
                "SELECT array_send(array_agg(participant_id::int8)), "  # noqa: S608
                "array_send(array_agg(statement_id::int8)), array_send(array_agg(value::int2)) "
                f"FROM {table} WHERE conversation_id = %s",
                [conversation_id],
                binary=True,
            )
            raw = list(cursor.fetchone() or (None, None, None))
        # Each array's bytes are let go once read (together they are ~30 bytes a vote).
        p_col = _pg_array(raw.pop(0), ">i8")
        s_col = _pg_array(raw.pop(0), ">i8")
        values = _pg_array(raw.pop(0), ">i2").astype(np.int8)
        if not (len(p_col) == len(s_col) == len(values)):
            raise ValueError("the arrays of votes differ in length")
        return p_col, s_col, values
    parts: list[VoteArrays] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT participant_id, statement_id, value FROM {table} "  # noqa: S608
            "WHERE conversation_id = %s",
            [conversation_id],
        )
        while batch := cursor.fetchmany(_FETCH_ROWS):
            arr = np.array(batch, dtype=np.int64).reshape(-1, 3)
            parts.append((arr[:, 0], arr[:, 1], arr[:, 2].astype(np.int8)))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8)
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def _positions(sorted_pks: np.ndarray, pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each of `pks` in `sorted_pks` (ascending, distinct), and whether it is there.

    A lookup table over the id range when that is not much larger than the ids themselves
    (a conversation's participants are mostly a run of ids): one gather, where a binary search
    of millions of unsorted ids is ~20 times slower."""
    if not len(sorted_pks):
        return np.zeros(len(pks), np.int64), np.zeros(len(pks), bool)
    lo, hi = int(sorted_pks[0]), int(sorted_pks[-1])
    if hi - lo < max(8 * len(sorted_pks), 1 << 22):
        table = np.full(hi - lo + 2, -1, np.int64)  # the last entry: any id outside the range
        table[sorted_pks - lo] = np.arange(len(sorted_pks))
        offset = pks - lo
        offset[(offset < 0) | (offset > hi - lo)] = hi - lo + 1
        pos = table[offset]
        return pos, pos >= 0
    pos = np.searchsorted(sorted_pks, pks)
    found = sorted_pks[np.minimum(pos, len(sorted_pks) - 1)] == pks
    return pos, found


def build_input(conversation: Conversation) -> opinion.OpinionInput:
    """The vote matrix of a conversation, straight from the current votes (latest wins).

    Participant ids are participant primary keys, statement ids statement primary keys, as
    strings; each participant's declared role is the role of their latest vote.

    Bulk: the votes come as arrays (`_vote_arrays`) and are placed with numpy, so 5 M votes
    load in seconds. The votes are read first, then participants and statements: both exist
    before any vote on them, so every vote read finds its row (one deleted since is dropped).
    """
    p_col, s_col, values = _vote_arrays(conversation.pk)
    statements = list(
        Statement.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list("pk", "moderation", "is_meta")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, role FROM {Participant._meta.db_table} "  # noqa: S608
            "WHERE conversation_id = %s ORDER BY id",
            [conversation.pk],
        )
        participants = cursor.fetchall()
    p_pks = np.fromiter((pk for pk, _r in participants), np.int64, count=len(participants))
    s_pks = np.fromiter((pk for pk, _m, _meta in statements), np.int64, count=len(statements))
    rows, p_found = _positions(p_pks, p_col)
    cols, s_found = _positions(s_pks, s_col)
    del p_col, s_col
    found = p_found & s_found
    if not found.all():
        rows, cols, values = rows[found], cols[found], values[found]
    # One vote per cell (the database's constraint): sorting by cell is the whole of
    # input_from_arrays's latest-wins step, which then only checks the order. The value rides
    # in the key's two low bits, so a plain sort (several times faster than argsort) does it.
    width = max(len(s_pks), 1)
    key = (rows * width + cols) * 4 + (values.astype(np.int64) + 1)
    del rows, cols, values, found, p_found, s_found
    if len(p_pks) * width * 4 < 2**31:
        key = key.astype(np.int32)
    key.sort()
    key = key.astype(np.int64)
    cell = key >> 2
    rows = cell // width
    return opinion.input_from_arrays(
        [str(pk) for pk, _r in participants],
        [str(pk) for pk, _m, _meta in statements],
        rows,
        cell - rows * width,
        (key & 3) - 1,
        mod_out=[m == ModerationState.OUT or meta for _pk, m, meta in statements],
        is_meta=[meta for _pk, _m, meta in statements],
        roles={str(pk): r for pk, r in participants if r},
    )


def _rep(r: opinion.RepStatement) -> dict[str, Any]:
    return {
        "statement": r.statement,
        "direction": r.direction,
        "n_success": int(r.n_success),
        "n_trials": int(r.n_trials),
        "p": float(r.p),
        "score": float(r.score),
    }


def _counts(c: opinion.VoteCounts, sids: Sequence[str]) -> dict[str, list[int]]:
    return {
        s: [int(c.n_agree[j]), int(c.n_disagree[j]), int(c.n_seen[j])]
        for j, s in enumerate(sids)
        if c.n_seen[j]
    }


def result_data(inp: opinion.OpinionInput, result: opinion.OpinionResult) -> dict[str, Any]:
    """What the pages and the API need from a result, as JSON (ids are strings)."""
    sids = result.statement_ids
    m = len(sids)
    agree = np.bincount(inp.cols[inp.values == 1], minlength=m)
    disagree = np.bincount(inp.cols[inp.values == -1], minlength=m)
    seen = np.bincount(inp.cols, minlength=m)
    voted = result.n_votes > 0
    points = [
        [pid, round(float(result.x[i]), 5), round(float(result.y[i]), 5), int(result.group[i])]
        for i, pid in enumerate(result.participant_ids)
        if voted[i]
    ]
    base_group = {}
    for i in np.flatnonzero(result.base_cluster >= 0):
        base_group[int(result.base_cluster[i])] = int(result.group[i])
    return {
        "format": 1,
        "n_participants": int(voted.sum()),
        "n_votes": len(inp.values),
        "n_clustered": int(result.in_conv.sum()),
        "statements": {
            s: {
                "agree": int(agree[j]),
                "disagree": int(disagree[j]),
                "seen": int(seen[j]),
                "gic": float(result.group_informed_consensus[j]),
                "ric": float(result.role_informed_consensus[j]),
                "priority": float(result.priority[j]),
                "mod_out": bool(inp.mod_out[j]),
            }
            for j, s in enumerate(sids)
        },
        "points": points if len(points) <= MAX_POINTS else [],
        "base_clusters": [
            [
                round(float(result.base_centers[b, 0]), 5),
                round(float(result.base_centers[b, 1]), 5),
                int(result.base_sizes[b]),
                base_group.get(int(result.base_ids[b]), -1),
            ]
            for b in range(len(result.base_ids))
        ],
        "groups": [
            {
                "id": g.id,
                "size": g.size,
                "center": [float(g.center[0]), float(g.center[1])],
                "repness": [_rep(r) for r in g.repness],
                "counts": _counts(result.group_counts[k], sids),
            }
            for k, g in enumerate(result.groups)
        ],
        "consensus": {
            "agree": [
                {
                    "statement": c.statement,
                    "p": float(c.p),
                    "n_success": int(c.n_success),
                    "n_trials": int(c.n_trials),
                }
                for c in result.consensus_agree
            ],
            "disagree": [
                {
                    "statement": c.statement,
                    "p": float(c.p),
                    "n_success": int(c.n_success),
                    "n_trials": int(c.n_trials),
                }
                for c in result.consensus_disagree
            ],
        },
        "roles": [
            {
                "role": r.role,
                "size": r.size,
                "counts": _counts(r.counts, sids),
                "repness": [_rep(x) for x in r.repness],
            }
            for r in result.roles
        ],
        "timing_s": float(result.timing_s),
    }


def _shown_roles(inp: opinion.OpinionInput) -> tuple[dict[str, str], int]:
    sizes: dict[str, int] = {}
    for pid in inp.participant_ids:
        role = inp.roles.get(pid, "")
        sizes[role] = sizes.get(role, 0) + 1
    groups, hidden = merge_small(sizes)
    shown = {
        pid: groups[inp.roles.get(pid, "")]
        for pid in inp.participant_ids
        if inp.roles.get(pid, "") in groups
    }
    return shown, hidden


def _consensus(counts: Iterable[Mapping[str, list[int]]], sids: Iterable[str]) -> dict[str, float]:
    """Informed consensus Π (A+1)/(S+2) over the given groups (as `opinion.informed_consensus`)."""
    counts = list(counts)
    out = {}
    for sid in sids:
        product = 1.0 if counts else 0.0
        for c in counts:
            a, _d, n = c.get(sid, [0, 0, 0])
            product *= (a + 1) / (n + 2)
        out[sid] = product
    return out


def public_result(data: dict[str, Any]) -> dict[str, Any]:
    """A stored map as pages, fragments and the API may show it: no figures for a declared role
    or an opinion group smaller than the minimum group size, whenever and with whatever setting
    the map was computed (roles are grouped again here; consensus across roles and groups is
    recomputed from what is shown, so a hidden group cannot be divided back out of it)."""
    if not data:
        return data
    out = dict(data)
    stats = {sid: dict(s) for sid, s in (data.get("statements") or {}).items()}
    roles_raw = [r for r in data.get("roles") or [] if r.get("size") and r.get("role")]
    sizes = {r["role"]: int(r["size"]) for r in roles_raw}
    sizes[""] = max(0, int(data.get("n_participants", 0)) - sum(sizes.values()))
    groups, hidden = merge_small(sizes)
    roles = [r for r in roles_raw if groups.get(r["role"]) == r["role"] != OTHER_GROUP]
    if OTHER_GROUP in groups.values():
        # Everyone not in a role shown on its own, worked out from the totals.
        other: dict[str, list[int]] = {}
        for sid, s in stats.items():
            a, d, n = s.get("agree", 0), s.get("disagree", 0), s.get("seen", 0)
            for r in roles:
                ra, rd, rn = (r.get("counts") or {}).get(sid, [0, 0, 0])
                a, d, n = a - ra, d - rd, n - rn
            if n:
                other[sid] = [a, d, n]
        size = sum(sizes.values()) - sum(int(r["size"]) for r in roles)
        kept = next((r for r in roles_raw if r["role"] == OTHER_GROUP), None)
        roles.append(
            {
                "role": OTHER_GROUP,
                "size": size,
                "counts": other,
                # Pol.is's representativeness needs the votes; keep it only where unchanged.
                "repness": kept["repness"] if kept and kept["size"] == size else [],
            }
        )
    ric = _consensus([r.get("counts") or {} for r in roles], stats)
    out_groups = []
    for g in data.get("groups") or []:
        if large_enough(int(g.get("size", 0))):
            out_groups.append(g)
        else:
            out_groups.append({**g, "repness": [], "counts": {}, "too_small": True})
    gic = _consensus([g["counts"] for g in out_groups if not g.get("too_small")], stats)
    for sid, s in stats.items():
        s["ric"] = ric[sid]
        s["gic"] = gic[sid]
    out["statements"] = stats
    out["roles"] = roles
    out["groups"] = out_groups
    out["roles_hidden"] = int(data.get("roles_hidden", 0)) + hidden
    out["groups_hidden"] = sum(1 for g in out_groups if g.get("too_small"))
    return out


# From this many votes a recompute warm-starts from the last run's state (PCA, who is
# clustered, base clusters, groups per k, the k smoother: `opinion.WarmStart`), stored beside
# the map. Below it a recompute starts cold: it takes well under a second there, and the stored
# map is then exactly what a recompute from scratch gives.
WARM_START_MIN_VOTES = 100_000


def _empty_data() -> dict[str, Any]:
    return {
        "format": 1,
        "n_participants": 0,
        "n_votes": 0,
        "n_clustered": 0,
        "statements": {},
        "points": [],
        "base_clusters": [],
        "groups": [],
        "consensus": {"agree": [], "disagree": []},
        "roles": [],
        "timing_s": 0.0,
        "warm_start": False,
    }


def _analyze(
    inp: opinion.OpinionInput, *, seed: int, previous: opinion.WarmStart | None, label: Any
) -> tuple[dict[str, Any], opinion.OpinionResult]:
    """The stored map of these votes and the result behind it: warm from `previous` when
    given, cold when there is none or it does not fit (never an error for a stale state)."""
    # Small roles never reach the math, so no stored figure (nor the consensus across roles)
    # carries one person's votes.
    roles, hidden = _shown_roles(inp)
    inp = replace(inp, roles=roles)
    result, warm = None, False
    if previous is not None:
        try:
            result, warm = opinion.analyze(inp, seed=seed, previous=previous), True
        except Exception:  # noqa: BLE001 - a state that does not fit: start cold instead
            logger.warning(
                "warm start of the opinion map of conversation %s failed; starting cold",
                label,
                exc_info=True,
            )
    if result is None:
        result = opinion.analyze(inp, seed=seed)
    data = result_data(inp, result)
    data["roles_hidden"] = hidden
    data["warm_start"] = warm
    return data, result


def compute(conversation: Conversation, *, seed: int = 0) -> dict[str, Any]:
    """The map from scratch (cold): deterministic given the seed and the votes."""
    inp = build_input(conversation)
    if len(inp.values) == 0:
        return _empty_data()
    return _analyze(inp, seed=seed, previous=None, label=conversation.pk)[0]


def _stored_warm_start(
    analysis: QuerySet[ConversationAnalysis], label: Any
) -> opinion.WarmStart | None:
    """The last run's state, or None (none stored, or unreadable: then the run starts cold)."""
    raw = analysis.values_list("warm_state", flat=True).first()
    if not raw:
        return None
    try:
        return opinion.load_warm_start(bytes(raw))
    except opinion.OpinionInputError as exc:
        logger.warning("stored warm start of conversation %s not used: %s", label, exc)
        return None


def recompute(conversation: Conversation, *, seed: int = 0) -> int:
    """Compute and store the map now. Votes arriving meanwhile queue another recompute.

    Nothing is locked while the votes load and the math runs: the FOR UPDATE below ends with
    its transaction, before either, and the reads take no row locks, so votes and the map page
    (which shows the last stored map) carry on. A large conversation starts from the state the
    last run stored (`WARM_START_MIN_VOTES`).
    """
    analysis = ConversationAnalysis.objects.filter(conversation=conversation)
    if not analysis.exists():
        ConversationAnalysis.objects.create(
            municipality_id=conversation.municipality_id, conversation=conversation
        )
    # Clear the flags before reading the votes: a vote after this point queues a new run. FOR
    # UPDATE waits for the votes in flight (they hold KEY SHARE on the row, see `_write_vote`),
    # so each of them is either read below or sees the cleared flags and queues the next run.
    with transaction.atomic():
        list(analysis.select_for_update().values_list("pk", flat=True))
        analysis.update(pending_since=None, dirty=False)
    version = analysis.values_list("version", flat=True).first() or 0
    try:
        t0 = time.perf_counter()
        inp = build_input(conversation)
        large = len(inp.values) >= WARM_START_MIN_VOTES
        previous = _stored_warm_start(analysis, conversation.pk) if large else None
        t1 = time.perf_counter()
        data, state = _empty_data(), None
        if len(inp.values):
            data, result = _analyze(inp, seed=seed, previous=previous, label=conversation.pk)
            # Only a large map starts warm next time; a small one keeps no state.
            state = opinion.save_warm_start(opinion.warm_start(result)) if large else None
            del result, previous
        t2 = time.perf_counter()
    except Exception as exc:  # noqa: BLE001 - keep the last good map; say what went wrong
        logger.exception("opinion analysis of conversation %s failed", conversation.pk)
        analysis.update(dirty=True, error=f"{exc.__class__.__name__}: {exc}"[:200])
        raise
    # Never let a slow, older run overwrite a newer result.
    analysis.filter(computed_version__lte=version).update(
        data=data,
        warm_state=state,
        computed_at=timezone.now(),
        computed_version=version,
        error="",
    )
    t3 = time.perf_counter()
    math_s = float(data.get("timing_s", 0.0))
    logger.info(
        "opinion map of conversation %s: %d participants, %d statements, %d votes, %s start; "
        "load %.2f s, math %.2f s, map and state %.2f s, store %.2f s",
        conversation.pk,
        inp.n_participants,
        inp.n_statements,
        len(inp.values),
        "warm" if data.get("warm_start") else "cold",
        t1 - t0,
        math_s,
        t2 - t1 - math_s,
        t3 - t2,
    )
    return version


# --------------------------------------------------------------------------------------------
# The landscape's read function (see samskab.core.activity)
# --------------------------------------------------------------------------------------------


def landscape_activity(municipality: Any, start: date, end: date) -> ActivityReport:
    """Who took part in what here between `start` and `end` (both inclusive).

    Arenas: every conversation that existed by `end`, public when it lies in a public space, with
    its challenge as parent. Activities: statements ("statement", the author, on the local day of
    `created_at`; only those participants see: approved ones, and in post-moderation those not
    yet moderated, never rejected ones) and every vote cast ("vote", from the append-only
    history, so a changed vote counts on each day it was cast; the participant's person, None
    for a participant imported from Pol.is). Three queries."""
    kwargs = {"municipality": municipality}
    _since, until = periods.bounds(start, end)
    arenas = [
        Arena(
            key=f"conversation:{pk}",
            kind="conversation",
            label=title,
            public=visibility == SpaceVisibility.PUBLIC,
            url=reverse(
                "opinions:conversation",
                kwargs={"municipality": municipality.slug, "conversation": pk},
            ),
            parent=f"challenge:{challenge_id}" if challenge_id else "",
        )
        for pk, title, visibility, challenge_id in Conversation.objects.filter(
            **kwargs, created_at__lt=until
        ).values_list("pk", "title", "space__visibility", "challenge_id")
    ]
    shown = Q(moderation=ModerationState.IN) | Q(
        moderation=ModerationState.UNMODERATED,
        conversation__moderation_mode=ModerationMode.POST,
    )
    activities = [
        Activity(
            "statement",
            periods.day(created_at),
            f"conversation:{conversation_id}",
            periods.known(author, active),
        )
        for conversation_id, author, active, created_at in Statement.objects.filter(
            shown, **kwargs, **periods.within("created_at", start, end)
        ).values_list("conversation_id", "author_id", "author__is_active", "created_at")
    ]
    activities += [
        Activity(
            "vote",
            periods.day(created_at),
            f"conversation:{conversation_id}",
            periods.known(person, active),
        )
        for conversation_id, person, active, created_at in VoteEvent.objects.filter(
            **kwargs, **periods.within("created_at", start, end)
        )
        .order_by()
        .values_list(
            "conversation_id",
            "participant__person_id",
            "participant__person__is_active",
            "created_at",
        )
    ]
    return ActivityReport(tuple(arenas), tuple(activities))


# --------------------------------------------------------------------------------------------
# The movement dashboard's read functions (samskab.landscape.dashboard)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsensusCount:
    """One conversation's opinion map, counted: `statements` voted on (not moderated out),
    `consensus` of them that every opinion group shown agrees with (more than half of each
    group's votes on it are agree; at least two groups, none below the minimum group size).
    `computed`: the map has been computed at least once."""

    conversation_id: int
    title: str
    statements: int
    consensus: int
    computed: bool


def _consensus_count(data: dict[str, Any]) -> tuple[int, int]:
    shown = public_result(data) if data else {}
    stats = shown.get("statements") or {}
    voted = [sid for sid, s in stats.items() if s.get("seen") and not s.get("mod_out")]
    groups = [g.get("counts") or {} for g in shown.get("groups") or [] if not g.get("too_small")]
    if len(groups) < 2:
        return len(voted), 0
    agreed = 0
    for sid in voted:
        cells = [g.get(sid, [0, 0, 0]) for g in groups]
        if all(n and 2 * a > n for a, _d, n in cells):
            agreed += 1
    return len(voted), agreed


def consensus_counts(user: Any, municipality: Any) -> list[ConsensusCount]:
    """The opinion maps of the conversations the person may see (newest first), each with how
    many statements reached agreement across the opinion groups. Three queries, whatever the
    number of conversations."""
    from samskab.municipalities.access import visible_spaces

    conversations = Conversation.objects.filter(
        municipality=municipality, space__in=visible_spaces(user, municipality).values("pk")
    )
    found = list(conversations.values_list("pk", "title"))
    stored = dict(
        ConversationAnalysis.objects.filter(
            municipality=municipality, conversation__in=conversations.values("pk")
        ).values_list("conversation_id", "data")
    )
    out = []
    for pk, title in found:
        data = stored.get(pk) or {}
        statements, agreed = _consensus_count(data)
        out.append(ConsensusCount(pk, title, statements, agreed, bool(data)))
    return out


# -- for the start page (samskab.home) ---------------------------------------------------------


def open_conversations(user: Any, municipality: Any, *, limit: int = 20) -> list[Conversation]:
    """Open conversations in spaces the person may enter, newest first. One query."""
    from samskab.municipalities.access import visible_spaces

    return list(
        Conversation.objects.filter(
            municipality=municipality,
            is_open=True,
            space__in=visible_spaces(user, municipality).values("pk"),
        )
        .select_related("municipality", "space")
        .order_by("-created_at", "-id")[:limit]
    )


# -- for the council report ---------------------------------------------------------------------


def maps_for_report(
    user: Any, challenge: Any, *, conversations: list[Conversation] | None = None
) -> list[dict[str, Any]]:
    """The challenge's opinion maps as anyone may see them (`public_result`: no group below the
    minimum size), each with the statements every opinion group shown agrees with and those
    where the declared roles differ most. None unless the person may see the challenge's space.
    Three queries, whatever the number of maps or statements. `conversations`: these instead
    of the challenge's own (from `conversations_for_report`, which checks the space)."""
    if conversations is None:
        conversations = conversations_for_challenge(challenge, user)
    if not conversations:
        return []
    ids = [c.pk for c in conversations]
    stored = dict(
        ConversationAnalysis.objects.filter(conversation__in=ids).values_list(
            "conversation_id", "data"
        )
    )
    texts = {
        str(pk): text
        for pk, text in Statement.objects.filter(conversation__in=ids)
        .exclude(moderation=ModerationState.OUT)
        .values_list("pk", "text")
    }
    out = []
    for c in conversations:
        data = public_result(stored.get(c.pk) or {})
        stats = data.get("statements") or {}
        voted = [sid for sid, s in stats.items() if s.get("seen") and not s.get("mod_out")]
        groups = [g.get("counts") or {} for g in data.get("groups") or [] if not g.get("too_small")]
        agreed = []
        if len(groups) >= 2:
            for sid in voted:
                cells = [g.get(sid, [0, 0, 0]) for g in groups]
                if sid in texts and all(n and 2 * a > n for a, _d, n in cells):
                    agreed.append(texts[sid])
        differ = []
        roles = [r for r in data.get("roles") or [] if r.get("counts")]
        if len(roles) >= 2:
            for sid in voted:
                shares = {}
                for r in roles:
                    a, _d, n = r["counts"].get(sid, [0, 0, 0])
                    if n:
                        shares[r["role"]] = round(100 * a / n)
                if sid in texts and len(shares) >= 2:
                    spread = max(shares.values()) - min(shares.values())
                    differ.append((spread, texts[sid], shares))
            differ.sort(key=lambda d: (-d[0], d[1]))
        out.append(
            {
                "title": c.title,
                "participants": int(data.get("n_participants", 0)),
                "statements": len(voted),
                "groups": len(groups),
                "groups_hidden": int(data.get("groups_hidden", 0)),
                "roles_hidden": int(data.get("roles_hidden", 0)),
                "consensus": agreed,
                "role_differences": [
                    {"text": t, "spread": sp, "shares": sh} for sp, t, sh in differ[:3] if sp >= 20
                ],
            }
        )
    return out


# -- for search ---------------------------------------------------------------------------------


def search_statements(user: Any, municipality: Any, query: str, *, limit: int = 20) -> list[Any]:
    """Statements voters see (approved, or not yet looked at under post-moderation) in
    conversations in spaces the person may enter, whose text holds every word of the query
    (samskab.core.search), newest first. One query."""
    from samskab.core import search
    from samskab.municipalities.access import visible_spaces

    shown = Q(moderation=ModerationState.IN) | Q(
        moderation=ModerationState.UNMODERATED,
        conversation__moderation_mode=ModerationMode.POST,
    )
    found = Statement.objects.filter(
        shown,
        municipality=municipality,
        conversation__space__in=visible_spaces(user, municipality).values("pk"),
    )
    return list(
        search.search(found, query, ["text"])
        .select_related("conversation__municipality")
        .order_by("-created_at", "-id")[:limit]
    )


# --- read for people ---------------------------------------------------------------------------


def personal_data_export(person: Any) -> dict[str, Any]:
    """The person's own opinion data for their personal-data download: each current vote (the
    statement's text, the vote, the role they voted as, when) and each statement they wrote
    (with what the moderator decided). Nobody else's; called with scopes disabled."""
    if getattr(person, "pk", None) is None:
        return {"votes": [], "statements": []}
    values = dict(VoteValue.choices)
    states = dict(ModerationState.choices)
    votes = [
        {
            "conversation": vote.conversation.title,
            "statement": vote.statement.text,
            "vote": str(values.get(vote.value, vote.value)),
            "role": vote.role,
            "voted_at": vote.created_at.isoformat(),
        }
        for vote in Vote.objects.filter(participant__person=person)
        .select_related("statement", "conversation")
        .order_by("created_at", "id")
    ]
    statements = [
        {
            "conversation": statement.conversation.title,
            "text": statement.text,
            "moderation": str(states.get(statement.moderation, statement.moderation)),
            "moderation_reason": statement.moderation_reason,
            "written_at": statement.created_at.isoformat(),
        }
        for statement in Statement.objects.filter(author=person)
        .select_related("conversation")
        .order_by("created_at", "id")
    ]
    return {"votes": votes, "statements": statements}


# --- read for reports ---


def conversations_for_report(challenge: Any, user: Any) -> list[Conversation]:
    """The conversations a challenge's council report shows: the challenge's own and those of its
    space that belong to no challenge (a space's own conversation is about what its challenges
    ask). None unless the person may see the challenge's space. One query."""
    if not user.has_perm("municipalities.view_space", challenge.space):
        return []
    return list(
        Conversation.objects.filter(space=challenge.space)
        .filter(Q(challenge=challenge) | Q(challenge__isnull=True))
        .select_related("municipality", "space")
        .order_by("-created_at", "-id")
    )
