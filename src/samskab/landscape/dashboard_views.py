"""The movement dashboard's pages: the overview for the mayor and the municipal director, and
its figures as CSV and JSON. Who may see it: `landscape.view_landscape` (rules.py)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from samskab.core import exports
from samskab.landscape import dashboard
from samskab.municipalities.access import municipality_view
from samskab.municipalities.models import Municipality

PERM = "landscape.view_landscape"


def _allowed(request: HttpRequest, municipality: Municipality) -> HttpResponse | None:
    if request.user.has_perm(PERM, municipality):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _period(request: HttpRequest) -> tuple[Any, Any, str]:
    try:
        start, end = dashboard.parse_period(
            request.GET.get("fra"), request.GET.get("til"), timezone.localdate()
        )
    except dashboard.PeriodError as refused:
        return None, None, str(refused)
    return start, end, ""


@municipality_view
def overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    refused = _allowed(request, municipality)
    if refused is not None:
        return refused
    start, end, error = _period(request)
    context: dict[str, Any] = {
        "municipality": municipality,
        "error": error,
        "fra": request.GET.get("fra", "")[:20],
        "til": request.GET.get("til", "")[:20],
        "min_group_size": dashboard.min_group_size(),
        "fewer_than": dashboard.fewer_than(),
    }
    if error:
        return render(request, "landscape/dashboard.html", context, status=400)
    board = dashboard.gather(request.user, municipality, start, end)
    context.update(
        {
            "board": board,
            "fra": start.isoformat(),
            "til": end.isoformat(),
            "query": f"?fra={start.isoformat()}&til={end.isoformat()}",
            "chart": _chart(board),
            "sections": {name: board.section(name) for name in dashboard.SECTIONS},
            "titles": {name: dashboard.section_title(name) for name in dashboard.SECTIONS},
            "islands": [
                f for f in board.section(dashboard.SECTION_LANDSCAPE) if f.key.startswith("oe:")
            ],
            "suggestions": [
                f
                for f in board.section(dashboard.SECTION_LANDSCAPE)
                if f.key.startswith("forslag:")
            ],
        }
    )
    return render(request, "landscape/dashboard.html", context)


def _chart(board: dashboard.Dashboard) -> list[dict[str, Any]]:
    """The bar chart of people taking part per month: each bar's width in per cent of the
    largest month shown; a hidden month has no bar, only its words."""
    totals = [(label, row[-1]) for label, _key, row in board.roles.rows]
    largest = max((f.value for _l, f in totals if isinstance(f.value, int)), default=0)
    return [
        {
            "label": label,
            "figure": f,
            "width": round(100 * f.value / largest) if largest and isinstance(f.value, int) else 0,
        }
        for label, f in totals
    ]


def _export(request: HttpRequest, municipality: Municipality, fmt: str) -> HttpResponse:
    refused = _allowed(request, municipality)
    if refused is not None:
        return refused
    start, end, error = _period(request)
    if error:
        if fmt == "json":
            return HttpResponse(
                json.dumps({"detail": error}, ensure_ascii=False),
                status=400,
                content_type="application/json; charset=utf-8",
            )
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    board = dashboard.gather(request.user, municipality, start, end)
    name = f"{municipality.slug}-overblik-{start.isoformat()}-{end.isoformat()}.{fmt}"
    if fmt == "json":
        # The JSON stays the machine document, the same as the API's.
        body: bytes | str = json.dumps(board.as_dict(), ensure_ascii=False, indent=1)
    elif fmt == "xlsx":
        body = exports.xlsx_bytes(dashboard.people_table(board))
    else:
        body = exports.excel_csv(dashboard.people_table(board))
    return exports.download(body, name)


@municipality_view
def export_csv(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return _export(request, municipality, "csv")


@municipality_view
def export_xlsx(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return _export(request, municipality, "xlsx")


@municipality_view
def export_json(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return _export(request, municipality, "json")


def urlpatterns(prefix: str) -> list[URLPattern]:
    return [
        path(prefix, overview, name="dashboard"),
        path(prefix + "tal.csv", export_csv, name="dashboard_csv"),
        path(prefix + "tal.json", export_json, name="dashboard_json"),
        path(prefix + "tal.xlsx", export_xlsx, name="dashboard_xlsx"),
    ]
