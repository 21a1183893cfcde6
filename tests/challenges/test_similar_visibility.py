"""The similar-ideas box never offers an idea the viewer may not see, whatever the index holds."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.challenges import services
from samskab.challenges.models import Idea, Visibility
from tests.challenges.conftest import add_idea

pytestmark = pytest.mark.django_db

SECRET = "Hemmelig havekoloni med grøntsager for ældre"


@pytest.fixture
def five_ideas(challenge, citizen):
    """Five ideas with consecutive ids, all about the same thing; the 2nd and 3rd are hidden.

    Visible {x, x+3, x+4} and visible {x+1, x+2, x+4} have the same count, sum and largest id,
    so a fingerprint of those three cannot tell them apart.
    """
    ideas = [add_idea(challenge, citizen, f"{SECRET} {n}", SECRET) for n in range(5)]
    ids = [idea.pk for idea in ideas]
    assert ids == list(range(ids[0], ids[0] + 5)), "the test needs consecutive ids"
    with scopes_disabled():
        Idea.objects.filter(pk__in=ids[1:3]).update(visibility=Visibility.HIDDEN)
    return ideas


def _offered(client, challenge) -> str:
    url = f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/lignende/"
    response = client.get(url, {"title": SECRET, "body": ""})
    assert response.status_code == 200
    return response.content.decode()


def _link(idea: Idea) -> str:
    return f"/udfordringer/{idea.challenge_id}/ideer/{idea.pk}/"


def test_moderation_that_keeps_count_sum_and_max_is_noticed(
    client, challenge, five_ideas, moderator
):
    first = _offered(client, challenge)
    assert _link(five_ideas[0]) in first and _link(five_ideas[1]) not in first
    with scope(municipality=challenge.municipality):
        for idea in (five_ideas[0], five_ideas[3]):
            services.moderate(idea, moderator, visibility=Visibility.HIDDEN, reason="Spam")
        for idea in (five_ideas[1], five_ideas[2]):
            services.moderate(idea, moderator, visibility=Visibility.VISIBLE, reason="")
    page = _offered(client, challenge)
    assert _link(five_ideas[0]) not in page
    assert _link(five_ideas[3]) not in page
    # The restored ideas are offered again: the index followed the change, not only the filter.
    assert _link(five_ideas[1]) in page and _link(five_ideas[2]) in page


def test_a_stale_index_never_offers_a_hidden_idea(client, challenge, five_ideas):
    assert _link(five_ideas[0]) in _offered(client, challenge)
    # A change the index cannot have heard of (a bulk update, another process, a restore).
    # It keeps count, sum and largest id of the visible ideas, and touches no timestamp.
    with scopes_disabled():
        Idea.objects.filter(pk=five_ideas[0].pk).update(visibility=Visibility.HIDDEN)
        Idea.objects.filter(pk=five_ideas[3].pk).update(visibility=Visibility.PENDING)
        Idea.objects.filter(pk__in=[five_ideas[1].pk, five_ideas[2].pk]).update(
            visibility=Visibility.VISIBLE
        )
    page = _offered(client, challenge)
    assert _link(five_ideas[0]) not in page
    assert _link(five_ideas[3]) not in page
    assert _link(five_ideas[4]) in page
