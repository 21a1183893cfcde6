"""Fetch-and-authorise for experiments (see samskab.municipalities.access).

An experiment is reached through its initiative: one of another municipality, or of an
initiative the person may not see, answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from samskab.experiments.models import Experiment
from samskab.initiatives.services import get_initiative_or_404, initiatives_for
from samskab.municipalities.models import Municipality


def visible_experiments(user: Any, municipality: Municipality) -> QuerySet[Experiment]:
    """The municipality's experiments in initiatives the person may see, in one query."""
    return Experiment.objects.filter(
        municipality=municipality,
        initiative__in=initiatives_for(user, municipality).values("pk"),
    ).select_related("municipality", "initiative")


def get_experiment_or_404(
    user: Any, municipality: Municipality, initiative_pk: int, pk: int
) -> Experiment:
    initiative = get_initiative_or_404(user, municipality, initiative_pk)
    found = (
        Experiment.objects.filter(municipality=municipality, initiative=initiative, pk=pk)
        .select_related("municipality", "created_by", "reviewed_by", "library_learning")
        .first()
    )
    if found is None or not user.has_perm("experiments.view_experiment", initiative):
        raise Http404
    found.initiative = initiative
    return found
