"""Fetch-and-authorise for initiatives and what lies in them (see samskab.municipalities.access).

An initiative in another municipality, or in a space the person may not enter, answers 404 like
a missing one; so does anything (a partner, a milestone …) that is not the given initiative's.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from samskab.initiatives.models import (
    BudgetLine,
    Commitment,
    Document,
    Initiative,
    Milestone,
    Partner,
    WorkPart,
)
from samskab.municipalities.access import get_permitted_or_404, visible_spaces
from samskab.municipalities.models import Municipality, Space

M = TypeVar("M", bound=models.Model)


def initiatives_for(user: Any, municipality: Municipality) -> QuerySet[Initiative]:
    """The initiatives of this municipality in spaces the person may enter, in one query."""
    return Initiative.objects.filter(
        municipality=municipality,
        space__in=visible_spaces(user, municipality).values("pk"),
    ).select_related("municipality", "space", "challenge", "parent")


def spaces_to_start_in(user: Any, municipality: Municipality) -> list[Space]:
    """The spaces of this municipality where the person may start an initiative, by title."""
    return [
        s
        for s in visible_spaces(user, municipality).order_by("title")
        if user.has_perm("initiatives.create_initiative", s)
    ]


def _id(pk: Any) -> int:
    """An id as the address or the API gives it; anything that is not one is simply not there."""
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


def get_initiative_or_404(user: Any, municipality: Municipality, pk: Any) -> Initiative:
    return get_permitted_or_404(
        user,
        Initiative.objects.select_related(
            "municipality", "space__municipality", "challenge", "parent", "created_by"
        ),
        municipality,
        _id(pk),
        "initiatives.view_initiative",
    )


def _child_or_404(model: type[M], initiative: Initiative, pk: Any, *related: str) -> M:
    found = (
        model._default_manager.filter(  # type: ignore[attr-defined]
            municipality_id=initiative.municipality_id, initiative=initiative, pk=_id(pk)
        )
        .select_related(*related)
        .first()
    )
    if found is None:
        raise Http404
    found.initiative = initiative  # the caller has already checked it may be seen
    return found  # type: ignore[no-any-return]


def get_partner_or_404(initiative: Initiative, pk: Any) -> Partner:
    return _child_or_404(Partner, initiative, pk, "organisation", "person", "contact")


def get_milestone_or_404(initiative: Initiative, pk: Any) -> Milestone:
    return _child_or_404(Milestone, initiative, pk)


def get_document_or_404(initiative: Initiative, pk: Any) -> Document:
    return _child_or_404(Document, initiative, pk)


def get_part_or_404(initiative: Initiative, pk: Any) -> WorkPart:
    return _child_or_404(WorkPart, initiative, pk)


def get_budget_line_or_404(initiative: Initiative, pk: Any) -> BudgetLine:
    return _child_or_404(BudgetLine, initiative, pk)


def get_commitment_or_404(initiative: Initiative, pk: Any) -> Commitment:
    return _child_or_404(
        Commitment, initiative, pk, "partner__organisation", "partner__person", "budget_line"
    )
