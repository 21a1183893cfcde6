"""How a page tells the person what became of what they asked for."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest

from samskab.core.errors import ServiceError


def attempt(request: HttpRequest, action: Callable[[], object], done: str | None = None) -> bool:
    """Run one service call for a page. A refusal becomes an error message with the service's
    own words (nothing was changed); success shows `done`, when given. True on success."""
    try:
        action()
    except ServiceError as exc:
        messages.error(request, str(exc))
        return False
    if done:
        messages.success(request, done)
    return True


def form_errors(form: object) -> str:
    """A form's errors as one message, for a form posted from a page that does not redraw it."""
    return " ".join(str(e) for errs in form.errors.values() for e in errs)  # type: ignore[attr-defined]
