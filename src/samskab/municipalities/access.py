"""Fetch-and-authorise helpers: the only way views and the API reach municipality-owned objects.

A municipality is resolved from the URL and a django-scopes scope is opened for the rest of the
view, so every scoped query is filtered to that municipality. An object that exists in another
municipality, or that the person may not see, answers exactly like a missing one (404), so
nothing leaks about what exists elsewhere (zulip's access_stream_by_id does the same).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django_scopes import scope

from samskab.accounts.models import STAFF_ROLES, Role
from samskab.accounts.roles import user_roles
from samskab.municipalities.models import Movement, Municipality, Space, Visibility

M = TypeVar("M")


def get_municipality_or_404(slug: str) -> Municipality:
    return get_object_or_404(Municipality, slug=slug)


def municipality_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the `municipality` URL argument and run the view inside that municipality's scope."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, municipality: str, *args: Any, **kwargs: Any) -> HttpResponse:
        found = get_municipality_or_404(municipality)
        request.municipality = found  # type: ignore[attr-defined]
        with scope(municipality=found):
            return view(request, found, *args, **kwargs)

    return wrapper


@contextmanager
def municipality_scope(code: str) -> Iterator[Municipality]:
    """The API's twin of `municipality_view`: the municipality named by its code in the URL
    (404 when there is none), with its scope open for the rest of the endpoint."""
    if not (len(code) == 4 and code.isascii() and code.isdigit()):
        # Municipality codes are four digits; anything else (NUL, which PostgreSQL refuses in
        # text, included) is simply not one.
        raise Http404
    found = get_object_or_404(Municipality, code=code)
    with scope(municipality=found):
        yield found


def get_permitted_or_404(
    user: Any, queryset: QuerySet[M], municipality: Municipality, pk: int, perm: str
) -> M:
    """Object `pk` of `queryset` in `municipality`, if `user` holds `perm` on it; else 404."""
    found = queryset.filter(municipality=municipality, pk=pk).first()
    if found is None or not user.has_perm(perm, found):
        raise Http404
    return found


def get_movement(municipality: Municipality) -> Movement | None:
    return Movement.objects.filter(municipality=municipality).first()


def visible_spaces(user: Any, municipality: Municipality) -> QuerySet[Space]:
    """Spaces of this municipality the person may enter, in one query."""
    roles = user_roles(user, municipality.pk)
    if getattr(user, "is_superuser", False) or roles & {Role.ADMINISTRATOR, Role.FACILITATOR}:
        condition = Q()
    else:
        condition = Q(visibility=Visibility.PUBLIC)
        if roles & STAFF_ROLES:
            condition |= Q(visibility=Visibility.STAFF)
        if user.is_authenticated:
            condition |= Q(visibility=Visibility.INVITE, invitations__person=user)
    return (
        Space.objects.filter(municipality=municipality)
        .filter(condition)
        .select_related("municipality")
        .distinct()
    )


def get_space_or_404(user: Any, municipality: Municipality, slug: str) -> Space:
    """The space, if it exists in this municipality and the person may see it; else 404."""
    space = Space.objects.filter(municipality=municipality, slug=slug).first()
    if space is None or not user.has_perm("municipalities.view_space", space):
        raise Http404
    return space
