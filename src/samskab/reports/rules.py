"""Named permission rules for the council report (object: a report, or its challenge).

- Editing and sending the report (`edit_report`): the municipality's facilitators,
  administrators, leaders and employees — the forvaltning writes the dagsordenspunkt.
- Seeing the draft (`view_draft`): the same people, if they may also see the challenge.
- Seeing the version sent to the committee (`view_published`): anyone who may see the
  challenge (`challenges.view_challenge`).
"""

from __future__ import annotations

from typing import Any

import rules

from samskab.accounts.models import Role
from samskab.accounts.roles import has_any_role

EDITORS = (Role.FACILITATOR, Role.ADMINISTRATOR, Role.MANAGER, Role.EMPLOYEE)


def _challenge(obj: Any) -> Any:
    return getattr(obj, "challenge", None) if hasattr(obj, "recommendation") else obj


@rules.predicate
def is_report_editor(user: Any, obj: Any) -> bool:
    mid = getattr(obj, "municipality_id", None)
    return mid is not None and has_any_role(user, mid, *EDITORS)


@rules.predicate
def may_see_challenge(user: Any, obj: Any) -> bool:
    challenge = _challenge(obj)
    if challenge is None:  # a movement's report: its municipality's own people
        return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
            "landscape.view_landscape", obj.municipality
        )
    return user.has_perm("challenges.view_challenge", challenge)


rules.add_perm("reports.edit_report", is_report_editor & may_see_challenge)
rules.add_perm("reports.view_draft", is_report_editor & may_see_challenge)
rules.add_perm("reports.view_published", may_see_challenge)
