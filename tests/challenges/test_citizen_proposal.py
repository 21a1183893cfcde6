"""A citizen proposing a challenge fills in what a citizen knows (the question, the background,
the categories); the phase dates and pre-moderation are the municipality's, set when it poses a
challenge or approves a proposal."""

from __future__ import annotations

from datetime import date

import pytest
from django_scopes import scope

from samskab.challenges import services
from samskab.challenges.models import Challenge, ChallengeStatus
from samskab.core.errors import ServiceError

pytestmark = pytest.mark.django_db

STAFF_FIELDS = (
    'name="ideas_until"',
    'name="prioritisation_until"',
    'name="decision_on"',
    'name="premoderation"',
)


def _url(town) -> str:
    return f"/kommuner/{town.municipality.slug}/rum/{town.public_space.slug}/ny-udfordring/"


def test_the_citizen_form_asks_only_what_a_citizen_fills_in(client, town_a, citizen):
    client.force_login(citizen)
    page = client.get(_url(town_a)).content.decode()
    assert 'name="title"' in page and 'name="description"' in page
    assert not [f for f in STAFF_FIELDS if f in page]
    client.force_login(town_a.owner)
    page = client.get(_url(town_a)).content.decode()
    assert all(f in page for f in STAFF_FIELDS)


def test_dates_sent_anyway_with_a_citizens_proposal_are_not_stored(client, town_a, citizen):
    client.force_login(citizen)
    response = client.post(
        _url(town_a),
        {"title": "Flere træer på torvet?", "ideas_until": "2027-03-01", "premoderation": "on"},
    )
    assert response.status_code == 302
    with scope(municipality=town_a.municipality):
        proposal = Challenge.objects.get(title="Flere træer på torvet?")
    assert proposal.status == ChallengeStatus.PROPOSED
    assert proposal.ideas_until is None and proposal.premoderation is False


def test_the_service_refuses_a_citizen_who_sets_the_phases_and_stores_nothing(town_a, citizen):
    with scope(municipality=town_a.municipality):
        with pytest.raises(ServiceError, match="sætter kommunen"):
            services.pose_challenge(
                town_a.public_space, citizen, title="Hvad nu?", ideas_until=date(2027, 3, 1)
            )
        assert not Challenge.objects.filter(title="Hvad nu?").exists()
        staff = services.pose_challenge(
            town_a.public_space, town_a.owner, title="Hvad nu?", ideas_until=date(2027, 3, 1)
        )
    assert staff.ideas_until == date(2027, 3, 1)
