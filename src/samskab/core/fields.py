"""Form fields every app's forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.validators import validate_no_cpr

TOO_LONG = _("Skriv højst %(limit_value)d tegn. Du har skrevet %(show_value)d.")


def free_text(label: Any, max_length: int, *, lines: int = 1, **kwargs: Any) -> forms.CharField:
    """A field for what a person writes: one line, or a box of `lines` rows; at most
    `max_length` characters (said plainly when it is too long); never a CPR number."""
    if lines > 1:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": lines}))
    return forms.CharField(
        label=label,
        max_length=max_length,
        validators=[validate_no_cpr, *kwargs.pop("validators", [])],
        error_messages={"max_length": TOO_LONG, **kwargs.pop("error_messages", {})},
        **kwargs,
    )
