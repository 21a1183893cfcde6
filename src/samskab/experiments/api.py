"""Experiments over the API: the same access helpers and reads as the pages, and the
portfolio's experiments as CSV and JSON (one set of columns, see exports)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema

from samskab.experiments import exports, services
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


@router.get(M + "/experiments", response=list[ExperimentOut])
def list_experiments(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The municipality's experiments in initiatives the caller may see, newest first."""
    with municipality_scope(code) as municipality:
        return exports.as_json(services.visible_experiments(request.user, municipality))


@router.get(M + "/experiments.csv", url_name="experiments_csv")
def experiments_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The same experiments as CSV for a spreadsheet (UTF-8 with BOM, `;`, Danish headers)."""
    with municipality_scope(code) as municipality:
        text = exports.as_csv(services.portfolio(request.user, municipality).experiments)
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="eksperimenter-{code}.csv"'
    return response


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


@router.get(M + "/experiments/{experiment_id}", response=ExperimentDetailOut)
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
