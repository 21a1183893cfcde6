"""One vote per person per pair: repeats count once, a new answer replaces the old one."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django_scopes import scope, scopes_disabled

from samskab.challenges import services
from samskab.challenges.models import Comparison, Idea
from samskab.challenges.phases import Phase
from samskab.challenges.ranking import compute_ranking
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.core.ratelimit import LIMITS
from tests.challenges.conftest import add_idea
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def prioritising(challenge, citizen):
    ideas = [add_idea(challenge, citizen, f"Idé nummer {i}", "Beskrivelse") for i in range(3)]
    with scopes_disabled():
        challenge.phase = Phase.PRIORITISATION
        challenge.save()
    return challenge, ideas


def _url(challenge) -> str:
    return f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/sammenlign/"


def _voter(town, email: str):
    person = make_person(email)
    with scopes_disabled():
        give_role(person, town.municipality, "borger")
    return person


def test_forty_identical_posts_count_as_one_vote(client, prioritising, town_a):
    challenge, (a, b, _c) = prioritising
    client.force_login(town_a.member)
    for _ in range(40):
        client.post(_url(challenge), {"left": a.pk, "right": b.pk, "choice": "left"})
    # Two other people prefer b: one person's 40 clicks must not outweigh them.
    for email in ("anna@borger.test", "bo@borger.test"):
        client.force_login(_voter(town_a, email))
        client.post(_url(challenge), {"left": a.pk, "right": b.pk, "choice": "right"})
    with scope(municipality=challenge.municipality):
        ranking = compute_ranking(challenge)
    assert ranking.n_comparisons == 3
    order = [row["idea"] for row in ranking.data]
    assert order.index(b.pk) < order.index(a.pk)


def test_a_changed_answer_replaces_the_old_one_and_history_is_kept(client, prioritising, town_a):
    challenge, (a, b, _c) = prioritising
    client.force_login(town_a.member)
    client.post(_url(challenge), {"left": a.pk, "right": b.pk, "choice": "left"})
    # The same pair shown the other way round, and this time b wins.
    client.post(_url(challenge), {"left": b.pk, "right": a.pk, "choice": "left"})
    with scope(municipality=challenge.municipality):
        rows = list(Comparison.objects.filter(person=town_a.member).order_by("pk"))
        current = [r for r in rows if r.superseded_at is None]
        ranking = compute_ranking(challenge)
    assert len(rows) == 2, "the earlier answer is kept as history"
    assert rows[0].superseded_at is not None
    assert len(current) == 1 and (current[0].left_id, current[0].choice) == (b.pk, "left")
    assert ranking.n_comparisons == 1
    assert ranking.data[0]["idea"] == b.pk


def test_the_database_allows_one_current_answer_per_person_per_pair(prioritising, town_a):
    challenge, (a, b, _c) = prioritising
    with scope(municipality=challenge.municipality):
        services.compare(challenge, town_a.member, left=a, right=b, choice="left")
        with pytest.raises(IntegrityError), transaction.atomic():
            Comparison.objects.create(
                municipality=challenge.municipality,
                challenge=challenge,
                person=town_a.member,
                left=b,
                right=a,
                choice="tie",
            )


def test_comparing_writes_an_audit_event(prioritising, town_a):
    challenge, (a, b, _c) = prioritising
    with scope(municipality=challenge.municipality):
        comparison = services.compare(challenge, town_a.member, left=a, right=b, choice="tie")
        event = AuditEvent.objects.get(action="comparison.made")
    assert event.actor == town_a.member
    assert event.target_id == str(comparison.pk)


def test_comparing_outside_the_phase_is_refused_by_the_service(challenge, citizen, town_a):
    a, b = add_idea(challenge, citizen, "Idé A"), add_idea(challenge, citizen, "Idé B")
    with scope(municipality=challenge.municipality):
        with pytest.raises(ServiceError):
            services.compare(challenge, town_a.member, left=a, right=b, choice="left")
        assert not Comparison.objects.exists()
        assert not AuditEvent.objects.filter(action="comparison.made").exists()


def test_too_many_comparisons_are_refused_with_a_danish_message(client, prioritising, town_a):
    challenge, (a, b, c) = prioritising
    limit = LIMITS["compare"][0]
    with scope(municipality=challenge.municipality):
        for n in range(limit):
            services.compare(
                challenge, town_a.member, left=a, right=b, choice=("left", "right")[n % 2]
            )
        before = Comparison.objects.count()
    client.force_login(town_a.member)
    response = client.post(
        _url(challenge), {"left": a.pk, "right": c.pk, "choice": "left"}, follow=True
    )
    assert response.status_code == 200
    assert "sammenlignet mange idéer på kort tid" in response.content.decode()
    with scope(municipality=challenge.municipality):
        assert Comparison.objects.count() == before
        assert not Comparison.objects.filter(right=c).exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_answers_to_one_pair_leave_one_current_row(challenge, citizen, town_a):
    a, b = add_idea(challenge, citizen, "Idé A"), add_idea(challenge, citizen, "Idé B")
    with scopes_disabled():
        challenge.phase = Phase.PRIORITISATION
        challenge.save()
    choices = ["left", "right", "tie", "left", "right", "tie"]
    barrier = threading.Barrier(len(choices))
    failures: list[BaseException] = []

    def answer(choice: str) -> None:
        try:
            barrier.wait(timeout=10)
            with scopes_disabled():
                left, right = Idea.objects.get(pk=a.pk), Idea.objects.get(pk=b.pk)
                services.compare(challenge, town_a.member, left=left, right=right, choice=choice)
        except ServiceError:
            pass  # a clear refusal is fine; a crash or a second current row is not
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(c,)) for c in choices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    with scopes_disabled():
        assert Comparison.objects.filter(person=town_a.member, superseded_at=None).count() == 1


def test_repeats_over_the_api_count_once_and_the_limit_is_a_400(
    client, prioritising, town_a, django_capture_on_commit_callbacks
):
    challenge, (a, b, _c) = prioritising
    client.force_login(town_a.member)
    url = f"/api/municipalities/{challenge.municipality.code}/challenges/{challenge.pk}/comparisons"
    payload = {"left_id": a.pk, "right_id": b.pk, "choice": "left"}
    limit = LIMITS["compare"][0]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(limit):
            assert client.post(url, payload, content_type="application/json").status_code == 201
    refused = client.post(url, payload, content_type="application/json")
    assert refused.status_code == 400
    assert "sammenlignet mange idéer" in refused.json()["detail"]
    ranking = client.get(url.replace("/comparisons", "/ranking")).json()
    assert ranking["n_comparisons"] == 1
    with scope(municipality=challenge.municipality):
        assert Comparison.objects.count() == 1
