"""Validators shared by every form that takes free text from a person.

The CPR check is the one place Samskab decides whether text holds a CPR number; every free-text
model and form field uses `validate_no_cpr`, and services call `contains_cpr` (or
`clean_free_text`) for text that reaches them another way (API, CLI, workshop screens).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samskab.core.errors import ServiceError

CPR_MESSAGE = _(
    "Teksten ser ud til at indeholde et CPR-nummer. Skriv den uden CPR-nummeret – "
    "vi gemmer aldrig CPR-numre."
)

# Characters people (and copy-paste from case systems, PDFs, Word) put between the digits of a
# CPR number. Each maps to one canonical mark, so "01.01.90" and "01․01․90" compare equal below.
_SEPARATORS = {
    "-": "-",
    "\u2212": "-",  # minus sign (a math symbol, not Pd)
    "\u2043": "-",  # hyphen bullet
    "\u02d7": "-",  # modifier letter minus
    ".": ".",
    "\u00b7": ".",  # middle dot
    "\u2022": ".",  # bullet
    "\u2027": ".",  # hyphenation point
    "\u30fb": ".",  # katakana middle dot
    "/": "/",
    "\\": "/",
    "\u2044": "/",  # fraction slash
    "\u2215": "/",  # division slash
    "\u29f8": "/",  # big solidus
    "_": "_",
}
# Invisible characters a person cannot see but a regex can: zero-width space/joiner/non-joiner,
# soft hyphen, word joiner, BOM, bidi marks (all Cf), combining marks, and control characters.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cc", "Cs", "Co"})

# A run of digit groups joined by separators: at most three marks, any spaces around them.
_SEP = r"(?: *[-./_]){1,3} *| +"
_CHAIN_RE = re.compile(rf"[0-9]+(?:(?:{_SEP})[0-9]+)*")
_SPLIT_RE = re.compile(rf"({_SEP})")
CPR_DIGITS = 10
# Where a separator may fall in a written CPR number: DD MM YY XX XX.
_CPR_BOUNDARIES = frozenset({2, 4, 6, 8})


def _normalise(text: str) -> str:
    """Text as a regex should see it: ASCII digits, canonical separators, no invisible marks.

    NFKC folds fullwidth digits and marks and most special spaces (no-break, thin, narrow)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        if "0" <= ch <= "9" or ch == " ":
            out.append(ch)
            continue
        if ch.isspace():
            out.append(" ")
            continue
        if ch in _SEPARATORS:
            out.append(_SEPARATORS[ch])
            continue
        digit = unicodedata.decimal(ch, None)  # Arabic-Indic, Devanagari, ... digits
        if digit is not None:
            out.append(str(digit))
            continue
        category = unicodedata.category(ch)
        if category in _INVISIBLE_CATEGORIES:
            continue
        if category == "Pd":  # hyphen, non-breaking hyphen, en/em dash, ...
            out.append("-")
        elif category == "Pc":  # underscore-like connectors
            out.append("_")
        else:
            out.append(ch)
    return "".join(out)


def _is_plausible_cpr(digits: str) -> bool:
    """True when the first six digits form a real date (CPR's first part is the birth date)."""
    d, m, y = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    # CPR has no century digit we can trust here; any century that makes a real date counts.
    for century in (1900, 2000):
        try:
            date(century + y, m, d)
            return True
        except ValueError:
            continue
    return False


def _sep_key(sep: str) -> str:
    return sep.replace(" ", "") or " "


def _written_like_cpr(groups: list[str], seps: list[str]) -> bool:
    """Whether these digit groups (10 digits in all) are laid out as people write a CPR number.

    Accepted: glued (0101901234), digit by digit (0 1 0 1 ...), or split only at DD|MM|YY|XX|XX
    with the date part split by one kind of mark and the serial split after the date. This keeps
    dates, times, amounts with thousands separators and pairs of phone numbers out."""
    if len(groups) == 1:
        return True
    if len(groups) == CPR_DIGITS:
        return True
    bounds: dict[int, str] = {}
    position = 0
    for group, sep in zip(groups, seps, strict=False):
        position += len(group)
        bounds[position] = _sep_key(sep)
    if not set(bounds) <= _CPR_BOUNDARIES or 6 not in bounds:
        return False
    if 2 in bounds and 4 in bounds and bounds[2] != bounds[4]:
        return False
    return not (8 in bounds and bounds[8] not in {" ", bounds[6], bounds.get(2), bounds.get(4)})


def _candidates(chain: str):
    parts = _SPLIT_RE.split(chain)
    groups, seps = parts[0::2], parts[1::2]
    # Every run of whole groups holding exactly ten digits: a CPR number after a phone number
    # ("tlf. 12345678 010190-1234") is still found, one glued to more digits is not.
    for start in range(len(groups)):
        total = 0
        for end in range(start, len(groups)):
            total += len(groups[end])
            if total == CPR_DIGITS:
                yield groups[start : end + 1], seps[start:end]
            if total >= CPR_DIGITS:
                break


def contains_cpr(text: str) -> bool:
    """True when the text holds something a reader would take for a CPR number (DDMMYY-XXXX)."""
    if not text:
        return False
    normalised = _normalise(text)
    for chain in _CHAIN_RE.findall(normalised):
        for groups, seps in _candidates(chain):
            digits = "".join(groups)
            if _written_like_cpr(groups, seps) and _is_plausible_cpr(digits):
                return True
    return False


def validate_no_cpr(value: str) -> None:
    """Samskab never stores CPR numbers (PRODUCT.md: personal data). Refuse text that holds one."""
    if contains_cpr(value):
        raise ValidationError(CPR_MESSAGE, code="cpr")


def clean_free_text(text: str | None, *, limit: int, empty: str | None = None) -> str:
    """The one cleaning of free text a service receives: trimmed, length-checked, CPR-free.

    `empty` is the message when text is required (None: empty text is allowed)."""
    cleaned = (text or "").strip()
    if not cleaned and empty is not None:
        raise ServiceError(empty)
    if len(cleaned) > limit:
        raise ServiceError(
            _("Teksten må højst være %(max)d tegn. Din er %(length)d tegn.")
            % {"max": limit, "length": len(cleaned)}
        )
    if contains_cpr(cleaned):
        raise ServiceError(str(CPR_MESSAGE))
    return cleaned
