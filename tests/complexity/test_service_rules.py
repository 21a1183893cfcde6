"""Each complexity service checks its own permission, whoever calls it (page, workshop, demo):
someone without the right is refused in Danish and nothing is written, not even an audit row."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.complexity import services
from samskab.complexity.models import AssessmentRound, ZoneSettings
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _audits() -> int:
    with scopes_disabled():
        return AuditEvent.objects.count()


@pytest.mark.parametrize("who", ["citizen", "employee", "nobody", "other town"])
def test_only_a_facilitator_or_administrator_changes_the_zones(town_a, town_b, citizen, who):
    actor = {
        "citizen": citizen,
        "employee": town_a.member,
        "nobody": None,
        "other town": town_b.owner,
    }[who]
    before = _audits()
    with scope(municipality=town_a.municipality):
        with pytest.raises(ServiceError, match="grænserne"):
            services.set_thresholds(town_a.municipality, actor, high=0.7, low=0.3, chaos=0.2)
        assert not ZoneSettings.objects.exists()
    assert _audits() == before


def test_the_administrator_changes_the_zones_and_it_is_audited(town_a):
    with scope(municipality=town_a.municipality):
        services.set_thresholds(town_a.municipality, town_a.owner, high=0.7, low=0.3, chaos=0.2)
        assert ZoneSettings.objects.get().high == 0.7
        assert AuditEvent.objects.filter(action="complexity.zones_changed").count() == 1


@pytest.mark.parametrize("who", ["citizen", "nobody", "other town"])
def test_only_those_running_assessments_open_a_round(town_a, town_b, challenge, citizen, who):
    actor = {"citizen": citizen, "nobody": None, "other town": town_b.owner}[who]
    before = _audits()
    with scope(municipality=town_a.municipality):
        with pytest.raises(ServiceError, match="runde"):
            services.open_round(challenge, actor)
        assert not AssessmentRound.objects.exists()
    assert _audits() == before


@pytest.mark.parametrize("who", ["citizen", "nobody", "other town"])
def test_only_those_running_assessments_close_a_round(town_a, town_b, open_round, citizen, who):
    actor = {"citizen": citizen, "nobody": None, "other town": town_b.owner}[who]
    before = _audits()
    with scope(municipality=town_a.municipality):
        with pytest.raises(ServiceError, match="runde"):
            services.set_round_open(open_round, actor, is_open=False)
        open_round.refresh_from_db()
        assert open_round.is_open and open_round.closed_at is None
    assert _audits() == before


def test_reopening_a_round_closes_the_other_and_both_changes_are_audited(town_a, challenge):
    with scope(municipality=town_a.municipality):
        first = services.open_round(challenge, town_a.owner)
        second = services.open_round(challenge, town_a.owner)
        services.set_round_open(first, town_a.owner, is_open=True)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.is_open and first.closed_at is None
        assert not second.is_open and second.closed_at is not None
        services.set_round_open(first, town_a.owner, is_open=False)
        first.refresh_from_db()
        assert not first.is_open and first.closed_at is not None
        actions = list(
            AuditEvent.objects.filter(action__startswith="complexity.round.").values_list(
                "action", flat=True
            )
        )
    assert sorted(actions) == ["complexity.round.closed", "complexity.round.opened"]
