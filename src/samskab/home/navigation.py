"""The main navigation: which municipality is "mine", and the links the person may use there.

Built once per request (kept on the request) and only when a template reads it, so a page that
shows no menu pays nothing. At most four queries: the person's roles (shared with every
permission check on the page), their municipality when the page is not inside one, the
moderation count for those who moderate, and the unread notifications of those logged in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope

from samskab.accounts.roles import user_roles
from samskab.challenges import services as challenge_services
from samskab.municipalities.models import Municipality
from samskab.notifications import services as notification_services


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool = False
    badge: int = 0
    badge_label: str = ""


@dataclass(frozen=True)
class Navigation:
    municipality: Municipality | None
    items: tuple[NavItem, ...]
    moderation_waiting: int = 0
    unread_notifications: int = 0


def my_municipality(request: HttpRequest) -> Municipality | None:
    """The municipality the page is in; else the one the person holds a role in (the first by
    name when several); else none."""
    current = getattr(request, "municipality", None)
    if current is not None:
        return current
    user = request.user
    if not user.is_authenticated:
        return None
    user_roles(user, 0)  # loads and caches all of the person's memberships in one query
    ids = [mid for mid, roles in getattr(user, "_samskab_roles", {}).items() if roles]
    if not ids:
        return None
    return Municipality.objects.filter(pk__in=ids).order_by("name").first()


def _is_current(path: str, url: str, *, exact: bool = False) -> bool:
    return path == url if exact else path.startswith(url)


def build(request: HttpRequest) -> Navigation:
    cached: Navigation | None = getattr(request, "_samskab_nav", None)
    if cached is not None:
        return cached
    user = request.user
    path = request.path
    municipality = my_municipality(request)
    items: list[NavItem] = []
    waiting = 0
    if municipality is None:
        home = reverse("home")
        items.append(NavItem(_("Kommuner"), home, _is_current(path, home, exact=True)))
    else:
        slug = municipality.slug
        page = reverse("municipalities:detail", args=[slug])
        items.append(NavItem(str(municipality.name), page, _is_current(path, page, exact=True)))
        items.append(
            NavItem(
                _("Udfordringer"),
                page + "#udfordringer",
                path.startswith(page + "udfordringer/"),
            )
        )
        initiatives = reverse("initiatives:list", args=[slug])
        items.append(NavItem(_("Initiativer"), initiatives, _is_current(path, initiatives)))
        if user.has_perm("landscape.view_landscape", municipality):
            landscape = reverse("landscape:landscape", args=[slug])
            items.append(NavItem(_("Landskab"), landscape, _is_current(path, landscape)))
            dashboard = reverse("landscape:dashboard", args=[slug])
            items.append(NavItem(_("Overblik"), dashboard, _is_current(path, dashboard)))
        if user.is_authenticated and user.has_perm("challenges.moderate", municipality):
            # The menu renders after the view's own scope has ended.
            with scope(municipality=municipality):
                waiting = challenge_services.moderation_waiting(user, municipality)
            queue = reverse("challenges:moderation", args=[slug])
            items.append(
                NavItem(
                    _("Moderation"),
                    queue,
                    _is_current(path, queue),
                    badge=waiting,
                    badge_label=ngettext("%(n)s venter", "%(n)s venter", waiting) % {"n": waiting},
                )
            )
    search = reverse("search:search")
    items.append(
        NavItem(
            _("Søg"),
            search + (f"?{urlencode({'kommune': municipality.slug})}" if municipality else ""),
            _is_current(path, search),
        )
    )
    join = reverse("workshops:join")
    items.append(NavItem(_("Workshop"), join, _is_current(path, join)))
    if user.is_authenticated:
        mine = reverse("home:me")
        items.append(NavItem(_("Mine sider"), mine, _is_current(path, mine)))
    # One more query for those logged in: the count beside "Notifikationer" in the header.
    unread = notification_services.unread_count(user) if user.is_authenticated else 0
    found = Navigation(municipality, tuple(items), waiting, unread)
    request._samskab_nav = found  # type: ignore[attr-defined]
    return found


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: `main_nav`, evaluated on first use."""
    from django.utils.functional import SimpleLazyObject

    return {"main_nav": SimpleLazyObject(lambda: build(request))}
