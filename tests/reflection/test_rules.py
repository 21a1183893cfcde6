"""Permission rules as a matrix: role × room membership × session state × action."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.reflection import services
from samskab.reflection.models import Learning, RoomMember
from tests.conftest import give_role, make_person
from tests.reflection.conftest import make_circle, write

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
RUNS = {"facilitator", "administrator"}
STAFF = {
    "medarbejder",
    "leder",
    "politiker",
    "borgmester",
    "facilitator",
    "moderator",
    "administrator",
}


def expected(action, role, *, anonymous, member, is_open):
    if anonymous:
        return False
    runs = role in RUNS
    if action == "reflection.view_room":
        return member or runs
    if action in ("reflection.facilitate_room", "reflection.add_learning"):
        return runs
    if action == "reflection.write_entry":
        return member and is_open
    if action == "reflection.add_room":
        return runs or role == "leder"
    if action == "reflection.manage_templates":
        return runs
    if action == "reflection.view_library":
        return role in STAFF
    if action == "reflection.view_learning":
        return role in STAFF
    if action == "reflection.publish_learning":
        return runs
    if action == "reflection.answer_consent":
        return False
    raise AssertionError(action)


ACTIONS = {
    "reflection.view_room": "session",
    "reflection.facilitate_room": "room",
    "reflection.add_learning": "room",
    "reflection.write_entry": "session",
    "reflection.add_room": "municipality",
    "reflection.manage_templates": "municipality",
    "reflection.view_library": "municipality",
    "reflection.view_learning": "learning",
    "reflection.publish_learning": "learning",
    "reflection.answer_consent": "learning",
}


@pytest.mark.parametrize("role", ["anonymous", None, *ROLES])
@pytest.mark.parametrize(
    ("member", "is_open"),
    [(False, True), (True, True), (True, False)],
    ids=["outside", "member-open", "member-closed"],
)
def test_reflection_rules_matrix(town_a, role, member, is_open):
    circle = make_circle(town_a)
    anonymous = role == "anonymous"
    if anonymous:
        person = AnonymousUser()
    else:
        person = make_person(f"r-{role}@test.dk")
        if role:
            with scopes_disabled():
                give_role(person, town_a.municipality, role)
    with scope(municipality=town_a.municipality):
        if member and not anonymous and role:
            services.add_member(circle.room, circle.facilitator, person, role=role)
        elif member and not anonymous:
            # A member who has since lost every role in the municipality: no one can add such
            # a person now, but the membership stays until a facilitator removes it.
            RoomMember.objects.create(
                municipality=town_a.municipality, room=circle.room, person=person, role="borger"
            )
        circle.session.is_open = is_open
        learning = services.create_learning(
            town_a.municipality, circle.facilitator, title="L", text="T", room=circle.room
        )
        targets = {
            "session": circle.session,
            "room": circle.room,
            "municipality": town_a.municipality,
            "learning": learning,
        }
        for action, target in ACTIONS.items():
            want = expected(action, role, anonymous=anonymous, member=member, is_open=is_open)
            assert person.has_perm(action, targets[target]) is want, (action, role, member)


def test_room_facilitator_and_learning_author(town_a):
    circle = make_circle(town_a)
    with scope(municipality=town_a.municipality):
        room_fac = make_person("rumfac@test.dk")
        with scopes_disabled():
            give_role(room_fac, town_a.municipality, Role.MANAGER)
        member = services.add_member(circle.room, circle.facilitator, room_fac, role="leder")
        member.is_facilitator = True
        member.save()
        circle.room.__dict__.pop("_members_cache", None)
        assert room_fac.has_perm("reflection.facilitate_room", circle.room)
        assert not circle.leader.has_perm("reflection.facilitate_room", circle.room)
        shared = write(circle, circle.leader, "Vi lyttede mere.", "shared")
        learning = services.create_learning(
            town_a.municipality,
            room_fac,
            title="L",
            text="T",
            room=circle.room,
            source_entries=[shared],
        )
        # The author of an entry it grew from is asked; its writer may publish it.
        assert circle.leader.has_perm("reflection.answer_consent", learning)
        assert not circle.leader.has_perm("reflection.publish_learning", learning)
        assert room_fac.has_perm("reflection.publish_learning", learning)
        assert not circle.citizen.has_perm("reflection.answer_consent", learning)
        assert isinstance(learning, Learning)


@pytest.mark.parametrize("role", sorted(RUNS))
def test_a_role_in_one_municipality_grants_nothing_in_another(town_a, town_b, role):
    circle = make_circle(town_b, prefix="b")
    person = make_person(f"x-{role}@test.dk")
    with scopes_disabled():
        give_role(person, town_a.municipality, role)
    with scope(municipality=town_b.municipality):
        assert not person.has_perm("reflection.view_room", circle.room)
        assert not person.has_perm("reflection.facilitate_room", circle.room)
        assert not person.has_perm("reflection.add_room", town_b.municipality)
