"""Pairwise prioritisation through the pages, and the stored ranking."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope, scopes_disabled

from samskab.challenges.models import Comparison, Ranking
from samskab.challenges.phases import Phase
from tests.challenges.conftest import add_idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def prioritising(challenge, citizen):
    ideas = [add_idea(challenge, citizen, f"Idé nummer {i}", "Beskrivelse") for i in range(4)]
    with scopes_disabled():
        challenge.phase = Phase.PRIORITISATION
        challenge.save()
    return challenge, ideas


def test_ten_votes_give_a_ranking_with_uncertainty(
    client, prioritising, town_a, django_capture_on_commit_callbacks
):
    challenge, ideas = prioritising
    client.force_login(town_a.member)
    base = f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/"
    favourite = ideas[2].pk
    for _ in range(6):  # 4 ideas = 6 pairs; after that every pair is answered
        html = client.get(base + "sammenlign/").content.decode()
        left, right = (int(x) for x in re.findall(r'name="(?:left|right)" value="(\d+)"', html))
        choice = "right" if right == favourite else "left"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                base + "sammenlign/", {"left": left, "right": right, "choice": choice}
            )
        assert response.status_code == 302
    done = client.get(base + "sammenlign/").content.decode()
    assert "sammenlignet alle par" in done
    with scope(municipality=challenge.municipality):
        assert Comparison.objects.count() == 6
        ranking = Ranking.objects.get()
    assert ranking.n_comparisons == 6
    assert ranking.data[0]["idea"] == favourite
    page = client.get(base + "prioritering/").content.decode()
    assert "Usikkerhed (95 %)" in page
    assert "Mangler flere svar" in page  # 3 comparisons per idea is too few


def test_compare_outside_the_phase_is_refused(client, challenge, citizen, town_a):
    ideas = [add_idea(challenge, citizen, f"Idé {i}") for i in range(2)]
    client.force_login(town_a.member)
    base = f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/"
    response = client.post(
        base + "sammenlign/", {"left": ideas[0].pk, "right": ideas[1].pk, "choice": "left"}
    )
    assert response.status_code == 403
    with scope(municipality=challenge.municipality):
        assert not Comparison.objects.exists()


@pytest.mark.parametrize("bad", [{"choice": "both"}, {"right": "same"}, {"right": 999999}])
def test_bad_comparisons_change_nothing(client, prioritising, town_a, bad):
    challenge, ideas = prioritising
    client.force_login(town_a.member)
    data = {"left": ideas[0].pk, "right": ideas[1].pk, "choice": "left", **bad}
    if data["right"] == "same":
        data["right"] = ideas[0].pk
    url = f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/sammenlign/"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert 'class="alert alert-error' in response.content.decode()
    with scope(municipality=challenge.municipality):
        assert not Comparison.objects.exists()
