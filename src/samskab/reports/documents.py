"""The report as a page, a PDF and its charts, from one data document (live or frozen)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samskab.reports import charts
from samskab.reports.templatetags import report_tags


def _chart(title: str, rows: list[tuple[str, float]], unit: str = "") -> dict[str, str]:
    return {
        "title": title,
        "src": charts.data_uri(charts.bars(rows, unit=unit)),
        "alt": charts.alt_text(title, rows, unit),
    }


def chart_list(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The charts the report shows, by section; a section with nothing to show has none."""
    out = {}
    part = data["participation"]
    if part["by_role"]:
        out["roles"] = _chart(
            _("Deltagere fordelt på rolle"),
            [(report_tags.role(k), n) for k, n in part["by_role"]],
        )
    ranking = data["ranking"]
    if not ranking["empty"]:
        out["ranking"] = _chart(
            _("Prioriteringen: sandsynlighed for at blive foretrukket"),
            [(r["title"], r["score"]) for r in ranking["rows"]],
            " %",
        )
    inits = data["initiatives"]
    if not inits["empty"]:
        total = inits["total"]
        out["economy"] = _chart(
            _("Tilsagn fordelt på kommune og eksterne partnere (kr.)"),
            [
                (_("Kommunen"), float(total["municipal"])),
                (_("Eksterne partnere"), float(total["external"])),
            ],
        )
    return out


def context(data: dict[str, Any]) -> dict[str, Any]:
    texts = data.get("texts") or {}
    return {
        "data": data,
        "texts": texts,
        "clauses": texts.get("clauses") or [],
        "charts": chart_list(data),
        "attachments": data.get("attachments") or [],
        "lang": (get_language() or "da").split("-")[0],
    }


def pdf_bytes(data: dict[str, Any]) -> bytes:
    """The accessible PDF (PDF/UA-1: tagged, with the language and every figure's alt text)."""
    from weasyprint import HTML

    html = render_to_string("reports/report_pdf.html", context(data))
    return HTML(string=html, base_url="/").write_pdf(pdf_variant="pdf/ua-1")
