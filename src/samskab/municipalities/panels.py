"""What other capabilities add to a movement and a space, without municipalities importing them.

An app appends a function `(request, space) -> (template_name, context) | None` to SPACE_PANELS
from its AppConfig.ready(); the space page includes each template with `panel` set to the context.
A challenge's page (challenges) and a movement's page (municipalities) are extended the same way,
through CHALLENGE_PANELS and MOVEMENT_PANELS: an opinion map, an assessment or a reflection room
is shown on the challenge it belongs to without challenges importing those apps.
An app that offers a way to begin a new movement (challenges: the mayor's open question) appends
`(movement, actor) -> object` to MOVEMENT_STARTERS; they run when the administrator asks for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from samskab.municipalities.models import Movement, Space

Panel = Callable[[HttpRequest, Space], tuple[str, dict[str, Any]] | None]
SPACE_PANELS: list[Panel] = []
# (request, challenge) and (request, municipality): typed Any, since the foundation knows no
# capability's models.
CHALLENGE_PANELS: list[Callable[[HttpRequest, Any], tuple[str, dict[str, Any]] | None]] = []
MOVEMENT_PANELS: list[Callable[[HttpRequest, Any], tuple[str, dict[str, Any]] | None]] = []
# Shown first on the movement's page, above its spaces (home: the open challenges by phase).
MOVEMENT_LEAD_PANELS: list[Callable[[HttpRequest, Any], tuple[str, dict[str, Any]] | None]] = []
# (request, idea): what other apps show on an idea's page (initiatives: what became of it).
IDEA_PANELS: list[Callable[[HttpRequest, Any], tuple[str, dict[str, Any]] | None]] = []
# (request, initiative): what other apps show on an initiative's page (experiments: its probes).
INITIATIVE_PANELS: list[Callable[[HttpRequest, Any], tuple[str, dict[str, Any]] | None]] = []
# (initiatives on a page) -> (heading, {initiative id: cell}): columns other apps add to the
# accountability page (experiments: how many, and how they went), in one query per column.
INITIATIVE_COLUMNS: list[Callable[[list[Any]], tuple[str, dict[int, str]]]] = []
MOVEMENT_STARTERS: list[Callable[[Movement, Any], object]] = []


def panels_for(
    request: HttpRequest, obj: Any, registry: list[Any]
) -> list[tuple[str, dict[str, Any]]]:
    """The (template, context) of each panel in `registry` that has something to show for
    `obj`."""
    return [found for panel in registry if (found := panel(request, obj)) is not None]
