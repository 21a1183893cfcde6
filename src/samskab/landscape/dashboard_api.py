"""The movement dashboard's figures over the API, as the page's CSV and JSON exports give them.

`GET /api/municipalities/{code}/dashboard?fra=2026-01-01&til=2026-12-31` answers the JSON
document (`samskab.landscape.dashboard.Dashboard.as_dict`); `.../dashboard/csv` the CSV. One
figure a row: section, key, label, period, value, display, suppressed. A count of people in a
group below the minimum group size has the value null and is displayed as "færre end N".
Who may ask: `landscape.view_landscape` (the municipality's own people); a period that is not
one answers 400 with the reason in Danish.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from samskab.landscape import dashboard
from samskab.municipalities.access import municipality_scope

router = Router(tags=["landscape"])
D = "/municipalities/{code}/dashboard"


class FigureOut(Schema):
    section: str
    key: str
    label: str
    period: str
    value: int | str | None
    display: str
    suppressed: bool


class PeriodOut(Schema):
    start: str
    end: str


# Not `MunicipalityOut`: that name is the municipalities API's, and the OpenAPI document keeps
# one schema per name.
class DashboardMunicipalityOut(Schema):
    code: str
    name: str


class DashboardOut(Schema):
    format: int
    municipality: DashboardMunicipalityOut
    period: PeriodOut
    min_group_size: int
    landscape_computed_at: str | None
    figures: list[FigureOut]


def _board(request: HttpRequest, code: str, fra: str, til: str) -> dashboard.Dashboard:
    with municipality_scope(code) as municipality:
        if not request.user.has_perm("landscape.view_landscape", municipality):
            raise HttpError(403, _("Kun kommunens egne folk kan se overblikket."))
        try:
            start, end = dashboard.parse_period(fra, til, timezone.localdate())
        except dashboard.PeriodError as refused:
            raise HttpError(400, str(refused)) from None
        return dashboard.gather(request.user, municipality, start, end)


@router.get(D, auth=django_auth, response=DashboardOut)
def dashboard_json(request: HttpRequest, code: str, fra: str = "", til: str = "") -> Any:
    """The dashboard's figures over the period `fra`–`til` (default: the landscape's)."""
    return _board(request, code, fra, til).as_dict()


@router.get(D + "/csv", auth=django_auth)
def dashboard_csv(request: HttpRequest, code: str, fra: str = "", til: str = "") -> HttpResponse:
    """The same figures as CSV (UTF-8 with BOM): section, key, label, period, value, display."""
    board = _board(request, code, fra, til)
    response = HttpResponse(dashboard.csv_bytes(board), content_type="text/csv; charset=utf-8")
    name = f"overblik-{code}-{board.start.isoformat()}-{board.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
