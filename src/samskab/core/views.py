from __future__ import annotations

from itertools import groupby

from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_scopes import scopes_disabled

from samskab.municipalities.models import Movement, Municipality, Visibility


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


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: is the database answering?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse(
            {"status": "error", "database": "error", "detail": exc.__class__.__name__}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})
