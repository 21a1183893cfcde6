"""Initiatives over the API: the same access helpers, forms and services as the pages.

Amounts are strings with two decimals ("1234.50"): a JSON number would be read as a float.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from samskab.accounts.models import Organisation
from samskab.analysis.economy import Economy
from samskab.challenges.models import Idea
from samskab.core.errors import ServiceError
from samskab.initiatives import exports, forms, services
from samskab.initiatives.access import (
    get_budget_line_or_404,
    get_commitment_or_404,
    get_initiative_or_404,
    get_milestone_or_404,
    get_part_or_404,
    get_partner_or_404,
    initiatives_for,
    spaces_to_start_in,
)
from samskab.initiatives.import_tasks import import_initiatives
from samskab.initiatives.models import (
    BudgetLine,
    Commitment,
    Document,
    Initiative,
    Milestone,
    Partner,
    WorkPart,
)
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
    # The export's other tables, optional: `GET /export` as it is comes back in whole.
    budget_lines: list[dict[str, Any]] = []
    partners: list[dict[str, Any]] = []
    responsibilities: list[dict[str, Any]] = []
    commitments: list[dict[str, Any]] = []


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
            text=json.dumps(
                {
                    "initiatives": payload.initiatives,
                    "budget_lines": payload.budget_lines,
                    "partners": payload.partners,
                    "responsibilities": payload.responsibilities,
                    "commitments": payload.commitments,
                },
                ensure_ascii=False,
            ),
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


# -- writes: the same forms and services as the pages -----------------------------------------
# A form checks the shape (an amount is a string with at most two decimals, a date a date) and
# the service decides who may and why not: its refusal is a 400 with the Danish reason.

C = M + "/{initiative_id}"


class MilestoneIn(Schema):
    title: str
    due_on: date
    description: str = ""


class ReachIn(Schema):
    reached_on: date


class PartnerIn(Schema):
    contact: str  # the contact person's e-mail; they must have an account
    organisation_id: int | None = None


class AgreementIn(Schema):
    purpose: str
    starts_on: date
    target_group: str = ""
    tasks: str = ""
    volunteer_boundary: str = ""
    ends_on: date | None = None
    termination: str = ""
    personal_data: str = ""
    works_with_children: bool = False
    child_certificates_checked: bool = False


class AgreementOut(Schema):
    partner_id: int
    version: int
    purpose: str
    starts_on: date
    ends_on: date | None
    signed_for_municipality: bool
    signed_for_partner: bool


class SignIn(Schema):
    side: str  # "municipality" or "partner"


class PartIn(Schema):
    title: str
    description: str = ""
    roles: dict[int, str]  # partner id → ansvarlig/bidragyder/rådgiver/informeret (its value)


class BudgetLineIn(Schema):
    title: str
    amount: str


class BudgetLineOut(Schema):
    id: int
    title: str
    amount: str
    approved: bool


class CommitmentIn(Schema):
    partner_id: int
    kind: str
    quantity: str
    hour_rate: str | None = None
    budget_line_id: int | None = None
    description: str = ""
    valuation_rule: str = ""
    evidence_id: int | None = None


class CorrectionIn(Schema):
    quantity: str
    reason: str
    hour_rate: str | None = None


class ActualIn(Schema):
    quantity: str
    reason: str = ""
    evidence_id: int | None = None


class WithdrawIn(Schema):
    reason: str


class EntryOut(Schema):
    seq: int
    action: str
    planned_quantity: str
    actual_quantity: str | None
    hour_rate: str | None
    planned_value: str
    actual_value: str | None
    withdrawn: bool
    reason: str
    by: str
    at: Any


class CommitmentOut(Schema):
    id: int
    partner_id: int
    partner: str
    kind: str
    budget_line_id: int | None
    description: str
    valuation_rule: str
    history: list[EntryOut]


def _write(schema: Any) -> dict[int, Any]:
    """The answers a write can give: what it made (200 or 201), or why not."""
    return {200: schema, 201: schema, 400: Message, 401: Message, 403: Message, 404: Message}


def _data(payload: Schema) -> dict[str, Any]:
    # Form data as the pages post it: no value is an empty field.
    return {k: "" if v is None else v for k, v in payload.dict().items()}


def _saved(form: Any, save: Any, out: Any, status: int = 200) -> Any:
    """Check the form, then let the service decide; what it made, rendered by `out`."""
    if not form.is_valid():
        return Status(400, {"detail": form.errors.get_json_data()})
    return Status(status, out(save(form.cleaned_data)))


def _milestone(m: Milestone) -> dict[str, Any]:
    return {"id": m.pk, "title": m.title, "due_on": m.due_on, "reached_on": m.reached_on}


def _partner(p: Partner) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": partner_name(p),
        "organisation_id": p.organisation_id,
        "contact": p.contact.public_name if p.contact else "",
        "is_municipal": p.is_municipal,
        "agreement_signed": _signed(p),
    }


def _agreement(a: Any) -> dict[str, Any]:
    return {
        "partner_id": a.partner_id,
        "version": a.version,
        "purpose": a.purpose,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "signed_for_municipality": a.signed_for_municipality_at is not None,
        "signed_for_partner": a.signed_for_partner_at is not None,
    }


def _part(part: WorkPart) -> dict[str, Any]:
    return {
        "id": part.pk,
        "title": part.title,
        "description": part.description,
        "assignments": [
            {"partner_id": a.partner_id, "role": a.role} for a in part.assignments.all()
        ],
    }


def _line(line: BudgetLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "title": line.title,
        "amount": money(line.amount),
        "approved": line.approved_at is not None,
    }


def _commitment(item: Commitment) -> dict[str, Any]:
    return {
        "id": item.pk,
        "partner_id": item.partner_id,
        "partner": partner_name(item.partner),
        "kind": item.kind,
        "budget_line_id": item.budget_line_id,
        "description": item.description,
        "valuation_rule": item.valuation_rule,
        "history": [
            {
                "seq": e.seq,
                "action": e.action,
                "planned_quantity": money(e.planned_quantity),
                "actual_quantity": money(e.actual_quantity),
                "hour_rate": money(e.hour_rate),
                "planned_value": money(e.planned_value),
                "actual_value": money(e.actual_value),
                "withdrawn": e.withdrawn,
                "reason": e.reason,
                "by": e.by.public_name if e.by else "",
                "at": e.at,
            }
            for e in services.commitment_history(item)
        ],
    }


def _commitment_of(entry: Any) -> dict[str, Any]:
    return _commitment(entry.commitment)


def _found(request: HttpRequest, municipality: Any, initiative_id: int) -> Initiative:
    return get_initiative_or_404(request.user, municipality, initiative_id)


def _documents(found: Initiative) -> list[Document]:
    return list(Document.objects.filter(initiative=found))


@router.post(C + "/milestones", auth=django_auth, response=_write(MilestoneOut))
def add_milestone(request: HttpRequest, code: str, initiative_id: int, payload: MilestoneIn) -> Any:
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        return _saved(
            forms.MilestoneForm(_data(payload)),
            lambda data: services.add_milestone(found, request.user, **data),
            _milestone,
            201,
        )


@router.post(
    C + "/milestones/{milestone_id}/reached", auth=django_auth, response=_write(MilestoneOut)
)
def reach_milestone(
    request: HttpRequest, code: str, initiative_id: int, milestone_id: int, payload: ReachIn
) -> Any:
    with municipality_scope(code) as municipality:
        item = get_milestone_or_404(_found(request, municipality, initiative_id), milestone_id)
        return _saved(
            forms.ReachForm(_data(payload)),
            lambda data: services.reach_milestone(item, request.user, **data),
            _milestone,
        )


# -- documents and ideas ----------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    title: str
    milestone_ids: list[int]
    uploaded_by: str
    uploaded_at: datetime
    url: str  # the download, for those who may see the initiative


class IdeaLinkIn(Schema):
    idea_id: int


class IdeaLinksOut(Schema):
    initiative_id: int
    idea_ids: list[int]


def _document(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "title": d.title,
        "milestone_ids": sorted(m.pk for m in d.milestones.all()),
        "uploaded_by": d.uploaded_by.public_name if d.uploaded_by else "",
        "uploaded_at": d.uploaded_at,
        "url": reverse("initiatives:document", args=[d.municipality.slug, d.initiative_id, d.pk]),
    }


@router.get(C + "/documents", response=list[DocumentOut])
def list_documents(request: HttpRequest, code: str, initiative_id: int) -> list[dict[str, Any]]:
    """The initiative's documents, for those who may see it (the files are never public)."""
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        return [
            _document(d)
            for d in Document.objects.filter(initiative=found)
            .select_related("municipality", "uploaded_by")
            .prefetch_related("milestones")
        ]


@router.post(C + "/documents", auth=django_auth, response=_write(DocumentOut))
def add_document(
    request: HttpRequest,
    code: str,
    initiative_id: int,
    file: File[UploadedFile],
    title: Form[str],
    milestone_id: Form[int | None] = None,
) -> Any:
    """Upload a document (multipart/form-data: `title`, `file`, optionally `milestone_id`),
    with the page's form and the same service: those who run the initiative, and a partner's
    people with their evidence; at most 10 MB, pdf, docx, xlsx, odt, ods, png, jpg, txt or csv;
    only those who edit milestones may put it in a milestone."""
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        milestones = list(Milestone.objects.filter(initiative=found))
        form = forms.DocumentForm(
            {"title": title, "milestone": "" if milestone_id is None else str(milestone_id)},
            {"file": file},
            milestones=milestones,
        )
        if milestone_id is not None and not milestones:
            return Status(400, {"detail": _("Milepælen hører ikke til initiativet.")})
        return _saved(
            form,
            lambda data: services.add_document(found, request.user, **data),
            _document,
            201,
        )


@router.post(C + "/ideas", auth=django_auth, response=_write(IdeaLinksOut))
def link_idea(request: HttpRequest, code: str, initiative_id: int, payload: IdeaLinkIn) -> Any:
    """Carry one more idea forward in the initiative, for those who run it (the service's rule:
    `initiatives.manage_initiative`, and an idea the caller may see); its author and supporters
    are told, as on the pages."""
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        # Another municipality's idea, or a missing one, is refused as an idea one cannot see.
        idea = (
            Idea.objects.filter(municipality=municipality, pk=payload.idea_id)
            .select_related("challenge", "municipality")
            .first()
        )
        services.link_idea(found, request.user, idea)  # type: ignore[arg-type]
        return Status(
            201,
            {
                "initiative_id": found.pk,
                "idea_ids": sorted(
                    found.idea_links.filter(idea__visibility="visible").values_list(
                        "idea_id", flat=True
                    )
                ),
            },
        )


def _account(email: str) -> Any:
    found = get_user_model().objects.filter(email__iexact=email).first()
    if found is None:
        raise ServiceError(
            _("Der er ingen profil med den e-mail. Bed personen oprette en profil først.")
        )
    return found


@router.post(C + "/partners", auth=django_auth, response=_write(PartnerOut))
def add_partner(request: HttpRequest, code: str, initiative_id: int, payload: PartnerIn) -> Any:
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        organisations = list(Organisation.objects.filter(municipality=municipality))
        form = forms.PartnerForm(
            _data(payload) | {"organisation": payload.organisation_id or ""},
            organisations=organisations,
        )

        def save(data: dict[str, Any]) -> Partner:
            contact, organisation = _account(data["contact"]), data.get("organisation")
            # Without an organisation the contact takes part as a private person.
            alone = contact if organisation is None else None
            return services.add_partner(
                found, request.user, organisation=organisation, person=alone, contact=contact
            )

        return _saved(form, save, _partner, 201)


@router.put(C + "/partners/{partner_id}/agreement", auth=django_auth, response=_write(AgreementOut))
def save_agreement(
    request: HttpRequest, code: str, initiative_id: int, partner_id: int, payload: AgreementIn
) -> Any:
    with municipality_scope(code) as municipality:
        item = get_partner_or_404(_found(request, municipality, initiative_id), partner_id)
        return _saved(
            forms.AgreementForm(_data(payload)),
            lambda data: services.save_agreement(item, request.user, **data),
            _agreement,
        )


@router.post(
    C + "/partners/{partner_id}/agreement/sign", auth=django_auth, response=_write(AgreementOut)
)
def sign_agreement(
    request: HttpRequest, code: str, initiative_id: int, partner_id: int, payload: SignIn
) -> Any:
    with municipality_scope(code) as municipality:
        item = get_partner_or_404(_found(request, municipality, initiative_id), partner_id)
        try:
            agreement = item.agreement
        except ObjectDoesNotExist:
            raise Http404 from None
        return _saved(
            forms.SignForm(_data(payload)),
            lambda data: services.sign_agreement(agreement, request.user, **data),
            _agreement,
        )


def _set_part(
    request: HttpRequest, found: Initiative, payload: PartIn, part: WorkPart | None
) -> Any:
    partners = list(
        Partner.objects.filter(initiative=found).select_related("organisation", "person")
    )
    known = {p.pk for p in partners}
    if set(payload.roles) - known:
        return Status(400, {"detail": _("Mindst én af partnerne hører ikke til initiativet.")})
    data = {"title": payload.title, "description": payload.description}
    data |= {f"role_{pk}": role for pk, role in payload.roles.items()}
    form = forms.PartForm(data, partners=partners, show=partner_name)
    return _saved(
        form,
        lambda cleaned: services.set_part(
            found,
            request.user,
            title=cleaned["title"],
            description=cleaned["description"],
            assignments=form.assignments(),
            part=part,
        ),
        _part,
        200 if part else 201,
    )


@router.post(C + "/parts", auth=django_auth, response=_write(PartOut))
def add_part(request: HttpRequest, code: str, initiative_id: int, payload: PartIn) -> Any:
    """A part of the work with its responsibilities; exactly one partner is "ansvarlig"."""
    with municipality_scope(code) as municipality:
        return _set_part(request, _found(request, municipality, initiative_id), payload, None)


@router.put(C + "/parts/{part_id}", auth=django_auth, response=_write(PartOut))
def set_part(
    request: HttpRequest, code: str, initiative_id: int, part_id: int, payload: PartIn
) -> Any:
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        return _set_part(request, found, payload, get_part_or_404(found, part_id))


@router.post(C + "/budget-lines", auth=django_auth, response=_write(BudgetLineOut))
def add_budget_line(
    request: HttpRequest, code: str, initiative_id: int, payload: BudgetLineIn
) -> Any:
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        return _saved(
            forms.BudgetLineForm(_data(payload)),
            lambda data: services.add_budget_line(found, request.user, **data),
            _line,
            201,
        )


@router.post(
    C + "/budget-lines/{line_id}/approve", auth=django_auth, response=_write(BudgetLineOut)
)
def approve_budget_line(request: HttpRequest, code: str, initiative_id: int, line_id: int) -> Any:
    with municipality_scope(code) as municipality:
        line = get_budget_line_or_404(_found(request, municipality, initiative_id), line_id)
        return _line(services.approve_budget_line(line, request.user))


@router.post(C + "/commitments", auth=django_auth, response=_write(CommitmentOut))
def commit(request: HttpRequest, code: str, initiative_id: int, payload: CommitmentIn) -> Any:
    """A partner's commitment; the service checks that the person may commit for the partner."""
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        data = _data(payload)
        data |= {
            "partner": payload.partner_id,
            "budget_line": data.pop("budget_line_id"),
            "evidence": data.pop("evidence_id"),
        }
        form = forms.CommitmentForm(
            data,
            partners=list(
                Partner.objects.filter(initiative=found).select_related("organisation", "person")
            ),
            partner_label=partner_name,
            lines=list(BudgetLine.objects.filter(initiative=found)),
            documents=_documents(found),
        )
        return _saved(
            form, lambda cleaned: services.commit(found, request.user, **cleaned), _commitment, 201
        )


@router.get(C + "/commitments/{commitment_id}", response={200: CommitmentOut, 404: Message})
def get_commitment(request: HttpRequest, code: str, initiative_id: int, commitment_id: int) -> Any:
    """A commitment and its history: every step, who and why."""
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        return _commitment(get_commitment_or_404(found, commitment_id))


def _step(
    request: HttpRequest,
    code: str,
    initiative_id: int,
    commitment_id: int,
    payload: Schema,
    form_class: Any,
    service: Any,
) -> Any:
    """One more step in a commitment's history (correction, actual, withdrawal)."""
    with municipality_scope(code) as municipality:
        found = _found(request, municipality, initiative_id)
        item = get_commitment_or_404(found, commitment_id)
        data = _data(payload)
        extra: dict[str, Any] = {}
        if "evidence_id" in data:
            data["evidence"] = data.pop("evidence_id")
            extra["documents"] = _documents(found)
        return _saved(
            form_class(data, **extra),
            lambda cleaned: service(item, request.user, **cleaned),
            _commitment_of,
        )


@router.post(
    C + "/commitments/{commitment_id}/corrections", auth=django_auth, response=_write(CommitmentOut)
)
def correct_commitment(
    request: HttpRequest, code: str, initiative_id: int, commitment_id: int, payload: CorrectionIn
) -> Any:
    return _step(
        request,
        code,
        initiative_id,
        commitment_id,
        payload,
        forms.CorrectionForm,
        services.correct_commitment,
    )


@router.post(
    C + "/commitments/{commitment_id}/actuals", auth=django_auth, response=_write(CommitmentOut)
)
def record_actual(
    request: HttpRequest, code: str, initiative_id: int, commitment_id: int, payload: ActualIn
) -> Any:
    return _step(
        request,
        code,
        initiative_id,
        commitment_id,
        payload,
        forms.ActualForm,
        services.record_actual,
    )


@router.post(
    C + "/commitments/{commitment_id}/withdraw", auth=django_auth, response=_write(CommitmentOut)
)
def withdraw_commitment(
    request: HttpRequest, code: str, initiative_id: int, commitment_id: int, payload: WithdrawIn
) -> Any:
    return _step(
        request,
        code,
        initiative_id,
        commitment_id,
        payload,
        forms.WithdrawForm,
        services.withdraw_commitment,
    )


@router.post(
    C + "/commitments/{commitment_id}/sign-off", auth=django_auth, response=_write(CommitmentOut)
)
def sign_off_commitment(
    request: HttpRequest, code: str, initiative_id: int, commitment_id: int
) -> Any:
    with municipality_scope(code) as municipality:
        item = get_commitment_or_404(_found(request, municipality, initiative_id), commitment_id)
        return _commitment_of(services.sign_off_commitment(item, request.user))
