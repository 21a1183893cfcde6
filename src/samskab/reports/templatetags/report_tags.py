"""Labels for the report's stored keys, in the reader's language, and Danish amounts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext_lazy as _

from samskab.accounts.roles import role_label
from samskab.analysis.stacey import Zone
from samskab.challenges.models import Outcome, Phase
from samskab.complexity.services import zone_name

register = template.Library()

SECTORS = {
    "kommune": _("Kommunen"),
    "erhverv": _("Erhvervslivet"),
    "civilsamfund": _("Foreninger"),
    "borger": _("Borgere"),
}


@register.filter
def role(key: str) -> str:
    return role_label(key)


@register.filter
def sector(key: str) -> str:
    if key in SECTORS:
        return str(SECTORS[key])
    return role_label(key)


@register.filter
def outcome(key: str) -> str:
    try:
        return str(Outcome(key).label)
    except ValueError:
        return key


@register.filter
def phase(key: str) -> str:
    try:
        return str(Phase(key).label)
    except ValueError:
        return key


@register.filter
def zone(number: int | None) -> str:
    if number is None:
        return ""
    return f"{number}: {zone_name(Zone(number))}"


@register.filter
def kroner(value: str | None) -> str:
    """ "12345.60" → "12.345,60 kr." """
    try:
        amount = Decimal(value or "0").quantize(Decimal("0.01"))
    except InvalidOperation:
        return ""
    whole, _dot, cents = f"{abs(amount):,.2f}".partition(".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{whole.replace(',', '.')},{cents} kr."


@register.filter
def initiative_status(key: str) -> str:
    from samskab.initiatives.models import Status

    try:
        return str(Status(key).label)
    except ValueError:
        return key


@register.filter
def experiment_status(key: str) -> str:
    from samskab.experiments.models import Status

    try:
        return str(Status(key).label)
    except ValueError:
        return key


@register.filter
def source(key: str) -> str:
    """A section's "Kilde: …" line in the reader's language."""
    from samskab.reports.figures import source_label

    return source_label(key)
