"""Initiatives in from a file in the export's own format (CSV from Excel, or JSON).

Each row is checked first; a file with refused rows stores nothing, unless the person chose to
import the valid rows. Every row is then created through the services, so the rules, the audit
log and the notifications are the same as on the pages. Columns the export writes but a new
initiative cannot take (its id, its economy, what it was part of) are read and left alone.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from samskab.core.errors import ServiceError
from samskab.core.exports import FORMULA_STARTS
from samskab.core.validators import contains_cpr
from samskab.initiatives import services
from samskab.initiatives.exports import COLUMNS, LABELS
from samskab.initiatives.models import DEFAULT_PROGRESS, Status
from samskab.municipalities.models import Space

MAX_ROWS = 20_000
LIMITS = {"title": 200, "purpose": 5000, "target_group": 2000}
_HEADERS = {header: key for key, header in COLUMNS["initiatives"]}
_STATUSES = {
    **{v: v for v in Status.values},
    **{str(label).casefold(): v for v, label in LABELS["status"].items()},
}


class _Refused(Exception):
    """A row that cannot be imported; its message is the Danish reason."""


class _Abort(Exception):
    """A write was refused while importing all or nothing: undo every row."""


@dataclass
class Row:
    number: int
    title: str
    purpose: str
    target_group: str
    space: Space
    status: str
    progress: int | None
    starts_on: date | None
    ends_on: date | None


def _unneutralise(value: str) -> str:
    # The export writes '=… for a cell starting with a formula character; read it back as =….
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def parse(text: str) -> list[dict[str, Any]]:
    """The rows of a CSV (semicolons or commas, Danish or English headers) or JSON file."""
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise _Refused(
                _("Filen er ikke gyldig JSON (linje %(line)d).") % {"line": exc.lineno}
            ) from None
        rows = data.get("initiatives") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _Refused(
                _("JSON-filen skal have en liste »initiatives« med ét objekt pr. række.")
            )
        return rows
    first = stripped.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(stripped), delimiter=";" if ";" in first else ",")
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise _Refused(_("CSV-filen kan ikke læses: %(error)s") % {"error": exc}) from None
    if not lines:
        raise _Refused(_("Filen er tom."))
    keys = [_HEADERS.get(h.strip().casefold(), h.strip()) for h in lines[0]]
    if "title" not in keys:
        raise _Refused(_("Filen mangler kolonnen »titel«."))
    return [
        {key: _unneutralise(cell) for key, cell in zip(keys, line, strict=False)}
        for line in lines[1:]
        if any(cell.strip() for cell in line)
    ]


def _date(value: Any, label: str) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise _Refused(
        _("%(label)s »%(value)s« er ikke en dato. Skriv fx 2026-03-01.")
        % {"label": label, "value": text[:40]}
    )


def _text(row: dict[str, Any], key: str, label: str) -> str:
    value = row.get(key)
    text = "" if value is None else str(value).strip()
    if len(text) > LIMITS[key]:
        raise _Refused(
            _("%(label)s er for lang: højst %(limit)d tegn.")
            % {"label": label, "limit": LIMITS[key]}
        )
    if contains_cpr(text):
        raise _Refused(_("%(label)s ligner et CPR-nummer. Fjern det.") % {"label": label})
    return text


def check_row(
    number: int, row: dict[str, Any], spaces: dict[str, Space], default: Space, actor: Any
) -> Row:
    """The row as it will be created, or _Refused with the reason."""
    title = _text(row, "title", _("Titel"))
    if not title:
        raise _Refused(_("Titlen mangler."))
    slug = str(row.get("space") or "").strip()
    space = spaces.get(slug) if slug else default
    if space is None or not actor.has_perm("initiatives.create_initiative", space):
        raise _Refused(
            _("Rummet »%(space)s« findes ikke, eller du må ikke oprette initiativer i det.")
            % {"space": slug[:60]}
        )
    raw_status = str(row.get("status") or "").strip()
    status = (
        _STATUSES.get(raw_status.casefold(), _STATUSES.get(raw_status))
        if raw_status
        else Status.PLANNING
    )
    if status is None:
        raise _Refused(_("Status »%(status)s« findes ikke.") % {"status": raw_status[:40]})
    raw_progress = str(row.get("progress") if row.get("progress") is not None else "").strip()
    progress = None
    if raw_progress:
        if not (raw_progress.isascii() and raw_progress.isdigit() and int(raw_progress) <= 100):
            raise _Refused(_("Fremdriften skal være et helt tal fra 0 til 100."))
        progress = int(raw_progress)
    starts_on = _date(row.get("starts_on"), _("Start"))
    ends_on = _date(row.get("ends_on"), _("Slut"))
    if starts_on and ends_on and ends_on < starts_on:
        raise _Refused(_("Slutdatoen ligger før startdatoen."))
    return Row(
        number=number,
        title=title,
        purpose=_text(row, "purpose", _("Formål")),
        target_group=_text(row, "target_group", _("Målgruppe")),
        space=space,
        status=status,
        progress=progress,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def _create(row: Row, actor: Any) -> None:
    created = services.create_initiative(
        actor,
        space=row.space,
        title=row.title,
        purpose=row.purpose,
        target_group=row.target_group,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
    )
    default = DEFAULT_PROGRESS.get(row.status, 0)
    if row.status != created.status or (row.progress is not None and row.progress != default):
        services.set_status(created, actor, status=row.status, progress=row.progress)


def run_import(
    municipality: Any, actor: Any, default_space: Space, text: str, *, valid_only: bool
) -> dict[str, Any]:
    """Import the file's initiatives. The report: rows read, created, and each refused row
    (its number in the file, counting the header as row 1, and the reason)."""
    refused: list[dict[str, Any]] = []
    try:
        raw = parse(text)
    except _Refused as exc:
        return {
            "rows": 0,
            "created": 0,
            "stored": False,
            "refused": [{"row": 0, "reason": str(exc)}],
        }
    if len(raw) > MAX_ROWS:
        message = _("Filen har for mange rækker: højst %(limit)d ad gangen.") % {"limit": MAX_ROWS}
        return {
            "rows": len(raw),
            "created": 0,
            "stored": False,
            "refused": [{"row": 0, "reason": message}],
        }
    spaces = {s.slug: s for s in Space.objects.filter(municipality=municipality)}
    checked: list[Row] = []
    for index, row in enumerate(raw, start=2):
        try:
            checked.append(check_row(index, row, spaces, default_space, actor))
        except _Refused as exc:
            refused.append({"row": index, "reason": str(exc)})
    report = {"rows": len(raw), "created": 0, "stored": False, "refused": refused}
    if refused and not valid_only:
        return report
    created = 0
    try:
        with transaction.atomic():
            for row in checked:
                try:
                    with transaction.atomic():
                        _create(row, actor)
                except ServiceError as exc:
                    if not valid_only:
                        refused.append({"row": row.number, "reason": str(exc)})
                        raise _Abort from exc
                    refused.append({"row": row.number, "reason": str(exc)})
                else:
                    created += 1
    except _Abort:
        refused.sort(key=lambda r: r["row"])
        return report
    refused.sort(key=lambda r: r["row"])
    report.update(created=created, stored=created > 0)
    return report
