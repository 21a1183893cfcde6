"""What other capabilities add to a movement and a space, without municipalities importing them.

An app appends a function `(request, space) -> (template_name, context) | None` to SPACE_PANELS
from its AppConfig.ready(); the space page includes each template with `panel` set to the context.
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
MOVEMENT_STARTERS: list[Callable[[Movement, Any], object]] = []


def panels_for(request: HttpRequest, space: Space) -> list[tuple[str, dict[str, Any]]]:
    return [found for panel in SPACE_PANELS if (found := panel(request, space)) is not None]
