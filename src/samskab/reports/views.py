"""The council report's pages, for a challenge and for the whole movement: the report (draft for
staff, the sent version for everyone who may see it), its edit page with history, sending it,
starting a new version, the PDF and the .docx, and the panels on the challenge and movement."""

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
from samskab.landscape import services as landscape
from samskab.municipalities.access import municipality_view
from samskab.municipalities.models import Movement, Municipality
from samskab.reports import documents, services
from samskab.reports import figures as report_figures
from samskab.reports.forms import ReportForm
from samskab.reports.models import HEADER_FIELDS, TEXT_FIELDS, Report

ACTIONS = ("report", "edit", "send", "reopen", "pdf", "docx")


def urlpatterns(prefix: str, name: str = "") -> list[Any]:
    """The report's pages under `prefix`; `name` prefixes the URL names ("movement_")."""
    return [
        path(prefix, report, name=name + "report"),
        path(prefix + "rediger/", edit, name=name + "edit"),
        path(prefix + "send/", send, name=name + "send"),
        path(prefix + "ny-udgave/", reopen, name=name + "reopen"),
        path(prefix + "pdf/", pdf, name=name + "pdf"),
        path(prefix + "docx/", docx, name=name + "docx"),
    ]


def _urls(found: Report) -> dict[str, str]:
    if found.challenge_id:
        kwargs = {
            "municipality": found.challenge.municipality.slug,
            "challenge": found.challenge.pk,
        }
        return {a: reverse(f"reports:{a}", kwargs=kwargs) for a in ACTIONS}
    kwargs = {"municipality": found.movement.municipality.slug}
    return {a: reverse(f"reports:movement_{a}", kwargs=kwargs) for a in ACTIONS}


def _attachments(found: Report) -> list[tuple[str, str]]:
    """The bilag: links to the open data (paths; the PDF and .docx make them absolute)."""
    if found.challenge_id:
        challenge = found.challenge
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
    municipality = found.movement.municipality
    slug = {"municipality": municipality.slug}
    return [
        (
            _("Overblikkets tal som JSON (åbne data)"),
            reverse("landscape:dashboard_json", kwargs=slug),
        ),
        (
            _("Overblikkets tal som regneark (åbne data)"),
            reverse("landscape:dashboard_xlsx", kwargs=slug),
        ),
        (
            _("Samskabelseslandskabet som JSON (åbne data)"),
            landscape.export_url(municipality, "json"),
        ),
        (_("Bevægelsen i Samskab"), found.movement.get_absolute_url()),
    ]


def _data(request: HttpRequest, found: Report) -> tuple[dict[str, Any], Any, Any]:
    """(data to show, the version it is or None for the live draft, the version published).

    Staff see the draft while there is one; everyone else (and staff once it is sent) the
    newest version sent; 404 before anything is sent to those who may not see the draft."""
    version = services.published_version(found)
    if found.is_draft and request.user.has_perm("reports.view_draft", found):
        data = services.snapshot(found, request.user)
        data["attachments"] = _attachments(found)
        return data, None, version
    if version is None or not request.user.has_perm("reports.view_published", found):
        raise Http404
    return version.data, version, version


def _load(request: HttpRequest, municipality: Municipality, challenge: int | None) -> Report:
    if challenge is not None:
        found = challenges.get_challenge_or_404(request.user, municipality, challenge)
        return services.report_for(found)
    movement = Movement.objects.filter(municipality=municipality).first()
    if movement is None:
        raise Http404
    movement.municipality = municipality
    found = services.report_for_movement(movement)
    if not request.user.has_perm("reports.view_published", found):
        raise Http404
    return found


def _subject(found: Report) -> dict[str, Any]:
    """What the templates need to name the report's subject and link back to it."""
    if found.challenge_id:
        return {"challenge": found.challenge, "subject_title": found.challenge.title}
    return {
        "movement": found.movement,
        "subject_title": found.movement.title,
        "subject_url": found.movement.get_absolute_url(),
    }


@municipality_view
def report(
    request: HttpRequest, municipality: Municipality, challenge: int | None = None
) -> HttpResponse:
    found = _load(request, municipality, challenge)
    data, version, published = _data(request, found)
    may_edit = request.user.has_perm("reports.edit_report", found)
    return render(
        request,
        "reports/report.html",
        {
            "municipality": municipality,
            **_subject(found),
            "report": found,
            "version": version,
            "published": published,
            "urls": _urls(found),
            "can_edit": version is None and may_edit,
            "can_reopen": version is not None and may_edit and not found.is_draft,
            **documents.context(data),
        },
    )


@require_http_methods(["GET", "POST"])
@municipality_view
def edit(
    request: HttpRequest, municipality: Municipality, challenge: int | None = None
) -> HttpResponse:
    found = _load(request, municipality, challenge)
    if not request.user.has_perm("reports.edit_report", found):
        raise Http404
    urls = _urls(found)
    initial = {k: getattr(found, k) for k in (*HEADER_FIELDS, *TEXT_FIELDS)}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            if attempt(
                request,
                lambda: services.edit_report(found, request.user, **form.cleaned_data),
                _("Indstillingen er gemt."),
            ):
                return redirect(urls["report"])
        else:
            messages.error(request, form_errors(form))
    frozen = services.is_frozen(found)
    data = services.snapshot(found, request.user)
    return render(
        request,
        "reports/edit.html",
        {
            "municipality": municipality,
            **_subject(found),
            "report": found,
            "form": form,
            "frozen": frozen,
            "drafted": report_figures.drafted_clauses(data),
            "history": services.history(found),
            "urls": urls,
            "report_url": urls["report"],
        },
    )


@require_POST
@municipality_view
def send(
    request: HttpRequest, municipality: Municipality, challenge: int | None = None
) -> HttpResponse:
    found = _load(request, municipality, challenge)
    if not request.user.has_perm("reports.edit_report", found):
        raise Http404
    attempt(
        request,
        lambda: services.send_to_committee(found, request.user, _attachments(found)),
        _("Indstillingen er sendt til udvalget. Den sendte udgave er nu låst og kan ses af alle."),
    )
    return redirect(_urls(found)["report"])


@require_POST
@municipality_view
def reopen(
    request: HttpRequest, municipality: Municipality, challenge: int | None = None
) -> HttpResponse:
    found = _load(request, municipality, challenge)
    if not request.user.has_perm("reports.edit_report", found):
        raise Http404
    attempt(
        request,
        lambda: services.start_new_draft(found, request.user),
        _(
            "Du arbejder nu på en ny udgave. Den udgave, der blev sendt til udvalget, er stadig "
            "låst, og det er den, andre kan se, indtil du sender den nye."
        ),
    )
    return redirect(_urls(found)["report"])


def _file(request: HttpRequest, found: Report, kind: str) -> HttpResponse:
    """The PDF (made in the background) or .docx, kept until the data changes."""
    data, _version, _published = _data(request, found)
    if found.pk is None:
        # A report no one has edited yet still gets its file: it needs a row to cache it on.
        if not request.user.has_perm("reports.edit_report", found):
            raise Http404
        found.save()
    name = f"indstilling-{found.challenge_id or 'bevaegelse'}"
    fingerprint = report_figures.fingerprint(data)
    cached = services.cached_file(found, kind, fingerprint)
    if kind == "docx":
        if cached is None:
            cached = services.store_file(found, kind, fingerprint, documents.docx_bytes(data))
        response = HttpResponse(bytes(cached.content), content_type=documents.DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
        return response
    if cached is None:
        services.enqueue_pdf(found, data)
        cached = services.cached_file(found, kind, fingerprint)
    if cached is None:
        response = render(
            request,
            "reports/pdf_pending.html",
            {"municipality": municipality_of(found), "report_url": _urls(found)["report"]},
        )
        response["Refresh"] = "5"
        return response
    response = HttpResponse(bytes(cached.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


def municipality_of(found: Report) -> Any:
    return (found.challenge or found.movement).municipality


@municipality_view
def pdf(
    request: HttpRequest, municipality: Municipality, challenge: int | None = None
) -> HttpResponse:
    return _file(request, _load(request, municipality, challenge), "pdf")


@municipality_view
def docx(
    request: HttpRequest, municipality: Municipality, challenge: int | None = None
) -> HttpResponse:
    return _file(request, _load(request, municipality, challenge), "docx")


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


def movement_panel(request: HttpRequest, municipality: Any) -> tuple[str, dict[str, Any]] | None:
    """On the movement's page: the movement's report, for the staff who may see the landscape."""
    if not request.user.is_authenticated:
        return None
    movement = Movement.objects.filter(municipality=municipality).first()
    if movement is None:
        return None
    movement.municipality = municipality
    found = services.report_for_movement(movement)
    if not request.user.has_perm("reports.edit_report", found):
        return None
    return "reports/_movement_panel.html", {
        "url": reverse("reports:movement_report", kwargs={"municipality": municipality.slug}),
        "version": services.published_version(found),
    }
