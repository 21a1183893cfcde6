"""Experiments in from a file in the export's own format (see `samskab.experiments.exports`):
the CSV file from the portfolio page (UTF-8 with or without BOM, `;` or `,`, Danish or English
headers) or the JSON list from the API (`/api/municipalities/{code}/experiments`).

Each row is written through `services.import_experiment`, so the permission, the checks and the
audit log are those of designing an experiment, all in one transaction: a file with refused
rows stores nothing, unless the person chose to import the valid rows. The columns the export
computes (number, zone and status names, the initiative's title, created, link) are read and
left alone. A row goes into the initiative the person chose, or, when none was chosen, into the
initiative its "Initiativ nummer" names in this municipality.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from samskab.core.errors import ServiceError
from samskab.core.exports import restore_cell
from samskab.experiments import exports, services
from samskab.experiments.models import (
    RESULT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Status,
)
from samskab.initiatives.services import initiatives_for

MAX_ROWS = 5_000
TEXTS = ("title", "hypothesis", "signals", "amplify_when", "dampen_when", "stop_when")
LIMITS = {
    **dict.fromkeys(TEXTS, TEXT_MAX_LENGTH),
    "title": TITLE_MAX_LENGTH,
    "outcome": RESULT_MAX_LENGTH,
    "learning": TEXT_MAX_LENGTH,
}


class Refused(Exception):
    """A row (or the file) that cannot be imported; its message is the Danish reason."""


class _Abort(Exception):
    """Rows were refused while importing all or nothing: undo every row."""


def parse(text: str) -> list[dict[str, Any]]:
    """The file's rows, each keyed by the export's JSON keys."""
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise Refused(
                _("Filen er ikke gyldig JSON (linje %(line)d).") % {"line": exc.lineno}
            ) from None
        rows = data.get("experiments") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise Refused(
                _("JSON-filen skal være en liste med ét objekt pr. eksperiment, som eksporten.")
            )
        return rows
    if not stripped:
        raise Refused(_("Filen er tom."))
    first = stripped.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(stripped), delimiter=";" if ";" in first else ",")
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise Refused(_("CSV-filen kan ikke læses: %(error)s") % {"error": exc}) from None
    known = exports.headers()
    keys = [known.get(h.strip().casefold(), "") for h in lines[0]]
    missing = [k for k in (*TEXTS, "zone") if k not in keys]
    if missing:
        labels = {key: header for header, key in known.items() if header != key}
        raise Refused(
            _("Filen mangler kolonnerne %(columns)s. Brug samme format som eksporten.")
            % {"columns": ", ".join(f"»{labels.get(k, k)}«" for k in missing)}
        )
    return [
        {key: restore_cell(cell) for key, cell in zip(keys, line, strict=False) if key}
        for line in lines[1:]
        if any(cell.strip() for cell in line)
    ]


def _cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _date(value: str) -> date | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise Refused(
        _("Datoen for næste opfølgning »%(value)s« er ikke en dato. Skriv fx 2026-03-01.")
        % {"value": value[:40]}
    )


def _zone(value: str) -> int:
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 5):  # noqa: PLR2004
        raise Refused(_("Zonen skal være et tal fra 1 til 5 (zonerne i Stacey-matricen)."))
    return int(value)


def _status(value: str) -> str:
    if not value:
        return Status.RUNNING
    # The export writes the word in the language of the person who made it.
    labels: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.update({str(label).casefold(): code for code, label in Status.choices})
    found = value if value in Status.values else labels.get(value.casefold())
    if found is None:
        raise Refused(
            _("Status »%(status)s« findes ikke. Brug i gang, forstærket, dæmpet eller stoppet.")
            % {"status": value[:40]}
        )
    return found


class _Importer:
    def __init__(self, municipality: Any, actor: Any, target: Any) -> None:
        self.actor = actor
        self.target = target
        self.labels = exports.labels()
        self.initiatives = (
            {} if target is not None else {i.pk: i for i in initiatives_for(actor, municipality)}
        )

    def initiative(self, row: dict[str, Any]) -> Any:
        if self.target is not None:
            return self.target
        key = _cell(row, "initiative_id")
        found = (
            self.initiatives.get(int(key))
            if key.isascii() and key.isdigit() and len(key) < 18
            else None
        )
        if found is None:
            raise Refused(
                _(
                    "Initiativ nummer »%(id)s« findes ikke her. Vælg det initiativ, "
                    "eksperimenterne skal ind i."
                )
                % {"id": key[:20]}
            )
        return found

    def write(self, row: dict[str, Any]) -> Any:
        # The service checks every text too; here a row too long says which column it is.
        for key, limit in LIMITS.items():
            if len(_cell(row, key)) > limit:
                raise Refused(
                    _("%(label)s er for lang: højst %(limit)d tegn.")
                    % {"label": self.labels[key], "limit": limit}
                )
        return services.import_experiment(
            self.initiative(row),
            self.actor,
            zone=_zone(_cell(row, "zone")),
            review_on=_date(_cell(row, "review_on")),
            status=_status(_cell(row, "status")),
            outcome=_cell(row, "outcome"),
            learning=_cell(row, "learning"),
            **{key: _cell(row, key) for key in TEXTS},  # type: ignore[arg-type]
        )


def _report(rows: int, created: int, refused: list[dict[str, Any]]) -> dict[str, Any]:
    return {"rows": rows, "created": created, "stored": created > 0, "refused": refused}


def run_import(
    municipality: Any, actor: Any, text: str, *, target: Any = None, valid_only: bool = False
) -> dict[str, Any]:
    """Import the file's experiments in one transaction. The report: rows read, experiments
    created, and each refused row (its number in the file, in a CSV file counting the header
    as row 1, and the reason). With refused rows nothing is stored unless `valid_only`."""
    try:
        rows = parse(text)
    except Refused as exc:
        return _report(0, 0, [{"row": 0, "reason": str(exc)}])
    if len(rows) > MAX_ROWS:
        message = _("Filen har for mange rækker: højst %(limit)d ad gangen.") % {"limit": MAX_ROWS}
        return _report(len(rows), 0, [{"row": 0, "reason": message}])
    if not rows:
        return _report(0, 0, [{"row": 0, "reason": _("Filen har ingen eksperimenter.")}])
    first = 1 if text.lstrip("\ufeff").lstrip().startswith(("{", "[")) else 2
    importer = _Importer(municipality, actor, target)
    refused: list[dict[str, Any]] = []
    created = 0
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=first):
                try:
                    with transaction.atomic():
                        importer.write(row)
                except (Refused, ServiceError) as exc:
                    refused.append({"row": number, "reason": str(exc)})
                else:
                    created += 1
            if refused and not valid_only:
                raise _Abort
    except _Abort:
        return _report(len(rows), 0, refused)
    return _report(len(rows), created, refused)


MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def read_upload(upload: Any) -> str:
    """An uploaded file's text (UTF-8, with or without a BOM); Refused with a Danish reason."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise Refused(_("Filen er for stor. Den må højst fylde 10 MB."))
    try:
        return bytes(upload.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(
            _("Filen er ikke gemt som UTF-8. Gem den i Excel som »CSV UTF-8«, og prøv igen.")
        ) from None


def initiatives_to_import_into(user: Any, municipality: Any) -> list[Any]:
    """The initiatives the person may design experiments in, by title."""
    return [
        i
        for i in initiatives_for(user, municipality).order_by("title", "pk")
        if user.has_perm("experiments.design_experiment", i)
    ]
