"""The privacy notice (privatlivspolitik): what Samskab stores about a person, why, for how long,
their rights and who is responsible. Linked from sign-up and the footer of every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_scopes import scopes_disabled

from samskab.accounts.models import Membership


def _municipality(request: HttpRequest):
    """The municipality the notice is read for: the page's own, else the person's first."""
    current = getattr(request, "municipality", None)
    if current is not None or not request.user.is_authenticated:
        return current
    # A person's own memberships span municipalities by nature (as in accounts.roles).
    with scopes_disabled():
        found = (
            Membership.objects.filter(person=request.user)
            .select_related("municipality")
            .order_by("municipality__name")
            .first()
        )
    return found.municipality if found else None


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/privacy.html",
        {
            "municipality": _municipality(request),
            "guest_days": settings.SAMSKAB_WORKSHOP_GUEST_DAYS,
        },
    )
