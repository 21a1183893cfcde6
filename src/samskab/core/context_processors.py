from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    municipality = getattr(request, "municipality", None)
    return {
        "current_municipality": municipality,
        "accessibility_url": (
            municipality.accessibility_url
            if municipality is not None
            else settings.SAMSKAB_DEFAULT_ACCESSIBILITY_URL
        ),
        "LANGUAGES": settings.LANGUAGES,
    }
