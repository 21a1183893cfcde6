"""What every export that staff open in a spreadsheet shares."""

from __future__ import annotations

from typing import Any

# Excel, LibreOffice and Google Sheets read a cell that starts with one of these as a formula
# (tab and carriage return too: some of them strip those first and read what follows). A
# citizen's idea titled =HYPERLINK(...) would run in the staff member's spreadsheet (OWASP:
# CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """A text cell as a spreadsheet shows it, never runs it: a leading quote makes it text.

    Other values (numbers, booleans, None) pass unchanged, so their columns stay numeric."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """The text `neutralise_cell` was given: our own exports read back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
