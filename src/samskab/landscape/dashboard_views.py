from __future__ import annotations

from django.urls import URLPattern


def urlpatterns(prefix: str) -> list[URLPattern]:
    return []
