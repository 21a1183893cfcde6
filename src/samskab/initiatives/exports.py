"""Initiatives, budget lines, partners, responsibilities and commitments as open data: JSON,
and CSV that Danish Excel opens right (UTF-8 with BOM, semicolons, Danish headers, decimal comma).

The same format comes back in through `samskab.initiatives.imports`. People appear by their
public name only (the one the pages show), never by email. Amounts are Decimal all the way:
strings with a decimal point in JSON ("1234.50"), a decimal comma in CSV ("1234,50").
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from samskab.core.exports import Table, neutralise_cell, xlsx_bytes
from samskab.initiatives import services
from samskab.initiatives.models import (
    Assignment,
    BudgetLine,
    Commitment,
    CommitmentEntry,
    CommitmentKind,
    Initiative,
    Partner,
    Responsibility,
    Status,
)

# An upload larger than this is refused before it is read (thousands of rows fit easily).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Each table's columns: the JSON key and the Danish CSV header, in order.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "initiatives": [
        ("id", "id"),
        ("title", "titel"),
        ("purpose", "formål"),
        ("target_group", "målgruppe"),
        ("space", "rum"),
        ("challenge_id", "udfordring"),
        ("parent_id", "del af"),
        ("status", "status"),
        ("progress", "fremdrift (%)"),
        ("weight", "vægt"),
        ("starts_on", "start"),
        ("ends_on", "slut"),
        ("budget", "budget (kr.)"),
        ("committed", "tilsagn (kr.)"),
        ("spent", "forbrug (kr.)"),
        ("gap", "mangler (kr.)"),
    ],
    "budget_lines": [
        ("id", "id"),
        ("initiative_id", "initiativ"),
        ("title", "titel"),
        ("amount", "beløb (kr.)"),
    ],
    "partners": [
        ("id", "id"),
        ("initiative_id", "initiativ"),
        ("name", "navn"),
        ("organisation_id", "organisation"),
        ("contact", "kontaktperson"),
        ("is_municipal", "kommunal"),
    ],
    "responsibilities": [
        ("initiative_id", "initiativ"),
        ("part", "del af arbejdet"),
        ("partner_id", "partner"),
        ("role", "rolle"),
    ],
    "commitments": [
        ("id", "id"),
        ("initiative_id", "initiativ"),
        ("partner_id", "partner"),
        ("budget_line", "budgetpost"),
        ("kind", "type"),
        ("description", "beskrivelse"),
        ("valuation_rule", "værdiansættelse"),
        ("planned_quantity", "planlagt mængde"),
        ("hour_rate", "timepris (kr.)"),
        ("planned_value", "planlagt (kr.)"),
        ("actual_quantity", "faktisk mængde"),
        ("actual_value", "faktisk (kr.)"),
        ("withdrawn", "trukket tilbage"),
        ("signed_off", "godkendt"),
        ("signed_off_by", "godkendt af"),
        ("signed_off_on", "godkendt den"),
    ],
}
CSV_TABLES = {
    "initiativer.csv": "initiatives",
    "budget.csv": "budget_lines",
    "partnere.csv": "partners",
    "ansvar.csv": "responsibilities",
    "tilsagn.csv": "commitments",
}
# The columns whose values are codes: CSV shows the Danish label, JSON the code.
LABELS: dict[str, dict[str, str]] = {
    "status": dict(Status.choices),
    "role": dict(Responsibility.choices),
    "kind": dict(CommitmentKind.choices),
}


def money(value: Decimal | None) -> str | None:
    """An amount for JSON: a string with two decimals ("1234.50"), never a float."""
    return None if value is None else f"{value.quantize(Decimal('0.01')):f}"


def partner_name(partner: Partner) -> str:
    """An organisation by its name, a person taking part on their own by their public name."""
    if partner.organisation is not None:
        return partner.organisation.name
    if partner.person is not None:
        return partner.person.public_name
    return _("Slettet deltager")


def _newest_entries(commitments: list[Commitment]) -> dict[int, CommitmentEntry]:
    """Each commitment's newest entry, carrying its newest sign-off (`signed_off`: that entry,
    whose `by` and `at` say who approved it and when) if it has one."""
    newest: dict[int, CommitmentEntry] = {}
    signed: dict[int, CommitmentEntry] = {}
    for entry in (
        CommitmentEntry.objects.filter(commitment__in=commitments)
        .select_related("by")
        .order_by("commitment_id", "seq")
    ):
        newest[entry.commitment_id] = entry
        if entry.action == "signed_off":
            signed[entry.commitment_id] = entry
    for key, entry in signed.items():
        newest[key].signed_off = entry  # type: ignore[attr-defined]
    return newest


def export_data(initiatives: list[Initiative]) -> dict[str, list[dict[str, Any]]]:
    """The four tables for these initiatives, in a constant number of queries."""
    found = services.economies(initiatives)
    partners = list(
        Partner.objects.filter(initiative__in=initiatives)
        .select_related("organisation", "person", "contact")
        .order_by("initiative_id", "pk")
    )
    assignments = list(
        Assignment.objects.filter(part__initiative__in=initiatives)
        .select_related("part")
        .order_by("part__initiative_id", "part_id", "pk")
    )
    commitments = list(
        Commitment.objects.filter(initiative__in=initiatives)
        .select_related("budget_line")
        .order_by("initiative_id", "pk")
    )
    lines = list(
        BudgetLine.objects.filter(initiative__in=initiatives).order_by("initiative_id", "pk")
    )
    newest = _newest_entries(commitments)
    rows: list[dict[str, Any]] = []
    for i in sorted(initiatives, key=lambda i: i.pk):
        economy = found[i.pk]
        rows.append(
            {
                "id": i.pk,
                "title": i.title,
                "purpose": i.purpose,
                "target_group": i.target_group,
                "space": i.space.slug,
                "challenge_id": i.challenge_id,
                "parent_id": i.parent_id,
                "status": i.status,
                "progress": i.progress,
                "weight": money(i.weight),
                "starts_on": i.starts_on.isoformat() if i.starts_on else None,
                "ends_on": i.ends_on.isoformat() if i.ends_on else None,
                "budget": money(economy.budget),
                "committed": money(economy.committed),
                "spent": money(economy.spent),
                "gap": money(economy.gap),
            }
        )
    return {
        "initiatives": rows,
        "budget_lines": [
            {
                "id": b.pk,
                "initiative_id": b.initiative_id,
                "title": b.title,
                "amount": money(b.amount),
            }
            for b in lines
        ],
        "partners": [
            {
                "id": p.pk,
                "initiative_id": p.initiative_id,
                "name": partner_name(p),
                "organisation_id": p.organisation_id,
                "contact": p.contact.public_name if p.contact else "",
                "is_municipal": p.is_municipal,
            }
            for p in partners
        ],
        "responsibilities": [
            {
                "initiative_id": a.part.initiative_id,
                "part": a.part.title,
                "partner_id": a.partner_id,
                "role": a.role,
            }
            for a in assignments
        ],
        "commitments": [_commitment_row(c, newest.get(c.pk)) for c in commitments],
    }


def _commitment_row(c: Commitment, entry: CommitmentEntry | None) -> dict[str, Any]:
    signed: CommitmentEntry | None = getattr(entry, "signed_off", None)
    return {
        "id": c.pk,
        "initiative_id": c.initiative_id,
        "partner_id": c.partner_id,
        "budget_line": c.budget_line.title if c.budget_line else "",
        "kind": c.kind,
        "description": c.description,
        "valuation_rule": c.valuation_rule,
        "planned_quantity": money(entry.planned_quantity) if entry else None,
        "hour_rate": money(entry.hour_rate) if entry else None,
        "actual_quantity": money(entry.actual_quantity) if entry else None,
        "planned_value": money(entry.planned_value) if entry else None,
        "actual_value": money(entry.actual_value) if entry else None,
        "withdrawn": bool(entry and entry.withdrawn),
        "signed_off": signed is not None,
        # Who approved it by their public name, as the pages show it: an import cannot verify
        # a person by it, and carries it as a note (see samskab.initiatives.imports).
        "signed_off_by": (signed.by.public_name if signed.by else _("Slettet bruger"))
        if signed is not None
        else "",
        "signed_off_on": timezone.localdate(signed.at).isoformat() if signed is not None else None,
    }


def _csv_value(key: str, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if key in LABELS:
        return str(LABELS[key].get(value, value))
    if key in DECIMAL_COLUMNS:
        return value.replace(".", ",")
    return neutralise_cell(value)


DECIMAL_COLUMNS = frozenset(
    {
        "weight",
        "budget",
        "committed",
        "spent",
        "gap",
        "planned_quantity",
        "hour_rate",
        "planned_value",
        "actual_quantity",
        "actual_value",
        "amount",
    }
)


def rows_csv(table: str, rows: list[dict[str, Any]]) -> bytes:
    """One table as Danish Excel reads it: BOM, semicolons, Danish headers, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    columns = COLUMNS[table]
    writer.writerow([header for _key, header in columns])
    for row in rows:
        writer.writerow([_csv_value(key, row.get(key)) for key, _header in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_csv(fmt: str, initiatives: list[Initiative]) -> bytes:
    table = CSV_TABLES[fmt]
    return rows_csv(table, export_data(initiatives)[table])


# -- the same tables as an .xlsx workbook (`core.exports`): numbers and dates as such -----------

XLSX_TABLES = {name.replace(".csv", ".xlsx"): table for name, table in CSV_TABLES.items()}
ALL_XLSX = "alle.xlsx"
DATE_COLUMNS = frozenset({"starts_on", "ends_on", "signed_off_on"})


def _sheet_titles() -> dict[str, str]:
    return {
        "initiatives": _("Initiativer"),
        "budget_lines": _("Budget"),
        "partners": _("Partnere"),
        "responsibilities": _("Ansvar"),
        "commitments": _("Tilsagn"),
    }


def _sheet_value(key: str, value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if key in LABELS:
        return str(LABELS[key].get(value, value))
    if key in DECIMAL_COLUMNS:
        return Decimal(value)
    if key in DATE_COLUMNS:
        return date.fromisoformat(value)
    return value


def sheet(table: str, rows: list[dict[str, Any]]) -> Table:
    columns = COLUMNS[table]
    return Table(
        title=_sheet_titles()[table],
        headers=[header for _key, header in columns],
        rows=[[_sheet_value(key, row.get(key)) for key, _header in columns] for row in rows],
    )


def workbook(fmt: str, initiatives: list[Initiative]) -> bytes:
    """One table (`initiativer.xlsx`, …) or all of them (`alle.xlsx`), a sheet each."""
    data = export_data(initiatives)
    tables = list(COLUMNS) if fmt == ALL_XLSX else [XLSX_TABLES[fmt]]
    return xlsx_bytes(*[sheet(table, data[table]) for table in tables])


def read_upload(upload: Any) -> str:
    """An uploaded file's text (UTF-8, with or without a BOM); ValueError with a Danish reason."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValueError(_("Filen er for stor. Den må højst fylde 10 MB."))
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            _("Filen er ikke gemt som UTF-8. Gem den i Excel som »CSV UTF-8«, og prøv igen.")
        ) from None
