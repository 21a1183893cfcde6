"""Permission matrix: role × phase × action × space visibility."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import phases, services
from samskab.challenges.models import ChallengeStatus
from samskab.municipalities.models import Visibility
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db

STAFF = {
    "medarbejder",
    "leder",
    "politiker",
    "borgmester",
    "facilitator",
    "moderator",
    "administrator",
}
ACTIONS = {
    "challenges.submit_idea": phases.Action.SUBMIT,
    "challenges.comment": phases.Action.COMMENT,
    "challenges.support": phases.Action.SUPPORT,
    "challenges.compare": phases.Action.COMPARE,
}


def can_see_space(role: str | None, visibility: str) -> bool:
    if visibility == Visibility.PUBLIC:
        return True
    if role in {"administrator", "facilitator"}:
        return True
    return visibility == Visibility.STAFF and role in STAFF


@pytest.mark.parametrize("role", [None, *[r.value for r in Role]])
def test_participation_matrix(town_a, role):
    """Every phase × space visibility for one role (one town per role keeps the suite quick)."""
    person = make_person(f"{role}@test.dk")
    with scopes_disabled():
        if role:
            give_role(person, town_a.municipality, role)
        for visibility in Visibility:
            space = {
                "public": town_a.public_space,
                "staff": town_a.staff_space,
                "invite": town_a.invite_space,
            }[visibility]
            challenge = services.pose_challenge(
                space, town_a.owner, title=f"Spørgsmål {visibility}?"
            )
            for phase in phases.ORDER:
                challenge.phase = phase
                for perm, action in ACTIONS.items():
                    expected = can_see_space(role, visibility) and phases.allows(phase, action)
                    assert person.has_perm(perm, challenge) == expected, (
                        perm,
                        role,
                        phase,
                        visibility,
                    )
            assert person.has_perm("challenges.view_challenge", challenge) == can_see_space(
                role, visibility
            )


@pytest.mark.parametrize("role", [None, *[r.value for r in Role]])
def test_who_may_pose_or_propose(town_a, role):
    person = make_person(f"pose-{role}@test.dk")
    with scopes_disabled():
        if role:
            give_role(person, town_a.municipality, role)
        space = town_a.public_space
        may_pose = role in set(town_a.municipality.challenge_roles)
        assert person.has_perm("challenges.pose_challenge", space) == may_pose
        assert person.has_perm("challenges.propose_challenge", space) is True
        assert person.has_perm("challenges.moderate", space) == (
            role in {"moderator", "facilitator", "administrator"}
        )


def test_proposed_challenge_is_seen_by_its_author_and_moderators_only(town_a, citizen, moderator):
    with scopes_disabled():
        challenge = services.pose_challenge(town_a.public_space, citizen, title="Flere bænke?")
        assert challenge.status == ChallengeStatus.PROPOSED
        assert citizen.has_perm("challenges.view_challenge", challenge)
        assert moderator.has_perm("challenges.view_challenge", challenge)
        assert not town_a.member.has_perm("challenges.view_challenge", challenge)
        assert not AnonymousUser().has_perm("challenges.view_challenge", challenge)
        # Nobody takes part before it is published.
        assert not citizen.has_perm("challenges.submit_idea", challenge)


def test_anonymous_may_read_but_not_act(challenge):
    anonymous = AnonymousUser()
    assert anonymous.has_perm("challenges.view_challenge", challenge)
    for perm in ACTIONS:
        assert not anonymous.has_perm(perm, challenge)


def test_municipality_can_change_who_may_pose(town_a):
    citizen = make_person("c@test.dk")
    with scopes_disabled():
        give_role(citizen, town_a.municipality, "borger")
        town_a.municipality.challenge_roles = ["borger"]
        town_a.municipality.save()
        town_a.public_space.municipality.refresh_from_db()
        assert citizen.has_perm("challenges.pose_challenge", town_a.public_space)


def test_moderators_moderate_only_in_spaces_they_may_enter(town_a, moderator):
    from samskab.municipalities.models import SpaceInvitation

    with scopes_disabled():
        for space, expected in [
            (town_a.public_space, True),
            (town_a.staff_space, True),
            (town_a.invite_space, False),
        ]:
            challenge = services.pose_challenge(space, town_a.owner, title=f"{space.title}?")
            assert moderator.has_perm("challenges.moderate", challenge) == expected, space
        SpaceInvitation.objects.create(
            municipality=town_a.municipality, space=town_a.invite_space, person=moderator
        )
        assert moderator.has_perm("challenges.moderate", challenge)
        # The queue as a whole is the municipality's.
        assert moderator.has_perm("challenges.moderate", town_a.municipality)


def test_proposer_manages_only_once_published(town_a, citizen):
    with scopes_disabled():
        challenge = services.pose_challenge(town_a.public_space, citizen, title="Flere bænke?")
        assert not citizen.has_perm("challenges.manage_challenge", challenge)
        services.review_challenge(challenge, town_a.owner, approve=True)
        assert citizen.has_perm("challenges.manage_challenge", challenge)
