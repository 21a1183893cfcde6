""" "Mine opgaver" on the start page lists the rounds waiting for staff to open them: the pairwise
prioritisation of a challenge whose idea phase has ended by its date, and a first complexity
round; with counts, only to those who run the challenge, and in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import services as challenge_services
from samskab.challenges.models import Challenge
from samskab.challenges.phases import Phase
from samskab.complexity import services as complexity_services
from tests.conftest import Town, give_role, make_person
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _challenge(town: Town, title: str, *, ideas_until=None, phase: str = Phase.IDEAS):
    with scopes_disabled():
        challenge = challenge_services.pose_challenge(
            town.public_space, town.owner, title=title, description="…", ideas_until=ideas_until
        )
        Challenge.objects.filter(pk=challenge.pk).update(phase=phase)
        challenge.refresh_from_db()
    return challenge


def _tasks(person) -> str:
    page = _client(person).get("/mig/").content.decode()
    if 'id="opgaver"' not in page:
        return ""
    start = page.index('id="opgaver"')
    return page[start : page.index("</section>", start)]


def test_a_prioritisation_due_by_date_waits_for_staff(town_a: Town):
    yesterday = timezone.localdate() - timedelta(days=1)
    due = _challenge(town_a, "Idéfasen er slut", ideas_until=yesterday)
    _challenge(town_a, "Idéfasen kører", ideas_until=timezone.localdate() + timedelta(days=7))
    _challenge(town_a, "Allerede i gang", ideas_until=yesterday, phase=Phase.PRIORITISATION)
    tasks = _tasks(town_a.owner)
    assert "1 prioritering venter på at blive åbnet" in tasks
    section = tasks[tasks.index("prioritering venter") : tasks.index("</li></ul>")]
    assert f'href="{due.get_absolute_url()}"' in section
    assert "Idéfasen kører" not in section and "Allerede i gang" not in section


def test_a_challenge_without_a_complexity_round_waits_for_one(town_a: Town):
    first = _challenge(town_a, "Ensomhed blandt ældre")
    second = _challenge(town_a, "Bænke i byen")
    assert "2 udfordringer mangler en kompleksitetsvurdering" in _tasks(town_a.owner)
    with scopes_disabled():
        complexity_services.open_round(first, town_a.owner)
    tasks = _tasks(town_a.owner)
    assert "1 udfordring mangler en kompleksitetsvurdering" in tasks
    assert f"/udfordringer/{second.pk}/kompleksitet/" in tasks
    assert f"/udfordringer/{first.pk}/kompleksitet/" not in tasks


def test_citizens_have_no_rounds_to_open(town_a: Town):
    _challenge(town_a, "Idéfasen er slut", ideas_until=timezone.localdate() - timedelta(days=1))
    karen = make_person("karen@borger.test", "Karen Jensen")
    with scopes_disabled():
        give_role(karen, town_a.municipality, Role.CITIZEN)
    tasks = _tasks(karen)
    assert "prioritering" not in tasks and "kompleksitetsvurdering" not in tasks


def test_the_tasks_do_not_grow_their_queries_with_the_challenges(town_a: Town):
    client = _client(town_a.owner)
    yesterday = timezone.localdate() - timedelta(days=1)
    made = [0]

    def fetch():
        response = client.get("/mig/")
        assert response.status_code == 200
        assert "venter på at blive åbnet" in response.content.decode()

    def add(n: int) -> None:
        for _i in range(n):
            made[0] += 1
            _challenge(town_a, f"Udfordring {made[0]}", ideas_until=yesterday)

    assert_flat_query_count(fetch, add)
