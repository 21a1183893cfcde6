"""State changes for the council report: edit its text parts, send it to the committee. Each is
atomic, checks its rule and writes its audit record; the PDF is made in the background."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from django_tasks import task

from samskab.core.errors import ServiceError
from samskab.core.models import record
from samskab.core.validators import clean_free_text
from samskab.reports import figures as report_figures
from samskab.reports.models import (
    FROZEN_MESSAGE,
    TEXT_FIELDS,
    Report,
    ReportEdit,
    ReportFile,
    ReportVersion,
)

logger = logging.getLogger(__name__)

LIMITS = {
    "committee": 300,
    "case_kind": 100,
    "case_number": 50,
    "summary": 4000,
    "recommendation": 4000,
    "risks": 4000,
    "next_steps": 4000,
}


def report_for(challenge: Any) -> Report:
    """The challenge's report, or a new unsaved one (saved by the first edit). Call inside the
    challenge's municipality scope."""
    found = Report.objects.filter(challenge=challenge).first()
    if found is None:
        found = Report(municipality_id=challenge.municipality_id, challenge=challenge)
    found.challenge = challenge
    return found


def published_version(report: Report) -> ReportVersion | None:
    """The newest version sent to the committee, or None."""
    if report.pk is None:
        return None
    return ReportVersion.objects.filter(report=report).order_by("-number").first()


def history(report: Report) -> list[ReportEdit]:
    if report.pk is None:
        return []
    return list(ReportEdit.objects.filter(report=report).select_related("person"))


def is_frozen(report: Report) -> bool:
    return report.pk is not None and ReportVersion.objects.filter(report=report).exists()


def _require(actor: Any, report: Report) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(
        "reports.edit_report", report
    ):
        raise ServiceError(_("Kun kommunens medarbejdere kan skrive og sende indstillingen."))


def edit_report(report: Report, actor: Any, **changes: Any) -> Report:
    """Change the header and text parts; each changed field is kept in the history."""
    _require(actor, report)
    unknown = set(changes) - set(LIMITS) - {"is_open"}
    if unknown:
        raise ServiceError(_("Ukendt felt: %(name)s") % {"name": ", ".join(sorted(unknown))})
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "is_open":
            cleaned[name] = bool(value)
        else:
            cleaned[name] = clean_free_text(str(value or ""), limit=LIMITS[name])
    with transaction.atomic():
        if report.pk is not None:
            report = Report.objects.select_for_update().get(pk=report.pk)
            if ReportVersion.objects.filter(report=report).exists():
                raise ServiceError(str(FROZEN_MESSAGE))
        changed = {k: v for k, v in cleaned.items() if getattr(report, k) != v}
        if not changed:
            return report
        before = {k: getattr(report, k) for k in changed}
        for k, v in changed.items():
            setattr(report, k, v)
        try:
            report.save()
        except IntegrityError:
            # Two first edits at once: the other made the row; a second try edits it.
            raise ServiceError(_("Indstillingen blev ændret samtidig. Prøv igen.")) from None
        ReportEdit.objects.bulk_create(
            ReportEdit(
                municipality_id=report.municipality_id,
                report=report,
                person=actor,
                field=k,
                before=str(before[k]),
                after=str(v),
            )
            for k, v in changed.items()
        )
        record(report.municipality_id, actor, "report.edit", report, fields=sorted(changed))
    return report


def snapshot(report: Report, user: Any) -> dict[str, Any]:
    """The figures as they are now and the report's texts: what a version freezes."""
    data = report_figures.compute(user, report.challenge)
    data["texts"] = {
        "committee": report.committee,
        "case_kind": report.case_kind,
        "case_number": report.case_number,
        "is_open": report.is_open,
        **{k: getattr(report, k) for k in TEXT_FIELDS},
        "clauses": clauses_of(report, data),
    }
    return data


def clauses_of(report: Report, data: dict[str, Any]) -> list[str]:
    """The "at …" clauses: as staff wrote them (one per line), or drafted from the outcome."""
    written = [line.strip() for line in report.recommendation.splitlines() if line.strip()]
    clauses = written or report_figures.drafted_clauses(data)
    return [c[3:].strip() if c.lower().startswith("at ") else c for c in clauses]


def send_to_committee(report: Report, actor: Any) -> ReportVersion:
    """Mark the report "sendt til udvalget": freeze the figures and texts as a version."""
    _require(actor, report)
    if report.pk is None:
        report.save()
    data = snapshot(report, actor)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if ReportVersion.objects.filter(report=report).exists():
            raise ServiceError(str(FROZEN_MESSAGE))
        number = (
            ReportVersion.objects.filter(report=report).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        version = ReportVersion.objects.create(
            municipality_id=report.municipality_id,
            report=report,
            number=number,
            data=data,
            fingerprint=report_figures.fingerprint(data),
            sent_at=timezone.now(),
            sent_by=actor,
        )
        record(report.municipality_id, actor, "report.send", report, version=number)
    return version


# -- the PDF, in the background ------------------------------------------------------------------


def cached_file(report: Report, kind: str, fingerprint: str) -> ReportFile | None:
    if report.pk is None:
        return None
    return ReportFile.objects.filter(report=report, kind=kind, fingerprint=fingerprint).first()


def store_file(report: Report, kind: str, fingerprint: str, content: bytes) -> ReportFile:
    """Keep a generated file; older files of the same kind are removed (the data changed)."""
    with transaction.atomic():
        ReportFile.objects.filter(report=report, kind=kind).exclude(
            fingerprint=fingerprint
        ).delete()
        found, _created = ReportFile.objects.get_or_create(
            report=report,
            kind=kind,
            fingerprint=fingerprint,
            defaults={"municipality_id": report.municipality_id, "content": content},
        )
    return found


@task()
def render_pdf(report_id: int, data: dict[str, Any]) -> bool:
    """Background task: make the PDF of the report's data as the page computed it (so the task
    needs no person's permission), unless a PDF of the same data is cached."""
    from samskab.reports import documents

    with scopes_disabled():
        report = Report.objects.select_related("municipality").filter(pk=report_id).first()
    if report is None:
        return False
    fingerprint = report_figures.fingerprint(data)
    with scope(municipality=report.municipality):
        if cached_file(report, "pdf", fingerprint) is None:
            store_file(report, "pdf", fingerprint, documents.pdf_bytes(data))
    return True


def enqueue_pdf(report: Report, data: dict[str, Any]) -> None:
    """Queue the PDF of this data (in the embedded default it is made at once)."""
    try:
        render_pdf.enqueue(report.pk, data)
    except Exception:  # noqa: BLE001 - the page offers to try again
        logger.exception("could not enqueue the PDF of report %s", report.pk)
