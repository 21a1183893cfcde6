"""Background work for initiatives: importing a file of many rows (Django Tasks API)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import translation
from django_scopes import scope, scopes_disabled
from django_tasks import task

from samskab.municipalities.models import Municipality, Space


@task()
def import_initiatives(
    *,
    municipality_id: int,
    actor_id: int,
    space_id: int,
    text: str,
    valid_only: bool,
    language: str,
) -> dict[str, Any]:
    """Run the import as the person who asked for it; the return value is the report."""
    from samskab.initiatives.imports import run_import

    # A worker has no request and so no municipality yet: look it up first.
    with scopes_disabled():
        municipality = Municipality.objects.get(pk=municipality_id)
        actor = get_user_model().objects.get(pk=actor_id)
    with scope(municipality=municipality), translation.override(language):
        space = Space.objects.get(pk=space_id, municipality=municipality)
        return run_import(municipality, actor, space, text, valid_only=valid_only)
