"""Data migrations of workshops, run against rows as they were before."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django_scopes import scopes_disabled

from samskab.workshops import services
from samskab.workshops.models import Activity, AnswerReceipt
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def test_0002_deletes_the_receipts_of_reflection_answers_and_keeps_the_others(workshop):
    """Before issue 9 each anonymous reflection answer had a receipt beside it, which named its
    writer; the migration deletes exactly those."""
    migration = importlib.import_module(
        "samskab.workshops.migrations.0002_forget_reflection_receipts"
    )
    with scopes_disabled():
        participant = services.join(workshop, make_person("deltager@ws.test"), pseudonym="Sol")
        for activity in Activity.objects.filter(session=workshop):
            AnswerReceipt.objects.create(
                municipality_id=workshop.municipality_id, activity=activity, participant=participant
            )
        kinds = set(Activity.objects.filter(session=workshop).values_list("kind", flat=True))
        assert "reflection" in kinds

        migration.forget(apps, None)

        left = set(AnswerReceipt.objects.values_list("activity__kind", flat=True))
    assert left == kinds - {"reflection"}
