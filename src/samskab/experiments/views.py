from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samskab.analysis.stacey import Zone
from samskab.complexity.services import zone_name
from samskab.core.feedback import attempt
from samskab.core.imports import report_of, result_for
from samskab.experiments import imports, services
from samskab.experiments.forms import DesignForm, ImportForm, ReviewForm
from samskab.experiments.models import Experiment, Status
from samskab.experiments.tasks import import_experiments
from samskab.initiatives.services import get_initiative_or_404
from samskab.municipalities.access import municipality_view
from samskab.municipalities.models import Municipality


def _page(
    request: HttpRequest,
    template: str,
    municipality: Municipality,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    return render(
        request, f"experiments/{template}", {"municipality": municipality, **context}, status=status
    )


def _permitted(request: HttpRequest, perm: str, obj: Any) -> Any:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
    return obj


def _managing(
    view: Callable[[HttpRequest, Municipality, Experiment], HttpResponse],
) -> Callable[..., HttpResponse]:
    """For the pages that change an experiment: the experiment of the URL, for those who may
    manage it (another municipality's, or one the person may not see, is a 404)."""

    @login_required
    @municipality_view
    @functools.wraps(view)
    def wrapper(
        request: HttpRequest, municipality: Municipality, initiative: int, experiment: int
    ) -> HttpResponse:
        found = services.get_experiment_or_404(request.user, municipality, initiative, experiment)
        return view(
            request, municipality, _permitted(request, "experiments.manage_experiment", found)
        )

    return wrapper


def _posted(request: HttpRequest) -> Any:
    # An empty POST still binds the form, so that it says what is missing.
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest,
    municipality: Municipality,
    template: str,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    **context: Any,
) -> HttpResponse:
    """A form's page. Posted and valid, the form goes to its service (`save`) and the person on
    to the page of what it saved; a refusal is shown on the form, which keeps the input."""
    if request.method != "POST":
        return _page(request, template, municipality, form=form, **context)
    if form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(saved.get_absolute_url())
    return _page(request, template, municipality, 400, form=form, **context)


@municipality_view
def experiment_list(
    request: HttpRequest, municipality: Municipality, initiative: int
) -> HttpResponse:
    found = get_initiative_or_404(request.user, municipality, initiative)
    return _page(
        request,
        "list.html",
        municipality,
        initiative=found,
        experiments=services.experiments_for_initiative(request.user, found),
        can_design=request.user.has_perm("experiments.design_experiment", found),
    )


def _design_form(initiative: Any, data: Any = None, initial: Any = None) -> DesignForm:
    assessed = services.assessed_zone(initiative)
    return DesignForm(
        data,
        initial=initial if initial is not None else {"zone": assessed},
        zones=services.zone_choices(),
        assessed=zone_name(Zone(assessed)) if assessed else "",
    )


@login_required
@municipality_view
def experiment_design(
    request: HttpRequest, municipality: Municipality, initiative: int
) -> HttpResponse:
    found = _permitted(
        request,
        "experiments.design_experiment",
        get_initiative_or_404(request.user, municipality, initiative),
    )
    return _form_page(
        request,
        municipality,
        "design.html",
        _design_form(found, _posted(request)),
        lambda data: services.design_experiment(found, request.user, **data),
        _("Eksperimentet er gemt. Vi minder jer om opfølgningen."),
        initiative=found,
    )


@_managing
def experiment_edit(
    request: HttpRequest, municipality: Municipality, found: Experiment
) -> HttpResponse:
    return _form_page(
        request,
        municipality,
        "design.html",
        _design_form(
            found.initiative,
            _posted(request),
            initial={name: getattr(found, name) for name in services.DESIGN_FIELDS},
        ),
        # An empty zone keeps the one the experiment has.
        lambda data: services.update_experiment(
            found, request.user, **{**data, "zone": data["zone"] or found.zone}
        ),
        _("Ændringerne er gemt."),
        initiative=found.initiative,
        experiment=found,
    )


@municipality_view
def experiment_detail(
    request: HttpRequest, municipality: Municipality, initiative: int, experiment: int
) -> HttpResponse:
    found = services.get_experiment_or_404(request.user, municipality, initiative, experiment)
    can_manage = request.user.has_perm("experiments.manage_experiment", found)
    reviews = services.reviews_of(found)
    return _page(
        request,
        "detail.html",
        municipality,
        initiative=found.initiative,
        experiment=found,
        zone_name=zone_name(Zone(found.zone)),
        reviews=reviews,
        can_manage=can_manage,
        can_edit=can_manage and not reviews,
        can_review=can_manage and found.status != Status.STOPPED,
        can_publish=can_manage and bool(found.learning) and found.library_learning_id is None,
    )


@_managing
def experiment_review(
    request: HttpRequest, municipality: Municipality, found: Experiment
) -> HttpResponse:
    return _form_page(
        request,
        municipality,
        "review.html",
        ReviewForm(_posted(request)),
        lambda data: services.review_experiment(found, request.user, **data),
        _("Opfølgningen er gemt."),
        initiative=found.initiative,
        experiment=found,
    )


@require_POST
@_managing
def experiment_publish(
    request: HttpRequest, municipality: Municipality, found: Experiment
) -> HttpResponse:
    done = _(
        "Læringen er lagt i kommunens læringsbibliotek. Forfatterne er spurgt, om den må "
        "deles med andre kommuner."
    )
    if not attempt(request, lambda: services.publish_learning(found, request.user), done):
        return redirect(found.get_absolute_url())
    # The service keeps the library's copy on the experiment.
    return redirect(found.library_learning.get_absolute_url())


@municipality_view
def portfolio(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return _page(
        request,
        "portfolio.html",
        municipality,
        portfolio=services.portfolio(request.user, municipality),
        csv_url=reverse("api:experiments_csv", kwargs={"code": municipality.code}),
        xlsx_url=reverse("api:experiments_xlsx", kwargs={"code": municipality.code}),
        json_url=reverse("api:experiments_json_file", kwargs={"code": municipality.code}),
        can_import=request.user.is_authenticated
        and bool(imports.initiatives_to_import_into(request.user, municipality)),
    )


# -- import ------------------------------------------------------------------------------------
# A queued task's id (a UUID); anything else is no import of ours.


@login_required
@municipality_view
def import_start(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """A file in the export's format; the rows go in as a background task, with a report."""
    user = request.user
    initiatives = imports.initiatives_to_import_into(user, municipality)
    if not initiatives:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, initiatives=initiatives)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            text = imports.read_upload(data["file"])
        except imports.Refused as exc:
            form.add_error("file", str(exc))
        else:
            result = import_experiments.enqueue(
                municipality_id=municipality.pk,
                actor_id=user.pk,
                initiative_id=data["initiative"].pk if data["initiative"] else None,
                text=text,
                valid_only=data["valid_only"],
                language=get_language(),
            )
            if result.is_finished:
                return _import_report(request, municipality, report_of(result))
            return redirect("experiments:import_report", municipality.slug, result.id)
    return _page(request, "import.html", municipality, 400 if form.is_bound else 200, form=form)


def _import_report(
    request: HttpRequest, municipality: Municipality, report: dict[str, Any] | None
) -> HttpResponse:
    status = 200 if report is None or report["stored"] else 400
    return _page(request, "import_report.html", municipality, status, report=report)


@login_required
@municipality_view
def import_report(request: HttpRequest, municipality: Municipality, result: str) -> HttpResponse:
    """A queued import's report, for the person who started it."""
    found = result_for(import_experiments, result, request.user, municipality)
    return _import_report(request, municipality, report_of(found))
