"""Named permission rules for reflection rooms and the learning library.

A room is entered by its members, and by the municipality's facilitators and administrators
(who run the processes). None of these rules ever grants reading someone else's private entry:
there is no such permission, and `services.session_view` never reads one.
tests/reflection/test_rules.py checks each rule as a matrix of role × membership × state × action.
"""

from __future__ import annotations

from typing import Any

import rules

from samskab.accounts.models import Role
from samskab.municipalities.rules import (
    _role_predicate,
    is_administrator,
    is_facilitator,
    is_municipal_staff,
    meets_space_assurance,
)
from samskab.reflection.models import Learning, LearningAuthor, Room, Session

is_manager = _role_predicate("reflection_is_manager", Role.MANAGER)
runs_processes = is_facilitator | is_administrator


def _room(obj: Any) -> Room | None:
    if isinstance(obj, Room):
        return obj
    if isinstance(obj, Session):
        return obj.room
    return None


@rules.predicate
def is_member(user: Any, obj: Any) -> bool:
    from samskab.reflection.services import membership

    room = _room(obj)
    return room is not None and membership(room, user) is not None


@rules.predicate
def is_room_facilitator(user: Any, obj: Any) -> bool:
    from samskab.reflection.services import membership

    room = _room(obj)
    if room is None:
        return False
    member = membership(room, user)
    return member is not None and member.is_facilitator


@rules.predicate
def is_open_session(user: Any, obj: Any) -> bool:
    return isinstance(obj, Session) and obj.is_open


@rules.predicate
def is_author(user: Any, learning: Any) -> bool:
    return (
        isinstance(learning, Learning)
        and user.is_authenticated
        and LearningAuthor.objects.filter(learning=learning, person=user).exists()
    )


@rules.predicate
def is_learning_creator(user: Any, learning: Any) -> bool:
    return (
        isinstance(learning, Learning)
        and user.is_authenticated
        and learning.created_by_id == user.pk
    )


facilitates = is_room_facilitator | runs_processes

# On a municipality.
rules.add_perm("reflection.add_room", runs_processes | is_manager)
rules.add_perm("reflection.manage_templates", runs_processes)
rules.add_perm("reflection.view_library", is_municipal_staff)
# On a room or a session.
rules.add_perm("reflection.view_room", is_member | runs_processes)
rules.add_perm("reflection.facilitate_room", facilitates)
rules.add_perm("reflection.write_entry", is_member & is_open_session & meets_space_assurance)
rules.add_perm("reflection.add_learning", facilitates)
# On a learning.
rules.add_perm("reflection.view_learning", is_municipal_staff | is_author)
rules.add_perm("reflection.publish_learning", runs_processes | is_learning_creator)
rules.add_perm("reflection.answer_consent", is_author)
