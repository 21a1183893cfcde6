"""Validators shared by every form that takes free text from a person."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ddmmyy-xxxx or ddmmyyxxxx, optionally with a space; digits not glued to other digits.
_CPR_RE = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})[ -]?(\d{4})(?!\d)")


def _is_plausible_cpr(day: str, month: str, year: str) -> bool:
    """True when the first six digits form a real date (CPR's first part is the birth date)."""
    d, m = int(day), int(month)
    # CPR has no century digit we can trust here; any century that makes a real date counts.
    for century in (1900, 2000):
        try:
            date(century + int(year), m, d)
            return True
        except ValueError:
            continue
    return False


def contains_cpr(text: str) -> bool:
    return any(_is_plausible_cpr(*match.groups()[:3]) for match in _CPR_RE.finditer(text or ""))


def validate_no_cpr(value: str) -> None:
    """Samskab never stores CPR numbers (PRODUCT.md: personal data). Refuse text that holds one."""
    if contains_cpr(value):
        raise ValidationError(
            _(
                "Teksten ser ud til at indeholde et CPR-nummer. Skriv den uden CPR-nummeret – "
                "vi gemmer aldrig CPR-numre."
            ),
            code="cpr",
        )
