"""Named permission rules for safe-to-fail experiments.

An experiment is seen by whoever may see its initiative (`initiatives.view_initiative`).
Designing one on an initiative, changing it, reviewing it and offering its learning to the
library is for those who manage the initiative (`initiatives.manage_initiative`: its creator,
the municipality's leaders, facilitators and administrators): an experiment is part of running
the initiative, so the initiative's rule is the one rule.
tests/experiments/test_rules.py checks each rule as a matrix of role × action.
"""

from __future__ import annotations

from typing import Any

import rules

from samskab.experiments.models import Experiment
from samskab.initiatives.models import Initiative


def _initiative(obj: Any) -> Initiative | None:
    if isinstance(obj, Initiative):
        return obj
    if isinstance(obj, Experiment):
        return obj.initiative
    return None


def _holds_on_initiative(name: str, perm: str) -> rules.Predicate:
    """Whether the person holds the initiative's `perm` on it (given it or one of its
    experiments)."""

    def holds(user: Any, obj: Any) -> bool:
        initiative = _initiative(obj)
        return initiative is not None and user.has_perm(perm, initiative)

    return rules.Predicate(holds, name=name)


can_view_initiative = _holds_on_initiative("can_view_initiative", "initiatives.view_initiative")
manages_initiative = _holds_on_initiative("manages_initiative", "initiatives.manage_initiative")

runs_experiments = rules.is_authenticated & can_view_initiative & manages_initiative

# On an initiative or an experiment.
rules.add_perm("experiments.view_experiment", can_view_initiative)
# On an initiative: may design a new experiment in it. On an experiment: may change it, review
# it and offer its learning to the library.
rules.add_perm("experiments.design_experiment", runs_experiments)
rules.add_perm("experiments.manage_experiment", runs_experiments)
