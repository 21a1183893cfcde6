"""What every export that staff open in a spreadsheet shares."""

from __future__ import annotations

import csv
import io
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

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


# -- files people open in Danish Excel -----------------------------------------------------------
#
# Danish Excel reads a CSV as Windows-1252 with ";" between cells unless the file starts with a
# UTF-8 byte order mark; "," is its decimal separator, so "," between cells splits every decimal
# number. So: BOM, ";", CRLF, decimal comma, local time, Danish headers and values. The same
# tables also go out as .xlsx, where numbers and times are real numbers and times.

LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Table:
    """One sheet: Danish column headers and rows of plain values (str, int, Decimal, float,
    bool, date, datetime, None). `title` names the xlsx sheet (at most 31 characters)."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _local(value: datetime) -> datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value, zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return value.replace(tzinfo=None)


def excel_text(value: Any) -> str:
    """One cell as Danish Excel reads it from a CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("ja") if value else _("nej"))
    if isinstance(value, datetime):
        return _local(value).strftime(LOCAL_TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Decimal, float)):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return str(neutralise_cell(str(value)))


def excel_csv(table: Table) -> bytes:
    """The table as a CSV file Danish Excel opens right: UTF-8 with BOM, ";"-separated."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([excel_text(h) for h in table.headers])
    writer.writerows([excel_text(v) for v in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool):
        return str(_("ja") if value else _("nej"))
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, (int, float, Decimal, date)) or value is None:
        return value
    return neutralise_cell(str(value))


def xlsx_bytes(*tables: Table) -> bytes:
    """The tables as one .xlsx workbook, one sheet each; numbers stay numbers and times are
    local times Excel formats as such."""
    from openpyxl import Workbook  # imported here: only export requests pay for it

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        title = (_SHEET_BAD.sub(" ", str(table.title)).strip() or "Ark")[:31]
        while title in used:
            title = title[:28] + f" {len(used)}"
        used.add(title)
        sheet = book.create_sheet(title)
        sheet.append([str(h) for h in table.headers])
        for row in table.rows:
            sheet.append([_xlsx_value(v) for v in row])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def export_filename(
    municipality_slug: str, what: str, extension: str, day: date | None = None
) -> str:
    """`<kommune>-<what>-<date>.<extension>`, ASCII only so every browser keeps it."""
    day = day or timezone.localdate()
    name = f"{municipality_slug}-{what}-{day.isoformat()}"
    name = slugify(name.translate(_DANISH_ASCII)) or "eksport"
    return f"{name}.{extension}"


_DANISH_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def download(body: bytes | str, filename: str) -> HttpResponse:
    """A file to download, its type from its extension."""
    extension = filename.rsplit(".", 1)[-1]
    response = HttpResponse(
        body, content_type=CONTENT_TYPES.get(extension, "application/octet-stream")
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_download(table: Table, municipality_slug: str, what: str, fmt: str) -> HttpResponse:
    """One table as a `csv` or `xlsx` download with a proper file name."""
    body = xlsx_bytes(table) if fmt == "xlsx" else excel_csv(table)
    return download(
        body, export_filename(municipality_slug, what, "xlsx" if fmt == "xlsx" else "csv")
    )
