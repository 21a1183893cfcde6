"""Experiments over the API: the same access helpers, forms and services as the pages, and the
portfolio's experiments as CSV and JSON (one set of columns, see exports)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from ninja import Router, Schema, Status
from ninja.security import django_auth

from samskab.analysis.stacey import Zone
from samskab.complexity.services import zone_name
from samskab.core.exports import download, export_filename
from samskab.experiments import exports, imports, services
from samskab.experiments.forms import DesignForm, ReviewForm
from samskab.experiments.tasks import import_experiments
from samskab.initiatives.services import get_initiative_or_404
from samskab.municipalities.access import municipality_scope

router = Router(tags=["experiments"])
M = "/municipalities/{code}"


class ReviewOut(Schema):
    decision: str
    sensed: str
    outcome: str
    learning: str
    next_review_on: date | None
    at: datetime


class ExperimentOut(Schema):
    id: int
    initiative_id: int
    initiative: str
    title: str
    zone: int
    zone_name: str
    status: str
    status_name: str
    hypothesis: str
    signals: str
    amplify_when: str
    dampen_when: str
    stop_when: str
    review_on: str
    outcome: str
    learning: str
    created_at: str
    url: str


class ExperimentDetailOut(ExperimentOut):
    reviews: list[ReviewOut]


class CellOut(Schema):
    zone: int
    zone_name: str
    counts: dict[str, int]
    total: int


class PortfolioOut(Schema):
    rows: list[CellOut]
    totals: dict[str, int]
    total: int
    experiments: list[ExperimentOut]


@router.get(M + "/experiments", response=list[ExperimentOut], url_name="experiments_json")
def list_experiments(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The municipality's experiments in initiatives the caller may see, newest first."""
    with municipality_scope(code) as municipality:
        return exports.as_json(services.visible_experiments(request.user, municipality))


@router.get(M + "/experiments.csv", url_name="experiments_csv")
def experiments_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The same experiments as CSV for Danish Excel (UTF-8 with BOM, `;`, Danish headers and
    words, local time)."""
    with municipality_scope(code) as municipality:
        text = exports.as_csv(services.portfolio(request.user, municipality).experiments)
    return download(
        text.encode("utf-8"), export_filename(municipality.slug, "eksperimenter", "csv")
    )


@router.get(M + "/experiments.xlsx", url_name="experiments_xlsx")
def experiments_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The same as the CSV, as an Excel workbook."""
    with municipality_scope(code) as municipality:
        body = exports.as_xlsx(services.portfolio(request.user, municipality).experiments)
    return download(body, export_filename(municipality.slug, "eksperimenter", "xlsx"))


@router.get(M + "/experiments.json", url_name="experiments_json_file")
def experiments_json_file(request: HttpRequest, code: str) -> HttpResponse:
    """`GET …/experiments` as a file to download (`….json`); it imports as it is."""
    with municipality_scope(code) as municipality:
        rows = exports.as_json(services.visible_experiments(request.user, municipality))
    body = json.dumps(rows, ensure_ascii=False, indent=1, default=str)
    return download(body, export_filename(municipality.slug, "eksperimenter", "json"))


@router.get(M + "/experiments/portfolio", response=PortfolioOut)
def portfolio(request: HttpRequest, code: str) -> dict[str, Any]:
    """How many experiments per Stacey zone and status, and the experiments themselves."""
    with municipality_scope(code) as municipality:
        found = services.portfolio(request.user, municipality)
        return {
            "rows": [
                {"zone": r.zone, "zone_name": r.name, "counts": r.counts, "total": r.total}
                for r in found.rows
            ],
            "totals": found.totals,
            "total": found.total,
            "experiments": exports.as_json(found.experiments),
        }


@router.get(M + "/experiments/{int:experiment_id}", response=ExperimentDetailOut)
def get_experiment(request: HttpRequest, code: str, experiment_id: int) -> dict[str, Any]:
    with municipality_scope(code) as municipality:
        found = (
            services.visible_experiments(request.user, municipality)
            .filter(pk=experiment_id)
            .first()
        )
        if found is None:
            raise Http404
        (out,) = exports.as_json([found])
        out["reviews"] = [
            {
                "decision": r.decision,
                "sensed": r.sensed,
                "outcome": r.outcome,
                "learning": r.learning,
                "next_review_on": r.next_review_on,
                "at": r.at,
            }
            for r in services.reviews_of(found)
        ]
        return out


# -- writes ----------------------------------------------------------------------------------
# The form checks the shape, the service decides who may: its refusal is a 400 in Danish.


class Message(Schema):
    detail: Any


class DesignIn(Schema):
    title: str
    hypothesis: str
    signals: str
    amplify_when: str
    dampen_when: str
    stop_when: str
    review_on: date
    zone: int | None = None  # without one, the zone the challenge was last assessed in


class ReviewIn(Schema):
    decision: str
    sensed: str = ""
    outcome: str = ""
    learning: str = ""
    next_review_on: date | None = None


WRITE = {200: ExperimentDetailOut, 201: ExperimentDetailOut, 400: Message, 401: Message}
WRITE |= {403: Message, 404: Message}


def _data(payload: Schema) -> dict[str, Any]:
    return {k: "" if v is None else v for k, v in payload.dict().items()}


def _saved(request: HttpRequest, code: str, form: Any, save: Any, status: int) -> Any:
    if not form.is_valid():
        return Status(400, {"detail": form.errors.get_json_data()})
    found = save(form.cleaned_data)
    return Status(status, get_experiment(request, code, found.pk))


@router.post(M + "/initiatives/{initiative_id}/experiments", auth=django_auth, response=WRITE)
def design_experiment(
    request: HttpRequest, code: str, initiative_id: int, payload: DesignIn
) -> Any:
    """A safe-to-fail experiment in the initiative, for those who lead it."""
    with municipality_scope(code) as municipality:
        found = get_initiative_or_404(request.user, municipality, initiative_id)
        assessed = services.assessed_zone(found)
        form = DesignForm(
            _data(payload),
            zones=services.zone_choices(),
            assessed=zone_name(Zone(assessed)) if assessed else "",
        )
        return _saved(
            request,
            code,
            form,
            lambda data: services.design_experiment(found, request.user, **data),
            201,
        )


@router.post(
    M + "/initiatives/{initiative_id}/experiments/{experiment_id}/reviews",
    auth=django_auth,
    response=WRITE,
)
def review_experiment(
    request: HttpRequest, code: str, initiative_id: int, experiment_id: int, payload: ReviewIn
) -> Any:
    """Sense and respond: go on, amplify, dampen or stop."""
    with municipality_scope(code) as municipality:
        found = services.get_experiment_or_404(
            request.user, municipality, initiative_id, experiment_id
        )

        def save(data: dict[str, Any]) -> Any:
            services.review_experiment(found, request.user, **data)
            return found

        return _saved(request, code, ReviewForm(_data(payload)), save, 201)


# Not `ImportIn`: the initiatives API has one, and the OpenAPI document keeps one schema per name.
class ExperimentsImportIn(Schema):
    # The list `GET /experiments` gives (or the CSV export's rows under the same keys).
    experiments: list[dict[str, Any]]
    # Every row into this initiative; without one, into the one each row's initiative_id names.
    initiative_id: int | None = None
    valid_only: bool = False


class RefusedRow(Schema):
    row: int
    reason: str


class ImportReport(Schema):
    rows: int
    created: int
    stored: bool
    refused: list[RefusedRow]


def _import_failed(reason: str) -> Any:
    return Status(
        400, {"rows": 0, "created": 0, "stored": False, "refused": [{"row": 0, "reason": reason}]}
    )


@router.post(
    M + "/experiments/import",
    auth=django_auth,
    response={200: ImportReport, 202: Message, 400: ImportReport, 403: Message},
)
def import_json(request: HttpRequest, code: str, payload: ExperimentsImportIn) -> Any:
    """The export's experiments back in, through the same service as the import page: with
    refused rows nothing is stored unless `valid_only` is true. Runs as a background task;
    a 202 answer carries the task's id, otherwise the report says what happened."""
    with municipality_scope(code) as municipality:
        allowed = imports.initiatives_to_import_into(request.user, municipality)
        if not allowed:
            return Status(403, {"detail": _("Du leder ingen initiativer, du kan importere til.")})
        if payload.initiative_id is not None and payload.initiative_id not in {
            i.pk for i in allowed
        }:
            return _import_failed(_("Initiativet findes ikke, eller du kan ikke lede det."))
        result = import_experiments.enqueue(
            municipality_id=municipality.pk,
            actor_id=request.user.pk,
            initiative_id=payload.initiative_id,
            text=json.dumps(payload.experiments, ensure_ascii=False, default=str),
            valid_only=payload.valid_only,
            language=get_language(),
        )
        if not result.is_finished:
            return Status(202, {"detail": result.id})
        if result.status != TaskResultStatus.SUCCESSFUL:
            return _import_failed(_("Importen gik galt, og intet blev gemt."))
        report = result.return_value
        return Status(200 if report["stored"] else 400, report)
