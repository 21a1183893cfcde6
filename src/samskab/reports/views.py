"""The council report's pages: the report (draft for staff, the sent version for everyone who
may see the challenge), its edit page with history, the PDF, and the panel on the challenge."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samskab.challenges import services as challenges
from samskab.core.feedback import attempt, form_errors
from samskab.municipalities.access import municipality_view
from samskab.municipalities.models import Municipality
from samskab.reports import documents, services
from samskab.reports import figures as report_figures
from samskab.reports.forms import ReportForm
from samskab.reports.models import HEADER_FIELDS, TEXT_FIELDS, Report


def urlpatterns(prefix: str) -> list[Any]:
    return [
        path(prefix, report, name="report"),
        path(prefix + "rediger/", edit, name="edit"),
        path(prefix + "send/", send, name="send"),
        path(prefix + "pdf/", pdf, name="pdf"),
    ]


def _attachments(challenge: Any) -> list[tuple[str, str]]:
    kwargs = {"municipality": challenge.municipality.slug, "challenge": challenge.pk}
    return [
        (
            _("Udfordringens data som JSON (åbne data)"),
            reverse("challenges:export", kwargs={**kwargs, "fmt": "json"}),
        ),
        (
            _("Udfordringens data som regneark (åbne data)"),
            reverse("challenges:export", kwargs={**kwargs, "fmt": "alt.xlsx"}),
        ),
        (_("Udfordringen i Samskab"), reverse("challenges:detail", kwargs=kwargs)),
    ]


def _data(request: HttpRequest, found: Report) -> tuple[dict[str, Any], Any]:
    """The data to show: the sent version for those who may not see the draft (404 before it is
    sent), else the live draft (or the sent version, once frozen)."""
    version = services.published_version(found)
    if version is not None:
        return version.data, version
    if not request.user.has_perm("reports.view_draft", found):
        raise Http404
    data = services.snapshot(found, request.user)
    data["attachments"] = _attachments(found.challenge)
    return data, None


def _load(request: HttpRequest, municipality: Municipality, challenge: int) -> Report:
    found = challenges.get_challenge_or_404(request.user, municipality, challenge)
    return services.report_for(found)


@municipality_view
def report(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = _load(request, municipality, challenge)
    data, version = _data(request, found)
    return render(
        request,
        "reports/report.html",
        {
            "municipality": municipality,
            "challenge": found.challenge,
            "report": found,
            "version": version,
            "can_edit": version is None and request.user.has_perm("reports.edit_report", found),
            **documents.context(data),
            "attachments": data.get("attachments") or [],
        },
    )


@require_http_methods(["GET", "POST"])
@municipality_view
def edit(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = _load(request, municipality, challenge)
    if not request.user.has_perm("reports.edit_report", found):
        raise Http404
    url = reverse(
        "reports:report", kwargs={"municipality": municipality.slug, "challenge": challenge}
    )
    initial = {k: getattr(found, k) for k in (*HEADER_FIELDS, *TEXT_FIELDS)}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            if attempt(
                request,
                lambda: services.edit_report(found, request.user, **form.cleaned_data),
                _("Indstillingen er gemt."),
            ):
                return redirect(url)
        else:
            messages.error(request, form_errors(form))
    if services.is_frozen(found):
        messages.info(request, _("Indstillingen er sendt til udvalget og kan ikke ændres."))
    data = report_figures.compute(request.user, found.challenge)
    return render(
        request,
        "reports/edit.html",
        {
            "municipality": municipality,
            "challenge": found.challenge,
            "report": found,
            "form": form,
            "frozen": services.is_frozen(found),
            "drafted": report_figures.drafted_clauses(data),
            "history": services.history(found),
            "report_url": url,
        },
    )


@require_POST
@municipality_view
def send(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = _load(request, municipality, challenge)
    if not request.user.has_perm("reports.edit_report", found):
        raise Http404
    attempt(
        request,
        lambda: services.send_to_committee(found, request.user),
        _("Indstillingen er sendt til udvalget. Den sendte udgave er nu låst og kan ses af alle."),
    )
    return redirect(
        reverse(
            "reports:report", kwargs={"municipality": municipality.slug, "challenge": challenge}
        )
    )


@municipality_view
def pdf(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    """The PDF, made in the background and kept until the data changes."""
    found = _load(request, municipality, challenge)
    data, _version = _data(request, found)
    if found.pk is None:
        # A report no one has edited yet still gets its PDF: it needs a row to cache it on.
        if not request.user.has_perm("reports.edit_report", found):
            raise Http404
        found.save()
    fingerprint = report_figures.fingerprint(data)
    cached = services.cached_file(found, "pdf", fingerprint)
    if cached is None:
        services.enqueue_pdf(found, data)
        cached = services.cached_file(found, "pdf", fingerprint)
    if cached is None:
        response = render(
            request,
            "reports/pdf_pending.html",
            {"municipality": municipality, "challenge": found.challenge},
        )
        response["Refresh"] = "5"
        return response
    response = HttpResponse(bytes(cached.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="indstilling-{found.challenge.pk}.pdf"'
    return response


def challenge_panel(request: HttpRequest, challenge: Any) -> tuple[str, dict[str, Any]] | None:
    """On the challenge page: the way to the report, for staff always, for others once sent."""
    found = services.report_for(challenge)
    version = services.published_version(found)
    can_edit = request.user.has_perm("reports.edit_report", found)
    if version is None and not can_edit:
        return None
    return "reports/_challenge_panel.html", {
        "url": reverse(
            "reports:report",
            kwargs={"municipality": challenge.municipality.slug, "challenge": challenge.pk},
        ),
        "version": version,
        "can_edit": can_edit,
    }
