"""Background work for live workshops (Django Tasks API)."""

from __future__ import annotations

from django_scopes import scopes_disabled
from django_tasks import task


@task()
def forget_guests() -> int:
    from samskab.workshops.services import forget_guests as forget

    with scopes_disabled():
        return forget()
