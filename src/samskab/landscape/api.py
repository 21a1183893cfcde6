"""The landscape over the API: the stored network as JSON, GraphML and CSV, and asking for a
fresh computation. The same rules as the pages: the municipality's own people see it
(`landscape.view_landscape`; anyone else gets 404, as if there were nothing), administrators,
facilitators and the mayor may ask for a refresh. The period is `?fra=YYYY-MM-DD&til=YYYY-MM-DD`
(default: the last 12 months); a malformed or reversed period is a 400 with a Danish message.

Nothing here names a person: the exports read the stored document (see `results`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth

from samskab.core.errors import ServiceError
from samskab.landscape import exports, services
from samskab.landscape.models import LandscapeRun
from samskab.municipalities.access import municipality_scope

router = Router(tags=["landscape"])
M = "/municipalities/{code}/landscape"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Named for this app: the OpenAPI document keeps one schema per name, and other apps have a
# `Message` whose detail is not always a string.
class LandscapeMessage(Schema):
    detail: str


class RefreshOut(Schema):
    detail: str
    start: date
    end: date
    pending: bool
    computed_at: Any = None


def _viewable(request: HttpRequest, municipality: Any) -> None:
    if not request.user.has_perm("landscape.view_landscape", municipality):
        raise Http404


def _period(fra: str | None, til: str | None) -> tuple[date, date]:
    """The period asked for; a ServiceError (400, with its message) when it is not one."""
    return services.parse_period(fra, til, timezone.localdate())


def _run(request: HttpRequest, code: str, fra: str | None, til: str | None) -> Any:
    with municipality_scope(code) as municipality:
        _viewable(request, municipality)
        start, end = _period(fra, til)
        return municipality, start, end, services.latest(municipality, start, end)


def _meta(run: LandscapeRun | None, start: date, end: date) -> dict[str, Any]:
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "computed_at": run.computed_at.isoformat() if run and run.computed_at else None,
        "pending": bool(run and run.pending_since),
        "error": bool(run and run.error),
    }


def _doc(run: LandscapeRun | None) -> dict[str, Any]:
    return (run.data if run is not None else None) or {}


@router.get(M, url_name="landscape_json", response={200: dict[str, Any], 400: LandscapeMessage})
def network(
    request: HttpRequest, code: str, fra: str | None = None, til: str | None = None
) -> dict[str, Any]:
    """The last computed network of the period: nodes (actors with their measures), ties,
    measures, islands, communities, weaving stage, suggested ties and involvement.
    `computed_at` is null (and `nodes` empty) until it has been computed once."""
    _m, start, end, run = _run(request, code, fra, til)
    return exports.network_json(_doc(run), **_meta(run, start, end))


def _file(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _name(code: str, start: date, end: date, suffix: str) -> str:
    return f"landskab-{code}-{start.isoformat()}-{end.isoformat()}{suffix}"


@router.get(M + "/network.graphml", url_name="landscape_graphml")
def network_graphml(
    request: HttpRequest, code: str, fra: str | None = None, til: str | None = None
) -> HttpResponse:
    """The network as GraphML (Gephi, yEd, Kumu, networkx)."""
    _m, start, end, run = _run(request, code, fra, til)
    return _file(
        exports.graphml(_doc(run)),
        "application/graphml+xml; charset=utf-8",
        _name(code, start, end, ".graphml"),
    )


@router.get(M + "/network.json", url_name="landscape_json_file")
def network_json_file(
    request: HttpRequest, code: str, fra: str | None = None, til: str | None = None
) -> HttpResponse:
    """The same as `GET …/landscape`, as a file to download (`….json`)."""
    _m, start, end, run = _run(request, code, fra, til)
    body = json.dumps(
        exports.network_json(_doc(run), **_meta(run, start, end)), ensure_ascii=False, indent=1
    )
    return _file(body, "application/json; charset=utf-8", _name(code, start, end, ".json"))


@router.get(M + "/network.xlsx", url_name="landscape_xlsx")
def network_xlsx(
    request: HttpRequest, code: str, fra: str | None = None, til: str | None = None
) -> HttpResponse:
    """The actors and the ties as an Excel workbook, a sheet each (Danish headers)."""
    _m, start, end, run = _run(request, code, fra, til)
    response = HttpResponse(exports.workbook(_doc(run)), content_type=XLSX)
    filename = _name(code, start, end, ".xlsx")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get(M + "/actors.csv", url_name="landscape_actors_csv")
def actors_csv(
    request: HttpRequest, code: str, fra: str | None = None, til: str | None = None
) -> HttpResponse:
    """The actors and their measures as CSV for Danish Excel (UTF-8 with BOM, `;`, Danish
    headers and words, decimal comma)."""
    _m, start, end, run = _run(request, code, fra, til)
    return _file(
        exports.actors_csv(_doc(run)),
        "text/csv; charset=utf-8",
        _name(code, start, end, "-aktoerer.csv"),
    )


@router.get(M + "/ties.csv", url_name="landscape_ties_csv")
def ties_csv(
    request: HttpRequest, code: str, fra: str | None = None, til: str | None = None
) -> HttpResponse:
    """The ties as CSV (UTF-8 with BOM, `;`)."""
    _m, start, end, run = _run(request, code, fra, til)
    return _file(
        exports.ties_csv(_doc(run)),
        "text/csv; charset=utf-8",
        _name(code, start, end, "-baand.csv"),
    )


@router.post(
    M + "/refresh",
    url_name="landscape_refresh",
    auth=django_auth,
    response={202: RefreshOut, 400: LandscapeMessage, 403: LandscapeMessage, 404: LandscapeMessage},
)
def refresh(request: HttpRequest, code: str, fra: str | None = None, til: str | None = None) -> Any:
    """Ask for a fresh computation of the period (administrators, facilitators, the mayor).
    202: queued; the result is read from the GET endpoints once `computed_at` changes."""
    with municipality_scope(code) as municipality:
        _viewable(request, municipality)
        start, end = _period(fra, til)
        try:
            run = services.request_refresh(request.user, municipality, start, end)
        except ServiceError as exc:
            if not request.user.has_perm("landscape.refresh_landscape", municipality):
                return Status(403, {"detail": str(exc)})
            raise
        run.refresh_from_db()
        return Status(
            202,
            {
                "detail": _("Landskabet bliver beregnet. Siden viser det seneste resultat imens."),
                "start": start,
                "end": end,
                "pending": run.pending_since is not None,
                "computed_at": run.computed_at.isoformat() if run.computed_at else None,
            },
        )
