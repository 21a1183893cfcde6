"""Named permission rules for the opinion map.

Who may see a conversation follows its space (`municipalities.view_space`). Voting and adding
statements need a login and an open conversation; moderating needs a moderator, facilitator or
administrator of the municipality; creating, closing and reopening conversations needs a
facilitator, administrator or leder. tests/opinions/test_rules.py checks each rule as a matrix of
role × conversation state × action.
"""

from __future__ import annotations

from typing import Any

import rules

from samskab.accounts.models import Role
from samskab.municipalities.models import Space
from samskab.municipalities.rules import (
    _role_predicate,
    is_administrator,
    is_facilitator,
    takes_part_in_space,
)
from samskab.opinions.models import Conversation

is_moderator = _role_predicate("opinions_is_moderator", Role.MODERATOR)
is_manager = _role_predicate("opinions_is_manager", Role.MANAGER)


def _space(obj: Any) -> Space | None:
    if isinstance(obj, Space):
        return obj
    if isinstance(obj, Conversation):
        return obj.space
    return None


@rules.predicate
def can_view_space(user: Any, obj: Any) -> bool:
    space = _space(obj)
    return space is not None and user.has_perm("municipalities.view_space", space)


@rules.predicate
def is_open(user: Any, conversation: Conversation) -> bool:
    return isinstance(conversation, Conversation) and conversation.is_open


@rules.predicate
def participants_can_add(user: Any, conversation: Conversation) -> bool:
    return isinstance(conversation, Conversation) and conversation.participants_can_add


moderates = is_moderator | is_facilitator | is_administrator
runs_conversations = is_facilitator | is_administrator | is_manager

rules.add_perm("opinions.view_conversation", can_view_space)
rules.add_perm("opinions.vote", rules.is_authenticated & takes_part_in_space & is_open)
rules.add_perm(
    "opinions.add_statement",
    rules.is_authenticated
    & takes_part_in_space
    & is_open
    & (participants_can_add | runs_conversations | moderates),
)
rules.add_perm("opinions.moderate_conversation", can_view_space & moderates)
# On a space: may create a conversation in it. On a conversation: may close or reopen it.
rules.add_perm("opinions.add_conversation", can_view_space & runs_conversations)
rules.add_perm("opinions.change_conversation", can_view_space & runs_conversations)
