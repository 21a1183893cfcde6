"""An initiative's tables in from a file in the export's own format: the JSON export (all
tables at once) or one CSV table from Excel (initiatives, budget lines, partners,
responsibilities or commitments, told apart by their headers).

Every row is written through the services, so the rules, the audit log and the notifications
are the same as on the pages, all in one transaction: a file with refused rows stores nothing,
unless the person chose to import the valid rows (then a row that refers to a refused row is
refused too). Columns the export computes (ids, the economy) are read and left alone; the ids
only link the file's rows to each other.

A commitment's sign-off in the file is carried as a note in its history ("Godkendt af … den …
(importeret)"), never as a sign-off here; see `_Importer.signed_off_note` for why.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from samskab.accounts.models import Affiliation, Organisation
from samskab.challenges.models import Challenge
from samskab.core.errors import ServiceError
from samskab.core.exports import restore_cell
from samskab.core.validators import contains_cpr
from samskab.initiatives import services
from samskab.initiatives.exports import COLUMNS, LABELS
from samskab.initiatives.models import (
    DEFAULT_PROGRESS,
    BudgetLine,
    Commitment,
    CommitmentKind,
    Initiative,
    Partner,
    Status,
)
from samskab.municipalities.models import Space

MAX_ROWS = 20_000
# The export's tables in the order their rows depend on each other.
TABLES = ["initiatives", "budget_lines", "partners", "responsibilities", "commitments"]
TABLE_LABELS = {
    "initiatives": _lazy("Initiativer"),
    "budget_lines": _lazy("Budgetposter"),
    "partners": _lazy("Partnere"),
    "responsibilities": _lazy("Ansvar"),
    "commitments": _lazy("Tilsagn"),
}
MODELS: dict[str, Any] = {
    "initiatives": Initiative,
    "budget_lines": BudgetLine,
    "partners": Partner,
    "challenges": Challenge,
}
LIMITS = {"title": 200, "purpose": 5000, "target_group": 2000}
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


def _table_of(headers: list[str]) -> str:
    """Which of the export's tables a CSV file is, by its headers."""
    found = {h.strip().casefold() for h in headers}
    if found & {"del af arbejdet", "part"}:
        return "responsibilities"
    if found & {"type", "timepris (kr.)", "kind", "hour_rate"}:
        return "commitments"
    if found & {"initiativ", "initiative_id"}:
        if found & {"beløb (kr.)", "amount"}:
            return "budget_lines"
        if found & {"kontaktperson", "navn", "contact", "name"}:
            return "partners"
    return "initiatives"


def parse(text: str) -> dict[str, list[dict[str, Any]]]:
    """The file's tables: a JSON export (all tables, or a list of initiatives), or one CSV table
    (semicolons or commas, Danish or English headers), each as a list of rows."""
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith(("{", "[")):
        try:
            # Amounts stay Decimal: a float would already have lost the øre.
            data = json.loads(stripped, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise _Refused(
                _("Filen er ikke gyldig JSON (linje %(line)d).") % {"line": exc.lineno}
            ) from None
        tables = data if isinstance(data, dict) else {"initiatives": data}
        found = {t: tables.get(t, []) for t in TABLES}
        if not any(found.values()) and not isinstance(tables.get("initiatives"), list):
            raise _Refused(
                _("JSON-filen skal have en liste »initiatives« med ét objekt pr. række.")
            )
        for rows in found.values():
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise _Refused(
                    _("JSON-filen skal have en liste »initiatives« med ét objekt pr. række.")
                )
        return found
    first = stripped.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(stripped), delimiter=";" if ";" in first else ",")
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise _Refused(_("CSV-filen kan ikke læses: %(error)s") % {"error": exc}) from None
    if not lines:
        raise _Refused(_("Filen er tom."))
    table = _table_of(lines[0])
    headers = {header: key for key, header in COLUMNS[table]}
    keys = [headers.get(h.strip().casefold(), h.strip()) for h in lines[0]]
    if table == "initiatives" and "title" not in keys:
        raise _Refused(_("Filen mangler kolonnen »titel«."))
    rows = [
        {key: restore_cell(cell) for key, cell in zip(keys, line, strict=False)}
        for line in lines[1:]
        if any(cell.strip() for cell in line)
    ]
    return {t: rows if t == table else [] for t in TABLES}


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


def _create(
    row: Row, actor: Any, parent: Initiative | None, challenge: Challenge | None
) -> Initiative:
    created = services.create_initiative(
        actor,
        space=row.space,
        title=row.title,
        purpose=row.purpose,
        target_group=row.target_group,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        parent=parent,
        challenge=challenge,
    )
    default = DEFAULT_PROGRESS.get(row.status, 0)
    if row.status != created.status or (row.progress is not None and row.progress != default):
        services.set_status(created, actor, status=row.status, progress=row.progress)
    return created


def _cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


_GROUPED = re.compile(r"-?\d{1,3}(\.\d{3})+")


def _number(row: dict[str, Any], key: str, *, danish: bool) -> str | None:
    """An amount as text for the services, which check it: in a CSV file a decimal comma and
    perhaps thousands points (Danish Excel's "100.000" is a hundred thousand), in JSON a point."""
    text = _cell(row, key).replace(" ", "").replace("\xa0", "")
    if not text:
        return None
    if danish and ("," in text or _GROUPED.fullmatch(text)):
        text = text.replace(".", "").replace(",", ".")
    return text


def _yes(row: dict[str, Any], key: str) -> bool:
    value = row.get(key)
    if isinstance(value, bool):
        return value
    return _cell(row, key).casefold() in {"ja", "yes", "true", "1", str(_("ja")).casefold()}


def _code(row: dict[str, Any], key: str) -> str:
    """A code column: the code itself (JSON) or its Danish label (CSV)."""
    text = _cell(row, key)
    codes = {str(label).casefold(): code for code, label in LABELS[key].items()}
    return text if text in LABELS[key] else codes.get(text.casefold(), text)


class _Importer:
    """One file's rows, written through the services in the order they depend on each other.
    The ids in the file are the export's: a row refers to another row of the file by its id,
    or, when the file does not have that table, to what already exists in the municipality."""

    def __init__(self, municipality: Any, actor: Any, *, danish: bool) -> None:
        self.danish = danish
        self.municipality = municipality
        self.actor = actor
        self.refused: list[dict[str, Any]] = []
        self.counts = dict.fromkeys(TABLES, 0)
        # The file's id -> what it became; None for a refused row.
        self.made: dict[str, dict[str, Any]] = {t: {} for t in [*TABLES, "challenges"]}
        self.organisations: dict[str, list[Organisation]] = {}
        for org in Organisation.objects.filter(municipality=municipality):
            self.organisations.setdefault(org.name.casefold(), []).append(org)
        self.people: dict[str, Any] = {}
        self.signoffs_noted = 0

    def refuse(self, table: str, number: int, reason: str) -> None:
        self.refused.append({"table": str(TABLE_LABELS[table]), "row": number, "reason": reason})

    def sort(self) -> None:
        order = {str(TABLE_LABELS[t]): i for i, t in enumerate(TABLES)}
        self.refused.sort(key=lambda r: (order.get(r["table"], -1), r["row"]))

    def run(self, table: str, number: int, row: dict[str, Any], write: Any) -> Any:
        """One row in its own savepoint; a refused row is reported and remembered as None."""
        key = _cell(row, "id")
        try:
            with transaction.atomic():
                made = write(row)
        except (_Refused, ServiceError) as exc:
            self.refuse(table, number, str(exc))
            made = None
        else:
            self.counts[table] += 1
        if key:
            self.made[table][key] = made
        return made

    def _ref(self, table: str, key: str, label: str) -> Any:
        if key in self.made[table]:
            found = self.made[table][key]
            if found is None:
                raise _Refused(
                    _("%(what)s %(id)s i filen blev afvist, så rækken kan ikke gemmes.")
                    % {"what": label, "id": key[:20]}
                )
            return found
        model = MODELS[table]
        found = (
            model.objects.filter(municipality=self.municipality, pk=int(key)).first()
            if key.isascii() and key.isdigit() and len(key) <= 18  # within a bigint
            else None
        )
        if found is None:
            raise _Refused(_("%(what)s »%(id)s« findes ikke.") % {"what": label, "id": key[:20]})
        return found

    def number(self, row: dict[str, Any], key: str) -> str | None:
        return _number(row, key, danish=self.danish)

    def initiative(self, row: dict[str, Any]) -> Initiative:
        found: Initiative = self._ref("initiatives", _cell(row, "initiative_id"), _("Initiativet"))
        return found

    def partner(self, row: dict[str, Any], initiative: Initiative) -> Partner:
        partner: Partner = self._ref("partners", _cell(row, "partner_id"), _("Partneren"))
        if partner.initiative_id != initiative.pk:
            raise _Refused(_("Partneren er ikke med i initiativet."))
        return partner

    def person(self, email: str) -> Any:
        key = email.casefold()
        if key not in self.people:
            self.people[key] = get_user_model().objects.filter(email__iexact=email).first()
        if self.people[key] is None:
            raise _Refused(_("Der er ingen bruger med e-mailen »%(email)s«.") % {"email": email})
        return self.people[key]

    def contact(self, text: str, organisation: Organisation | None) -> Any:
        """By e-mail; the export's public name is found among the organisation's people,
        and an empty cell means the person importing."""
        if "@" in text:
            return self.person(text)
        if not text or text == self.actor.public_name:
            return self.actor
        if organisation is not None:
            named = [
                a.person
                for a in Affiliation.objects.filter(organisation=organisation).select_related(
                    "person"
                )
                if a.person.public_name == text
            ]
            if len(named) == 1:
                return named[0]
        raise _Refused(
            _("Kontaktpersonen »%(name)s« kan ikke findes. Skriv personens e-mail.")
            % {"name": text[:60]}
        )

    def _optional(self, table: str, key: str, label: str) -> Any:
        """What an optional link refers to, or None: an id from another municipality's export
        is simply not there, and the row is imported without the link."""
        try:
            return self._ref(table, key, label) if key else None
        except _Refused:
            if key in self.made[table]:
                raise
            return None

    def write_initiative(self, checked: Row, row: dict[str, Any]) -> Initiative:
        parent = self._optional(
            "initiatives", _cell(row, "parent_id"), _("Det overordnede initiativ")
        )
        challenge = self._optional("challenges", _cell(row, "challenge_id"), "")
        if challenge is not None and challenge.space_id != checked.space.pk:
            challenge = None
        return _create(checked, self.actor, parent, challenge)

    def write_budget_line(self, row: dict[str, Any]) -> BudgetLine:
        return services.add_budget_line(
            self.initiative(row),
            self.actor,
            title=_cell(row, "title"),
            amount=self.number(row, "amount"),  # type: ignore[arg-type]
        )

    def write_partner(self, row: dict[str, Any]) -> Partner:
        initiative = self.initiative(row)
        name = _cell(row, "name")
        organisation, person = None, None
        if "@" in name:
            person = self.person(name)
        elif name and name == self.actor.public_name:
            person = self.actor
        else:
            found = self.organisations.get(name.casefold(), [])
            if len(found) != 1:
                raise _Refused(
                    _(
                        "Organisationen »%(name)s« findes ikke i kommunen. En person, der "
                        "deltager på egen hånd, skrives med sin e-mail."
                    )
                    % {"name": name[:60]}
                )
            organisation = found[0]
        return services.add_partner(
            initiative,
            self.actor,
            organisation=organisation,
            person=person,
            contact=self.contact(_cell(row, "contact"), organisation),
        )

    def write_commitment(self, row: dict[str, Any]) -> Commitment:
        initiative = self.initiative(row)
        partner = self.partner(row, initiative)
        kind = _code(row, "kind")
        line_title = _cell(row, "budget_line")
        line = None
        if line_title:
            line = next(
                (
                    b
                    for b in [*self.made["budget_lines"].values(), *initiative.budget_lines.all()]
                    if b is not None and b.initiative_id == initiative.pk and b.title == line_title
                ),
                None,
            )
            if line is None:
                raise _Refused(
                    _("Budgetposten »%(title)s« findes ikke i initiativet.")
                    % {"title": line_title[:60]}
                )
        note = self.signed_off_note(row)
        commitment = services.commit(
            initiative,
            self.actor,
            partner=partner,
            kind=kind,
            quantity=self.number(row, "planned_quantity"),  # type: ignore[arg-type]
            hour_rate=self.number(row, "hour_rate"),  # type: ignore[arg-type]
            budget_line=line,
            description=_cell(row, "description"),
            valuation_rule=_cell(row, "valuation_rule"),
            note=note,
        )
        if note:
            self.signoffs_noted += 1
        actual = self.number(row, "actual_quantity")
        if actual is None and kind != CommitmentKind.HOURS:
            actual = self.number(row, "actual_value")
        if actual is not None:
            services.record_actual(commitment, self.actor, quantity=actual)  # type: ignore[arg-type]
        if _yes(row, "withdrawn"):
            services.withdraw_commitment(
                commitment, self.actor, reason=_("Trukket tilbage i den importerede fil.")
            )
        return commitment

    def signed_off_note(self, row: dict[str, Any]) -> str:
        """What the file says about a sign-off, as a note for the commitment's history.

        A sign-off is a leader's own statement, made in Samskab, that the figures are right,
        and never by the one who committed. A file cannot prove who made it: anyone who has the
        file can edit it, and the export names the signer by public name only (never e-mail),
        which need not be unique nor belong to anyone here. Turning it into a sign-off would
        let the importer sign in another person's name (and here the importer is the one who
        commits, who may not sign off). So the import neither refuses the row (the commitment
        itself is good) nor signs: it keeps who approved it and when, in the file, as a note
        on the first step of the history, and a leader here signs off again if it should be.
        """
        if not _yes(row, "signed_off"):
            return ""
        signer = _cell(row, "signed_off_by")[:100] or _("ukendt")
        when = _date(row.get("signed_off_on"), _("Godkendt den"))
        if when is None:
            return _(
                "Godkendt af %(name)s (importeret). Godkendelsen er ikke overført: en leder "
                "her skal godkende tilsagnet igen."
            ) % {"name": signer}
        return _(
            "Godkendt af %(name)s den %(date)s (importeret). Godkendelsen er ikke overført: "
            "en leder her skal godkende tilsagnet igen."
        ) % {"name": signer, "date": formats.date_format(when, "j. F Y")}

    def write_parts(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """A part of the work is all the rows with its initiative and title: one matrix."""
        parts: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
        for number, row in rows:
            parts.setdefault((_cell(row, "initiative_id"), _cell(row, "part")), []).append(
                (number, row)
            )
        for (_key, title), group in parts.items():
            numbers = ", ".join(str(n) for n, _row in group)
            try:
                with transaction.atomic():
                    initiative = self.initiative(group[0][1])
                    assignments = {
                        self.partner(row, initiative): _code(row, "role") for _n, row in group
                    }
                    services.set_part(initiative, self.actor, title=title, assignments=assignments)
            except (_Refused, ServiceError) as exc:
                reason = _("%(reason)s (delen »%(part)s«, rækkerne %(rows)s)") % {
                    "reason": exc,
                    "part": title[:60],
                    "rows": numbers,
                }
                for number, _row in group:
                    self.refuse("responsibilities", number, reason)
            else:
                self.counts["responsibilities"] += len(group)


def _failed(rows: int, message: str) -> dict[str, Any]:
    return {
        "rows": rows,
        "created": 0,
        "counts": dict.fromkeys(TABLES, 0),
        "stored": False,
        "refused": [{"table": "", "row": 0, "reason": message}],
    }


def run_import(
    municipality: Any, actor: Any, default_space: Space, text: str, *, valid_only: bool
) -> dict[str, Any]:
    """Import the file's tables in one transaction. The report: rows read, initiatives
    created, rows stored per table, and each refused row (its table, its number in the file –
    in a CSV file counting the header as row 1 – and the reason). A file with refused rows
    stores nothing unless `valid_only`; then it stores the valid rows whose linked rows are
    valid too."""
    try:
        tables = parse(text)
    except _Refused as exc:
        return _failed(0, str(exc))
    # A CSV file's first row is its header; a JSON table counts its objects from 1.
    first = 1 if text.lstrip("\ufeff").lstrip().startswith(("{", "[")) else 2
    total = sum(len(rows) for rows in tables.values())
    if total > MAX_ROWS:
        message = _("Filen har for mange rækker: højst %(limit)d ad gangen.") % {"limit": MAX_ROWS}
        return _failed(total, message)
    importer = _Importer(municipality, actor, danish=first == 2)
    spaces = {s.slug: s for s in Space.objects.filter(municipality=municipality)}
    checked: list[tuple[Row, dict[str, Any]]] = []
    for index, row in enumerate(tables["initiatives"], start=first):
        try:
            checked.append((check_row(index, row, spaces, default_space, actor), row))
        except _Refused as exc:
            importer.refuse("initiatives", index, str(exc))
            if _cell(row, "id"):
                importer.made["initiatives"][_cell(row, "id")] = None
    report: dict[str, Any] = {
        "rows": total,
        "created": 0,
        "counts": importer.counts,
        "stored": False,
        "refused": importer.refused,
    }
    try:
        with transaction.atomic():
            for good, row in checked:
                importer.run(
                    "initiatives",
                    good.number,
                    row,
                    lambda row, good=good: importer.write_initiative(good, row),
                )
            for table, write in (
                ("budget_lines", importer.write_budget_line),
                ("partners", importer.write_partner),
            ):
                for index, row in enumerate(tables[table], start=first):
                    importer.run(table, index, row, write)
            importer.write_parts(list(enumerate(tables["responsibilities"], start=first)))
            for index, row in enumerate(tables["commitments"], start=first):
                importer.run("commitments", index, row, importer.write_commitment)
            if importer.refused and not valid_only:
                raise _Abort
    except _Abort:
        importer.counts.update(dict.fromkeys(TABLES, 0))
        importer.sort()
        return report
    importer.sort()
    stored = sum(importer.counts.values())
    report.update(
        created=importer.counts["initiatives"],
        stored=stored > 0,
        signoffs_noted=importer.signoffs_noted,
    )
    return report
