"""What other capabilities show on a space's page, without municipalities importing them.

An app appends a function `(request, space) -> (template_name, context) | None` from its
AppConfig.ready(); the space page includes each template with `panel` set to the context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from samskab.municipalities.models import Space

Panel = Callable[[HttpRequest, Space], tuple[str, dict[str, Any]] | None]
SPACE_PANELS: list[Panel] = []


def panels_for(request: HttpRequest, space: Space) -> list[tuple[str, dict[str, Any]]]:
    return [found for panel in SPACE_PANELS if (found := panel(request, space)) is not None]
