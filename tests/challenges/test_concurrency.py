"""Support counts stay exact when many people click at once (real threads, real database)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from samskab.challenges import services
from samskab.challenges.models import Idea, Support
from samskab.core.errors import ServiceError
from tests.challenges.conftest import add_idea
from tests.conftest import make_person


@pytest.mark.django_db(transaction=True)
def test_simultaneous_support_counts_exactly(challenge, citizen):
    idea = add_idea(challenge, citizen)
    people = [make_person(f"klik{i}@test.dk") for i in range(12)]
    # Each person clicks twice at the same moment: 12 supports must result, not 24 or 11.
    clicks = people + people
    barrier = threading.Barrier(len(clicks))
    refused: list[str] = []

    def click(person):
        try:
            barrier.wait(timeout=10)
            with scopes_disabled():
                services.support(Idea.objects.get(pk=idea.pk), person)
        except ServiceError as exc:
            refused.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(p,)) for p in clicks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with scopes_disabled():
        idea.refresh_from_db()
        assert Support.objects.filter(idea=idea).count() == 12
    assert idea.support_count == 12
    assert len(refused) == 12
