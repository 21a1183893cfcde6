"""The municipalities part of the API: the same lookups as the pages, the same tenancy rules."""

from __future__ import annotations

from django.http import HttpRequest
from django_scopes import scopes_disabled
from ninja import Router, Schema

from samskab.municipalities.access import get_movement, municipality_scope, visible_spaces
from samskab.municipalities.models import Movement, Municipality

router = Router(tags=["municipalities"])


class MunicipalityOut(Schema):
    code: str
    name: str
    slug: str
    region_code: str
    region_name: str
    has_movement: bool


class MovementOut(Schema):
    title: str
    description: str


class MunicipalityDetailOut(MunicipalityOut):
    movement: MovementOut | None


class SpaceOut(Schema):
    slug: str
    title: str
    description: str
    visibility: str


def _out(m: Municipality, has_movement: bool) -> dict[str, object]:
    return {
        "code": m.code,
        "name": m.name,
        "slug": m.slug,
        "region_code": m.region_code,
        "region_name": m.region_name,
        "has_movement": has_movement,
    }


@router.get("/municipalities", response=list[MunicipalityOut])
def list_municipalities(request: HttpRequest) -> list[dict[str, object]]:
    """All 98 municipalities, with whether each has opened a movement."""
    with scopes_disabled():
        active = set(Movement.objects.values_list("municipality_id", flat=True))
    return [_out(m, m.pk in active) for m in Municipality.objects.order_by("code")]


@router.get("/municipalities/{code}", response=MunicipalityDetailOut)
def get_municipality(request: HttpRequest, code: str) -> dict[str, object]:
    with municipality_scope(code) as municipality:
        movement = get_movement(municipality)
    data = _out(municipality, movement is not None)
    data["movement"] = (
        {"title": movement.title, "description": movement.description} if movement else None
    )
    return data


@router.get("/municipalities/{code}/spaces", response=list[SpaceOut])
def list_spaces(request: HttpRequest, code: str) -> list[object]:
    """The spaces the caller may see: public ones for everybody, more for the municipality's own."""
    with municipality_scope(code) as municipality:
        return list(visible_spaces(request.user, municipality).order_by("title"))
