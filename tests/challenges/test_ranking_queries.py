"""The ranking page costs the same number of queries however many ideas it ranks."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.challenges import services
from samskab.challenges.phases import Phase
from samskab.challenges.ranking import compute_ranking
from tests.challenges.conftest import add_idea
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db


def test_ranking_page_query_count_is_flat(client, challenge, citizen, town_a):
    with scopes_disabled():
        challenge.phase = Phase.PRIORITISATION
        challenge.save()
    ideas = [add_idea(challenge, citizen, "Første idé")]
    url = f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/prioritering/"
    client.force_login(town_a.member)

    def add_items(n: int) -> None:
        with scope(municipality=challenge.municipality):
            for _ in range(n):
                ideas.append(add_idea(challenge, citizen, f"Idé {len(ideas)}"))
                services.compare(
                    challenge, town_a.member, left=ideas[-1], right=ideas[0], choice="left"
                )
            compute_ranking(challenge)

    def fetch() -> None:
        response = client.get(url)
        assert response.status_code == 200
        assert ideas[-1].title in response.content.decode()

    assert_flat_query_count(fetch, add_items)
