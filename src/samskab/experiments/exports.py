"""Experiments as CSV (Danish Excel opens it right: UTF-8 with BOM, `;`, Danish headers, words
and local time), as .xlsx, and as JSON with the same columns under English keys and codes. No
person is named: an export is read by many."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from samskab.analysis.stacey import Zone
from samskab.complexity.services import zone_name
from samskab.core.exports import Table, excel_csv, xlsx_bytes
from samskab.experiments.models import Experiment


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def _columns() -> list[tuple[str, str, Callable[[Experiment], Any]]]:
    return [
        ("id", _("Nummer"), lambda e: e.pk),
        ("initiative_id", _("Initiativ nummer"), lambda e: e.initiative_id),
        ("initiative", _("Initiativ"), lambda e: e.initiative.title),
        ("title", _("Titel"), lambda e: e.title),
        ("zone", _("Zone"), lambda e: e.zone),
        ("zone_name", _("Zonens navn"), lambda e: zone_name(Zone(e.zone))),
        ("status", _("Status"), lambda e: e.status),
        ("status_name", _("Status (tekst)"), lambda e: str(e.get_status_display())),
        ("hypothesis", _("Hypotese"), lambda e: e.hypothesis),
        ("signals", _("Tegn vi holder øje med"), lambda e: e.signals),
        ("amplify_when", _("Forstærk, hvis"), lambda e: e.amplify_when),
        ("dampen_when", _("Dæmp, hvis"), lambda e: e.dampen_when),
        ("stop_when", _("Stop, hvis"), lambda e: e.stop_when),
        (
            "review_on",
            _("Næste opfølgning"),
            lambda e: e.review_on.isoformat() if e.review_on else "",
        ),
        ("outcome", _("Resultat"), lambda e: e.outcome),
        ("learning", _("Læring"), lambda e: e.learning),
        ("created_at", _("Oprettet"), lambda e: _iso(e.created_at)),
        ("url", _("Link"), lambda e: settings.SITE_URL + e.get_absolute_url()),
    ]


def labels() -> dict[str, str]:
    """Each column's CSV header in the current language, by its key."""
    return {key: str(header) for key, header, _get in _columns()}


def headers() -> dict[str, str]:
    """Each column's key by its CSV header in every language of the site (an export made in
    English reads back as one made in Danish), and by the key itself, all in lower case."""
    found: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.update({str(header).casefold(): key for key, header, _get in _columns()})
    found.update({str(header).casefold(): key for key, header, _get in _columns()})
    found.update({key: key for key, _header, _get in _columns()})
    return found


def as_json(experiments: Iterable[Experiment]) -> list[dict[str, Any]]:
    columns = _columns()
    return [{key: get(e) for key, _header, get in columns} for e in experiments]


def _sheet_value(key: str, value: Any, experiment: Experiment) -> Any:
    if key == "status":
        # A word, not a code: the import reads the word back (in any of the site's languages).
        return str(experiment.get_status_display())
    if key == "created_at":
        return experiment.created_at  # local time, as Excel shows it (core.exports)
    return value


def as_table(experiments: Iterable[Experiment]) -> Table:
    """The experiments as one sheet: Danish headers and words, local time."""
    columns = _columns()
    return Table(
        title=_("Eksperimenter"),
        headers=[str(header) for _key, header, _get in columns],
        rows=[[_sheet_value(key, get(e), e) for key, _header, get in columns] for e in experiments],
    )


def as_csv(experiments: Iterable[Experiment]) -> str:
    """The CSV text for Danish Excel, starting with the byte-order mark Excel needs to read
    UTF-8, `;` between cells (see `core.exports.excel_csv`)."""
    return excel_csv(as_table(experiments)).decode("utf-8")


def as_xlsx(experiments: Iterable[Experiment]) -> bytes:
    return xlsx_bytes(as_table(experiments))
