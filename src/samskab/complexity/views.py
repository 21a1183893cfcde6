from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samskab.accounts.roles import declarable_roles, role_label
from samskab.challenges.services import get_challenge_or_404
from samskab.complexity import presentation, services
from samskab.complexity.access import get_round_or_404
from samskab.complexity.forms import RatingForm, ZoneForm
from samskab.complexity.models import AssessmentRound, ZoneSettings
from samskab.core.exports import Table, table_download
from samskab.municipalities.access import municipality_view
from samskab.municipalities.models import Municipality


@municipality_view
def assessment(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    rounds = list(
        AssessmentRound.objects.filter(challenge=found)
        .select_related("municipality")
        .annotate(n_ratings=Count("ratings"))
        .order_by("number")
    )
    return render(
        request,
        "complexity/assessment.html",
        {
            "municipality": municipality,
            "challenge": found,
            "rounds": rounds,
            "can_manage": request.user.has_perm("complexity.manage_assessment", found),
            "can_change_zones": request.user.has_perm("complexity.change_zones", municipality),
            "zone_list": [
                {"number": int(z), "name": presentation.zone_name(z)} for z in presentation.Zone
            ],
        },
    )


@require_POST
@login_required
@municipality_view
def round_open(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    if not request.user.has_perm("complexity.manage_assessment", found):
        raise PermissionDenied
    created = services.open_round(found, request.user)
    messages.success(
        request,
        _("Runde %(number)d er åben. Del siden med deltagerne.") % {"number": created.number},
    )
    return redirect(created.get_absolute_url())


def _roles(request: HttpRequest, municipality: Municipality) -> list[tuple[str, str]]:
    return [(r, role_label(r)) for r in declarable_roles(request.user, municipality.pk)]


def _render_round(
    request: HttpRequest,
    municipality: Municipality,
    round_: AssessmentRound,
    form: RatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    thresholds = services.thresholds_for(municipality.pk)
    ratings = services.ratings_of(round_)
    summary = presentation.summarise(ratings, thresholds)
    previous = (
        AssessmentRound.objects.filter(challenge_id=round_.challenge_id, number__lt=round_.number)
        .order_by("-number")
        .first()
    )
    previous_summary = (
        presentation.summarise(services.ratings_of(previous), thresholds) if previous else None
    )
    mine = services.my_rating(round_, user)
    can_rate = user.has_perm("complexity.rate", round_)
    if form is None and can_rate:
        initial: dict[str, Any] = {}
        if mine is not None:
            initial = {
                "agreement": mine.agreement,
                "certainty": mine.certainty,
                "role": mine.role,
                "reason": mine.reason,
            }
        form = RatingForm(initial=initial, roles=_roles(request, municipality))
    result = None
    if summary is not None:
        result = presentation.build(
            summary, previous_summary, [r.reason for r in ratings if r.reason]
        )
    return render(
        request,
        "complexity/round.html",
        {
            "municipality": municipality,
            "challenge": round_.challenge,
            "round": round_,
            "previous": previous,
            "form": form,
            "mine": mine,
            "can_rate": can_rate,
            "can_manage": user.has_perm("complexity.manage_assessment", round_),
            "result": result,
        },
        status=status,
    )


@municipality_view
def round_detail(
    request: HttpRequest, municipality: Municipality, challenge: int, number: int
) -> HttpResponse:
    found = get_round_or_404(request.user, municipality, challenge, number)
    return _render_round(request, municipality, found)


@municipality_view
def round_csv(
    request: HttpRequest, municipality: Municipality, challenge: int, number: int, fmt: str = "csv"
) -> HttpResponse:
    """The round's summary for a spreadsheet (CSV for Danish Excel, or xlsx): overall and per
    role (roles with too few answers left out)."""
    found = get_round_or_404(request.user, municipality, challenge, number)
    summary = presentation.summarise(
        services.ratings_of(found), services.thresholds_for(municipality.pk)
    )
    table = Table(
        _("Kompleksitet runde %(number)s") % {"number": found.number},
        [
            _("Gruppe"),
            _("Svar"),
            _("Enighed (%)"),
            _("Sikkerhed (%)"),
            _("Spredning i enighed"),
            _("Spredning i sikkerhed"),
            _("Zone"),
            _("Zonens navn"),
        ],
    )
    if summary is not None:
        built = presentation.build(summary)
        for point in [built["overall"], *built["roles"]]:
            table.rows.append(
                [
                    point.label,
                    point.n,
                    point.agreement,
                    point.certainty,
                    point.spread_agreement,
                    point.spread_certainty,
                    point.zone,
                    point.zone_name,
                ]
            )
    what = f"kompleksitet-udfordring-{found.challenge_id}-runde-{found.number}"
    return table_download(table, municipality.slug, what, fmt)


@require_POST
@login_required
@municipality_view
def round_rate(
    request: HttpRequest, municipality: Municipality, challenge: int, number: int
) -> HttpResponse:
    found = get_round_or_404(request.user, municipality, challenge, number)
    form = RatingForm(request.POST, roles=_roles(request, municipality))
    if not found.is_open:
        # Keep what the person chose, and say why nothing was saved.
        form.is_valid()
        form.add_error(None, _("Runden er lukket, så dit svar kan ikke gemmes længere."))
        return _render_round(request, municipality, found, form=form, status=400)
    if not request.user.has_perm("complexity.rate", found):
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.rate(
                found,
                request.user,
                agreement=data["agreement"],
                certainty=data["certainty"],
                role=data.get("role") or None,
                reason=data["reason"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Tak! Dit svar er gemt."))
            return redirect(found.get_absolute_url() + "#resultat")
    return _render_round(request, municipality, found, form=form, status=400)


@require_POST
@login_required
@municipality_view
def round_toggle(
    request: HttpRequest, municipality: Municipality, challenge: int, number: int
) -> HttpResponse:
    found = get_round_or_404(request.user, municipality, challenge, number)
    if not request.user.has_perm("complexity.manage_assessment", found):
        raise PermissionDenied
    if request.POST.get("open") == "1":
        services.set_round_open(found, request.user, is_open=True)
        messages.success(request, _("Runden er åben igen."))
    else:
        services.set_round_open(found, request.user, is_open=False)
        messages.success(request, _("Runden er lukket."))
    return redirect(found.get_absolute_url())


@login_required
@municipality_view
def zones(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if not request.user.has_perm("complexity.change_zones", municipality):
        raise PermissionDenied
    current = ZoneSettings.objects.filter(municipality=municipality).first()
    t = presentation.thresholds_of(current)
    initial = {
        "high": round(t.high * 100),
        "low": round(t.low * 100),
        "chaos": round(t.chaos * 100),
    }
    form = ZoneForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_thresholds(
                    municipality,
                    request.user,
                    high=data["high"] / 100,
                    low=data["low"] / 100,
                    chaos=data["chaos"] / 100,
                )
            except services.ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Zonegrænserne er gemt."))
                return redirect("complexity:zones", municipality.slug)
        return render(
            request,
            "complexity/zones.html",
            {"municipality": municipality, "form": form},
            status=400,
        )
    return render(request, "complexity/zones.html", {"municipality": municipality, "form": form})
