"""Rows read by hand on the hot paths (samskab.core.rows) are the same objects the ORM loads:
same values, same types, on SQLite and PostgreSQL, so a vote sees its conversation exactly as a
page does."""

from __future__ import annotations

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled

from samskab.core import rows
from samskab.opinions.models import Conversation, ConversationAnalysis
from tests.opinions.conftest import make_conversation

pytestmark = pytest.mark.django_db


def _read(model, pk):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {rows.columns(model, 't')} FROM {table} t WHERE t.id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_hand_read_row_is_the_object_the_orm_loads(town_a):
    conversation = make_conversation(town_a)
    with scope(municipality=town_a.municipality), scopes_disabled():
        analysis, _ = ConversationAnalysis.objects.get_or_create(
            conversation=conversation, defaults={"municipality": town_a.municipality}
        )
        analysis.data = {"groups": [{"label": "A", "æøå": True}]}
        analysis.save()
        by_orm = Conversation.objects.get(pk=conversation.pk)
        analysis_by_orm = ConversationAnalysis.objects.get(pk=analysis.pk)
    by_hand = rows.instance(Conversation, _read(Conversation, conversation.pk))
    analysis_by_hand = rows.instance(ConversationAnalysis, _read(ConversationAnalysis, analysis.pk))
    assert _fields(by_hand) == _fields(by_orm)
    assert {k: type(v) for k, v in _fields(by_hand).items()} == {
        k: type(v) for k, v in _fields(by_orm).items()
    }
    assert analysis_by_hand.data == {"groups": [{"label": "A", "æøå": True}]}
    assert _fields(analysis_by_hand) == _fields(analysis_by_orm)
    # Loaded from the database: saving it updates the row rather than inserting a new one.
    assert not by_hand._state.adding
    by_hand.title = "Ny titel"
    by_hand.save(update_fields=["title"])
    with scopes_disabled():
        assert Conversation.objects.get(pk=conversation.pk).title == "Ny titel"


def test_no_row_from_an_outer_join_is_none():
    assert rows.instance(Conversation, [None] * rows.width(Conversation)) is None
