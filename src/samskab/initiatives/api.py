"""Initiatives over the API: the same access helpers, forms and services as the pages.

Amounts are strings with two decimals ("1234.50"): a JSON number would be read as a float.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from ninja import Router, Schema, Status
from ninja.security import django_auth

from samskab.analysis.economy import Economy
from samskab.initiatives import exports, forms, services
from samskab.initiatives.access import (
    get_initiative_or_404,
    initiatives_for,
    spaces_to_start_in,
)
from samskab.initiatives.import_tasks import import_initiatives
from samskab.initiatives.models import BudgetLine, Milestone, Partner, WorkPart
from samskab.municipalities.access import municipality_scope

router = Router(tags=["initiatives"])
M = "/municipalities/{code}/initiatives"
money = exports.money
partner_name = exports.partner_name


class Totals(Schema):
    budget: str
    committed: str
    spent: str
    gap: str


class InitiativeOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    progress: int
    space: str
    parent_id: int | None
    challenge_id: int | None
    starts_on: date | None
    ends_on: date | None
    url: str
    economy: Totals


class PartnerTotals(Schema):
    partner_id: int
    committed: str
    spent: str


class LineTotals(Schema):
    line_id: int
    title: str
    amount: str
    approved: bool
    committed: str
    spent: str


class EconomyOut(Schema):
    budget: str
    committed: str
    spent: str
    gap: str
    municipal: str
    external: str
    unassigned_committed: str
    per_partner: list[PartnerTotals]
    per_line: list[LineTotals]
    valuation_rules: dict[str, list[str]]


class PartnerOut(Schema):
    id: int
    name: str
    organisation_id: int | None
    contact: str
    is_municipal: bool
    agreement_signed: bool


class AssignmentOut(Schema):
    partner_id: int
    role: str


class PartOut(Schema):
    id: int
    title: str
    description: str
    assignments: list[AssignmentOut]


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date
    reached_on: date | None


class InitiativeDetailOut(InitiativeOut):
    purpose: str
    target_group: str
    idea_ids: list[int]
    partners: list[PartnerOut]
    parts: list[PartOut]
    milestones: list[MilestoneOut]
    economy_detail: EconomyOut


class InitiativeIn(Schema):
    space: str
    title: str
    purpose: str = ""
    target_group: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


class StatusIn(Schema):
    status: str
    progress: int | None = None
    note: str = ""


class ImportIn(Schema):
    space: str
    valid_only: bool = False
    initiatives: list[dict[str, Any]]


class RefusedRow(Schema):
    row: int
    reason: str


class ImportReport(Schema):
    rows: int
    created: int
    stored: bool
    refused: list[RefusedRow]


class Message(Schema):
    detail: Any


def _totals(e: Economy) -> dict[str, str]:
    return {
        "budget": money(e.budget),
        "committed": money(e.committed),
        "spent": money(e.spent),
        "gap": money(e.gap),
    }


def _summary(i: Any, e: Economy) -> dict[str, Any]:
    return {
        "id": i.pk,
        "title": i.title,
        "status": i.status,
        "status_label": i.get_status_display(),
        "progress": i.progress,
        "space": i.space.slug,
        "parent_id": i.parent_id,
        "challenge_id": i.challenge_id,
        "starts_on": i.starts_on,
        "ends_on": i.ends_on,
        "url": i.get_absolute_url(),
        "economy": _totals(e),
    }


def _economy(initiative: Any) -> dict[str, Any]:
    e = services.economy(initiative)
    lines = BudgetLine.objects.filter(initiative=initiative)
    return {
        **_totals(e),
        "municipal": money(e.municipal),
        "external": money(e.external),
        "unassigned_committed": money(e.unassigned.committed),
        "per_partner": [
            {"partner_id": k, "committed": money(t.committed), "spent": money(t.spent)}
            for k, t in sorted(e.per_partner.items())
        ],
        "per_line": [
            {
                "line_id": line.pk,
                "title": line.title,
                "amount": money(line.amount),
                "approved": line.approved_at is not None,
                "committed": money(e.per_line[line.pk].committed),
                "spent": money(e.per_line[line.pk].spent),
            }
            for line in lines
            if line.pk in e.per_line
        ],
        "valuation_rules": {kind: list(found) for kind, found in e.valuation_rules.items()},
    }


@router.get(M, response=list[InitiativeOut])
def list_initiatives(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Every initiative the person may see, with status, progress and economy totals."""
    with municipality_scope(code) as municipality:
        found = list(initiatives_for(request.user, municipality))
        economies = services.economies(found)
        return [_summary(i, economies[i.pk]) for i in found]


@router.get(M + "/export")
def export(request: HttpRequest, code: str) -> dict[str, Any]:
    """Initiatives, partners, responsibilities and commitments: the format the import reads."""
    with municipality_scope(code) as municipality:
        return exports.export_data(list(initiatives_for(request.user, municipality)))


@router.post(
    M + "/import", auth=django_auth, response={200: ImportReport, 202: Message, 400: ImportReport}
)
def import_json(request: HttpRequest, code: str, payload: ImportIn) -> Any:
    """The export's `initiatives` list back in; with refused rows nothing is stored unless
    `valid_only` is true. Runs as a background task; the report says what happened."""
    with municipality_scope(code) as municipality:
        spaces = spaces_to_start_in(request.user, municipality)
        space = next((s for s in spaces if s.slug == payload.space), None)
        if space is None:
            refused = [{"row": 0, "reason": _no_space()}]
            return Status(400, {"rows": 0, "created": 0, "stored": False, "refused": refused})
        result = import_initiatives.enqueue(
            municipality_id=municipality.pk,
            actor_id=request.user.pk,
            space_id=space.pk,
            text=json.dumps({"initiatives": payload.initiatives}, ensure_ascii=False),
            valid_only=payload.valid_only,
            language=get_language(),
        )
        if not result.is_finished:
            return Status(202, {"detail": result.id})
        if result.status != TaskResultStatus.SUCCESSFUL:
            failed = [{"row": 0, "reason": _("Importen gik galt, og intet blev gemt.")}]
            return Status(400, {"rows": 0, "created": 0, "stored": False, "refused": failed})
        report = result.return_value
        return Status(200 if report["stored"] or not report["refused"] else 400, report)


@router.get(M + "/{initiative_id}", response=InitiativeDetailOut)
def get_initiative(request: HttpRequest, code: str, initiative_id: int) -> dict[str, Any]:
    with municipality_scope(code) as municipality:
        found = get_initiative_or_404(request.user, municipality, initiative_id)
        partners = Partner.objects.filter(initiative=found).select_related(
            "organisation", "person", "contact", "agreement"
        )
        detail = _economy(found)
        return {
            **_summary(found, services.economy(found)),
            "purpose": found.purpose,
            "target_group": found.target_group,
            "idea_ids": sorted(
                found.idea_links.filter(idea__visibility="visible").values_list(
                    "idea_id", flat=True
                )
            ),
            "partners": [
                {
                    "id": p.pk,
                    "name": partner_name(p),
                    "organisation_id": p.organisation_id,
                    "contact": p.contact.public_name if p.contact else "",
                    "is_municipal": p.is_municipal,
                    "agreement_signed": _signed(p),
                }
                for p in partners
            ],
            "parts": [
                {
                    "id": part.pk,
                    "title": part.title,
                    "description": part.description,
                    "assignments": [
                        {"partner_id": a.partner_id, "role": a.role} for a in part.assignments.all()
                    ],
                }
                for part in WorkPart.objects.filter(initiative=found).prefetch_related(
                    "assignments"
                )
            ],
            "milestones": [
                {"id": m.pk, "title": m.title, "due_on": m.due_on, "reached_on": m.reached_on}
                for m in Milestone.objects.filter(initiative=found)
            ],
            "economy_detail": detail,
        }


def _signed(partner: Partner) -> bool:
    try:
        agreement = partner.agreement
    except ObjectDoesNotExist:
        return False
    return bool(agreement.signed_for_municipality_at and agreement.signed_for_partner_at)


@router.get(M + "/{initiative_id}/economy", response=EconomyOut)
def get_economy(request: HttpRequest, code: str, initiative_id: int) -> dict[str, Any]:
    with municipality_scope(code) as municipality:
        return _economy(get_initiative_or_404(request.user, municipality, initiative_id))


@router.post(
    M, auth=django_auth, response={201: InitiativeOut, 400: Message, 403: Message, 404: Message}
)
def create_initiative(request: HttpRequest, code: str, payload: InitiativeIn) -> Any:
    with municipality_scope(code) as municipality:
        spaces = spaces_to_start_in(request.user, municipality)
        space = next((s for s in spaces if s.slug == payload.space), None)
        form = forms.InitiativeForm(
            {
                "title": payload.title,
                "purpose": payload.purpose,
                "target_group": payload.target_group,
                "starts_on": payload.starts_on or "",
                "ends_on": payload.ends_on or "",
            }
        )
        if not form.is_valid():
            return Status(400, {"detail": form.errors.get_json_data()})
        if space is None:
            return Status(400, {"detail": {"space": [{"message": _no_space()}]}})
        created = services.create_initiative(request.user, space=space, **form.cleaned_data)
        return Status(201, _summary(created, services.economy(created)))


def _no_space() -> str:
    return _("Rummet findes ikke, eller du må ikke oprette initiativer i det.")


@router.post(
    M + "/{initiative_id}/status",
    auth=django_auth,
    response={200: InitiativeOut, 400: Message, 403: Message},
)
def set_status(request: HttpRequest, code: str, initiative_id: int, payload: StatusIn) -> Any:
    with municipality_scope(code) as municipality:
        found = get_initiative_or_404(request.user, municipality, initiative_id)
        progress = "" if payload.progress is None else payload.progress
        form = forms.StatusForm(
            {"status": payload.status, "progress": progress, "note": payload.note}
        )
        if not form.is_valid():
            return Status(400, {"detail": form.errors.get_json_data()})
        services.set_status(found, request.user, **form.cleaned_data)
        found.refresh_from_db()
        return _summary(found, services.economy(found))
