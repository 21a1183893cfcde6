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


def report_for_movement(movement: Any) -> Report:
    """The movement's report (all its challenges together), or a new unsaved one."""
    found = Report.objects.filter(movement=movement).first()
    if found is None:
        found = Report(municipality_id=movement.municipality_id, movement=movement)
    found.movement = movement
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
    """Sent to the committee and no new draft started: nothing may change."""
    return report.pk is not None and not report.is_draft


def _require(actor: Any, report: Report) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(
        "reports.edit_report", report
    ):
        raise ServiceError(_("Kun kommunens medarbejdere kan skrive og sende indstillingen."))


def edit_report(report: Report, actor: Any, **changes: Any) -> Report:
    """Change the header and text parts; each changed field is kept in the history. Refused
    while the report is frozen (sent, no new draft started)."""
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
            subject = report.challenge if report.challenge_id else report.movement
            report = Report.objects.select_for_update().get(pk=report.pk)
            _keep_subject(report, subject)
            if not report.is_draft:
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


def _keep_subject(report: Report, subject: Any) -> None:
    """Keep the loaded challenge or movement on a re-read row (saves queries, keeps scope)."""
    if report.challenge_id and subject is not None:
        report.challenge = subject
    elif report.movement_id and subject is not None:
        report.movement = subject


def snapshot(report: Report, user: Any) -> dict[str, Any]:
    """The figures as they are now and the report's texts: what a version freezes."""
    if report.challenge_id:
        data = report_figures.compute(user, report.challenge)
    else:
        data = report_figures.compute_movement(user, report.movement)
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


def send_to_committee(
    report: Report, actor: Any, attachments: list[Any] | None = None
) -> ReportVersion:
    """Mark the report "sendt til udvalget": freeze the figures and texts as the next version.
    `attachments`: the bilag as (label, address) pairs, frozen with it."""
    _require(actor, report)
    if report.pk is None:
        report.save()
    data = snapshot(report, actor)
    if attachments is not None:
        data["attachments"] = [list(a) for a in attachments]
    with transaction.atomic():
        subject = report.challenge if report.challenge_id else report.movement
        report = Report.objects.select_for_update().get(pk=report.pk)
        _keep_subject(report, subject)
        if not report.is_draft:
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
        report.is_draft = False
        report.save(update_fields=["is_draft", "updated_at"])
        record(report.municipality_id, actor, "report.send", report, version=number)
    return version


def start_new_draft(report: Report, actor: Any) -> Report:
    """After "sendt til udvalget": start the next version as a draft. The version sent stays
    frozen and is still what everyone else sees until the draft is sent."""
    _require(actor, report)
    with transaction.atomic():
        if report.pk is None:
            raise ServiceError(_("Indstillingen er ikke sendt til udvalget endnu."))
        subject = report.challenge if report.challenge_id else report.movement
        report = Report.objects.select_for_update().get(pk=report.pk)
        _keep_subject(report, subject)
        if report.is_draft:
            raise ServiceError(_("Der er allerede et udkast til en ny udgave."))
        report.is_draft = True
        report.save(update_fields=["is_draft", "updated_at"])
        number = ReportVersion.objects.filter(report=report).aggregate(n=Max("number"))["n"]
        record(report.municipality_id, actor, "report.reopen", report, after_version=number)
    return report


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
