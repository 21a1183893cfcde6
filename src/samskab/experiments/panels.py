"""What experiments show on other pages: on the movement's a link to the portfolio, on an
initiative's its experiments."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from samskab.experiments.models import Status
from samskab.experiments.services import counts_per_initiative, experiments_for_initiative


def movement_panel(request: HttpRequest, municipality: Any) -> tuple[str, dict[str, Any]]:
    return "experiments/_movement_panel.html", {"municipality": municipality}


def initiative_panel(request: HttpRequest, initiative: Any) -> tuple[str, dict[str, Any]]:
    user = request.user
    kwargs = {"municipality": initiative.municipality.slug, "initiative": initiative.pk}
    return "experiments/_initiative_panel.html", {
        "experiments": experiments_for_initiative(user, initiative),
        "list_url": reverse("experiments:list", kwargs=kwargs),
        "design_url": reverse("experiments:design", kwargs=kwargs),
        "can_design": user.has_perm("experiments.design_experiment", initiative),
    }


def accountability_column(initiatives: list[Any]) -> tuple[str, dict[int, str]]:
    """The accountability page's column: each initiative's experiments, by how they went."""
    counts = counts_per_initiative(initiatives)
    cells = {
        pk: ", ".join(
            f"{per[status]} {label.lower()}" for status, label in Status.choices if per[status]
        )
        for pk, per in counts.items()
    }
    return _("Eksperimenter"), cells
