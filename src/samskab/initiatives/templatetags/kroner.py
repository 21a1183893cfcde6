"""Money as Danes read it: 12.345,67 kr. — from a Decimal, never through a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

ORE = Decimal("0.01")


def format_kroner(value: Decimal | None, *, unit: bool = True) -> str:
    """`Decimal("12345.675")` → "12.345,68 kr." (half up to the øre, as Danish amounts are)."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        raise TypeError(f"kroner must be a Decimal, not {type(value).__name__}")
    amount = value.quantize(ORE, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _, ore = f"{abs(amount):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    text = f"{sign}{grouped},{ore}"
    return f"{text} kr." if unit else text


def format_quantity(value: Decimal | None) -> str:
    """Hours and other quantities: Danish decimal comma, trailing zero øre dropped (12,5)."""
    if value is None:
        return ""
    text = format_kroner(value, unit=False)
    return text.removesuffix(",00")


@register.filter
def kroner(value: Decimal | None) -> str:
    return format_kroner(value)


@register.filter
def quantity(value: Decimal | None) -> str:
    return format_quantity(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """A share with the Danish decimal comma: 45,5 %."""
    if value is None:
        return ""
    return f"{value:f}".replace(".", ",") + " %"
