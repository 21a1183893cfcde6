"""Named permission rules for the landscape and the movement dashboard (object: a municipality).

- Seeing the landscape, the dashboard and their exports (`view_landscape`): the municipality's
  own people (employees, leaders, politicians, the mayor, facilitators, moderators,
  administrators). The figures are aggregates about organisations and units; no person is shown.
- Asking for a fresh computation (`refresh_landscape`): administrators, facilitators and the
  mayor.
"""

from __future__ import annotations

import rules

from samskab.municipalities.rules import (
    is_administrator,
    is_facilitator,
    is_mayor,
    is_municipal_staff,
)

rules.add_perm("landscape.view_landscape", is_municipal_staff)
rules.add_perm("landscape.refresh_landscape", is_administrator | is_facilitator | is_mayor)
