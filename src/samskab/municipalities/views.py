from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from samskab.core.errors import ServiceError
from samskab.municipalities import services
from samskab.municipalities.access import (
    get_movement,
    get_space_or_404,
    municipality_view,
    visible_spaces,
)
from samskab.municipalities.forms import InviteForm, MovementForm, SpaceForm
from samskab.municipalities.models import Movement, Municipality, Visibility
from samskab.municipalities.panels import (
    MOVEMENT_LEAD_PANELS,
    MOVEMENT_PANELS,
    MOVEMENT_STARTERS,
    SPACE_PANELS,
    panels_for,
)


@municipality_view
def municipality_detail(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    movement = get_movement(municipality)
    spaces = list(visible_spaces(request.user, municipality).order_by("title")) if movement else []
    return render(
        request,
        "municipalities/detail.html",
        {
            "municipality": municipality,
            "movement": movement,
            "spaces": spaces,
            "can_open": request.user.has_perm("municipalities.open_movement", municipality),
            "can_add_space": request.user.has_perm("municipalities.add_space", municipality),
            "movement_panels": panels_for(request, municipality, MOVEMENT_PANELS),
            "lead_panels": (
                panels_for(request, municipality, MOVEMENT_LEAD_PANELS) if movement else []
            ),
        },
    )


@login_required
@municipality_view
def open_movement(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if not request.user.has_perm("municipalities.open_movement", municipality):
        raise PermissionDenied
    if get_movement(municipality) is not None:
        messages.info(request, _("Kommunen har allerede en bevægelse."))
        return redirect(municipality.get_absolute_url())
    form = MovementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        mayor_question = data.pop("mayor_question")
        try:
            movement = services.open_movement(municipality, request.user, **data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if mayor_question:
                try:
                    for start in MOVEMENT_STARTERS:
                        start(movement, request.user)
                except ServiceError as exc:
                    # The movement stands; only the starting question could not be made.
                    messages.error(request, str(exc))
            messages.success(request, _("Bevægelsen er startet."))
            return redirect(municipality.get_absolute_url())
    return render(
        request, "municipalities/movement_form.html", {"municipality": municipality, "form": form}
    )


@login_required
@municipality_view
def space_create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if not request.user.has_perm("municipalities.add_space", municipality):
        raise PermissionDenied
    movement = get_movement(municipality)
    if movement is None:
        messages.info(request, _("Start bevægelsen, før du opretter rum."))
        return redirect(municipality.get_absolute_url())
    form = SpaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            space = services.create_space(movement, request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Rummet er oprettet."))
            return redirect(space.get_absolute_url())
    return render(
        request, "municipalities/space_form.html", {"municipality": municipality, "form": form}
    )


@municipality_view
def space_detail(request: HttpRequest, municipality: Municipality, space: str) -> HttpResponse:
    found = get_space_or_404(request.user, municipality, space)
    return render(
        request,
        "municipalities/space_detail.html",
        {
            "municipality": municipality,
            "space": found,
            "panels": panels_for(request, found, SPACE_PANELS),
            "can_invite": found.visibility == "invite"
            and request.user.has_perm("municipalities.invite_to_space", found),
        },
    )


@login_required
@municipality_view
def space_invite(request: HttpRequest, municipality: Municipality, space: str) -> HttpResponse:
    found = get_space_or_404(request.user, municipality, space)
    if not request.user.has_perm("municipalities.invite_to_space", found):
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_to_space(found, request.user, email=form.cleaned_data["email"])
        except ServiceError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("Invitationen er sendt."))
            return redirect(found.get_absolute_url())
    return render(
        request,
        "municipalities/invite_form.html",
        {"municipality": municipality, "space": found, "form": form},
    )


def home(request: HttpRequest) -> HttpResponse:
    # The front page is the one place that looks across every municipality at once.
    with scopes_disabled():
        movements = list(
            Movement.objects.select_related("municipality")
            .annotate(public_spaces=Count("spaces", filter=Q(spaces__visibility=Visibility.PUBLIC)))
            .order_by("municipality__name")
        )
    municipalities = Municipality.objects.order_by("region_name", "name").only(
        "name", "slug", "region_name", "code"
    )
    regions = [
        (name, list(items)) for name, items in groupby(municipalities, lambda m: m.region_name)
    ]
    return render(request, "core/home.html", {"movements": movements, "regions": regions})
