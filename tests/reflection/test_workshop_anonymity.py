"""Issue 9, finding 2: an anonymous answer given in a live workshop cannot be traced to its writer.

Checked where an attacker with the database would look: every table, row by row (SQLite's hidden
rowid included), before and after each anonymous answer.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django_scopes import scope, scopes_disabled

from samskab.reflection.models import AnonymousEntry, Entry
from samskab.workshops import services
from samskab.workshops.models import Activity, ActivityKind, AnswerReceipt
from tests.conftest import make_person
from tests.workshops.conftest import make_facilitator, make_workshop_challenge, open_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    # Creating the challenge's ideas counts towards the posting limit, kept in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def room(town_a):
    facilitator = make_facilitator(town_a)
    challenge, conversation, reflection = make_workshop_challenge(town_a)
    workshop = open_workshop(town_a, facilitator, challenge, conversation, reflection)
    with scopes_disabled():
        activity = Activity.objects.select_related("session", "reflection_session").get(
            session=workshop, kind=ActivityKind.REFLECTION
        )
    return town_a, workshop, activity


def _join(town, workshop, n: int, *, accounts: bool = False):
    people = []
    with scope(municipality=town.municipality):
        for i in range(n):
            user = make_person(f"deltager{i}@ws.test", f"Deltager {i}") if accounts else None
            p = services.join(workshop, user or AnonymousUser(), pseudonym=f"Kaldenavn {i}")
            p.session = workshop
            people.append(p)
    return people


def _answer(town, activity, participant, text: str, visibility: str):
    with scope(municipality=town.municipality):
        return services.answer(activity, participant, {"text": text, "visibility": visibility})


def _tables() -> list[str]:
    names = connection.introspection.table_names()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            names += [row[0] for row in cursor.fetchall()]
    return sorted(set(names))


def _snapshot() -> dict[str, list[str]]:
    """Every row of every table, as text, with SQLite's rowid where a table has one. (The
    anonymous table's rowids are random and drawn again on every anonymous write: the test below
    looks at them on their own.)"""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in _tables():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "sqlite" and table not in (
                "sqlite_sequence",
                AnonymousEntry._meta.db_table,
            ):
                cursor.execute(f"SELECT rowid, * FROM {quoted}")  # noqa: S608 - our table names
            else:
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - our table names
            found[table] = sorted(repr(row) for row in cursor.fetchall())
    return found


def _changed(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        table: sorted(set(after[table]) - set(before.get(table, [])))
        for table in after
        if after[table] != before.get(table)
    }


def test_an_anonymous_answer_changes_no_row_but_its_own(room):
    """Shared and anonymous answers, interleaved: each anonymous one adds exactly one row, to the
    anonymous table, holding nothing of its writer; nothing else in the database moves."""
    town, workshop, activity = room
    people = _join(town, workshop, 3) + _join(town, workshop, 3, accounts=True)
    plan = ["shared", "anonymous", "shared", "anonymous", "anonymous", None]
    anonymous_table = AnonymousEntry._meta.db_table
    for i, (participant, visibility) in enumerate(zip(people, plan, strict=True)):
        if visibility is None:
            continue  # someone who did not answer: must look exactly like those who did anonymously
        before = _snapshot()
        assert _answer(town, activity, participant, f"Svar nummer {i}", visibility)
        changed = _changed(before, _snapshot())
        if visibility == "shared":
            assert Entry._meta.db_table in changed
            continue
        assert list(changed) == [anonymous_table], changed
        (row,) = changed[anonymous_table]
        for trace in (
            participant.token,
            participant.pseudonym,
            participant.person.email,
            str(participant.pk),
            str(participant.person_id),
        ):
            # The row's own fields are its random id, the municipality, the meeting, the prompt,
            # the text and the workshop activity: none of them is the writer.
            assert repr(trace) not in row and f" {trace}," not in row
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, anonymous_table)
        }
    assert columns == {"id", "municipality_id", "session_id", "prompt_index", "text", "origin"}
    with scopes_disabled():
        assert not AnswerReceipt.objects.filter(activity=activity).exists()
        assert AnonymousEntry.objects.count() == 3
        assert Entry.objects.filter(visibility="shared").count() == 2


def test_the_database_keeps_no_order_of_writing(room):
    """Neither the ids nor what the database keeps by itself (SQLite's rowid; PostgreSQL's
    writing transaction `xmin` and place in the file `ctid`) follow the order the anonymous
    answers were written in."""
    town, workshop, activity = room
    people = _join(town, workshop, 12)
    texts = [f"Anonymt svar {i:02d}" for i in range(12)]
    for participant, text in zip(people, texts, strict=True):
        assert _answer(town, activity, participant, text, "anonymous")
    table = connection.ops.quote_name(AnonymousEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {table} ORDER BY id")  # noqa: S608
        by_id = [text for (text,) in cursor.fetchall()]
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT rowid, text FROM {table} ORDER BY rowid")  # noqa: S608
            physical = cursor.fetchall()
            # Not a counter either: the rowids are not the numbers 1 to 12 in some order.
            assert sorted(rowid for rowid, _text in physical) != list(range(1, 13))
        else:
            cursor.execute(f"SELECT ctid, text FROM {table} ORDER BY ctid")  # noqa: S608
            physical = cursor.fetchall()
            cursor.execute(f"SELECT DISTINCT xmin::text FROM {table}")  # noqa: S608
            assert len(cursor.fetchall()) == 1  # one writing transaction for them all
    assert sorted(text for _place, text in physical) == texts
    assert [text for _place, text in physical] != texts
    assert by_id != texts


def test_anonymous_answers_never_outnumber_the_participants(room):
    """What "one answer per participant" means for anonymous answers: the activity takes no more
    answers, shared and anonymous together, than there are participants, and an identical
    re-sent text counts once. Nothing records who used an answer, so one person can at most use
    the answers of people who have not answered; more answers need more participants, and every
    new one shows on the big screen's count."""
    town, workshop, activity = room
    first, second, third = _join(town, workshop, 3)
    assert _answer(town, activity, first, "Vi glemte de unge.", "anonymous")
    assert not _answer(town, activity, first, "Vi glemte de unge.", "anonymous")  # a double tap
    assert _answer(town, activity, second, "Vi lyttede.", "shared")
    assert not _answer(town, activity, second, "Og vi lyttede igen.", "shared")  # one each
    assert _answer(town, activity, first, "Og de ældre.", "anonymous")
    with pytest.raises(services.ServiceError, match="et svar for hver deltager"):
        _answer(town, activity, first, "Og alle andre.", "anonymous")
    with pytest.raises(services.ServiceError, match="et svar for hver deltager"):
        _answer(town, activity, third, "Mit eget svar.", "shared")
    with scopes_disabled():
        assert AnonymousEntry.objects.count() == 2
        assert Entry.objects.count() == 1
    # One more person in the room makes room for one more answer.
    (fourth,) = _join(town, workshop, 1)
    assert _answer(town, activity, fourth, "Endelig.", "anonymous")


def test_the_phone_knows_a_shared_answer_is_given(room):
    town, workshop, activity = room
    (participant,) = _join(town, workshop, 1)
    with scope(municipality=town.municipality):
        assert services.answered_items(activity, participant) == set()
    _answer(town, activity, participant, "Vi lyttede.", "shared")
    with scope(municipality=town.municipality):
        assert services.answered_items(activity, participant) == {""}
