"""The search page: one query across challenges, ideas, statements, learnings and
initiatives of one municipality, grouped by kind. Each app's search read function decides
what the person may see (samskab.<app>.services, "for search"); the matching itself is
samskab.core.search. One query per kind, whatever the number of hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Membership
from samskab.challenges import services as challenges
from samskab.core import search
from samskab.initiatives import services as initiatives
from samskab.municipalities.models import Municipality
from samskab.opinions import services as opinions
from samskab.reflection import services as reflection

PER_KIND = 20


@dataclass
class Hit:
    title: str
    url: str
    excerpt: str = ""
    context: str = ""


@dataclass
class Group:
    kind: str
    heading: str
    hits: list[Hit] = field(default_factory=list)


def _municipality(request: HttpRequest) -> Municipality | None:
    """The municipality asked for (?kommune=slug), else the person's own (their first role)."""
    slug = request.GET.get("kommune", "")
    if slug and len(slug) <= 60:
        found = Municipality.objects.filter(slug=slug).first()
        if found is not None:
            return found
    user: Any = request.user
    if user.is_authenticated:
        # The person's own roles, read across municipalities to find their own.
        with scopes_disabled():
            mine = (
                Membership.objects.filter(person=user)
                .select_related("municipality")
                .order_by("pk")
                .first()
            )
        if mine is not None:
            return mine.municipality
    return None


def _groups(user: Any, municipality: Municipality, query: str) -> list[Group]:
    ex = search.excerpt
    groups = [
        Group(
            "challenges",
            _("Udfordringer"),
            [
                Hit(c.title, c.get_absolute_url(), ex(c.description, query))
                for c in challenges.search_challenges(user, municipality, query, limit=PER_KIND)
            ],
        ),
        Group(
            "ideas",
            _("Idéer"),
            [
                Hit(i.title, i.get_absolute_url(), ex(i.body, query), i.challenge.title)
                for i in challenges.search_ideas(user, municipality, query, limit=PER_KIND)
            ],
        ),
        Group(
            "statements",
            _("Udsagn"),
            [
                Hit(
                    ex(s.text, query),
                    s.conversation.get_absolute_url(),
                    "",
                    s.conversation.title,
                )
                for s in opinions.search_statements(user, municipality, query, limit=PER_KIND)
            ],
        ),
        Group(
            "learnings",
            _("Læring"),
            [
                Hit(learning.title, _learning_url(user, learning), ex(learning.text, query))
                for learning in reflection.search_learnings(
                    user, municipality, query, limit=PER_KIND
                )
            ],
        ),
        Group(
            "initiatives",
            _("Initiativer"),
            [
                Hit(i.title, i.get_absolute_url(), ex(i.purpose, query))
                for i in initiatives.search_initiatives(user, municipality, query, limit=PER_KIND)
            ],
        ),
    ]
    return groups


def _learning_url(user: Any, learning: Any) -> str:
    if user.has_perm("reflection.view_learning", learning):
        return str(learning.get_absolute_url())
    return reverse("reflection:shared_learning", args=[learning.pk])


def search_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q")
    municipality = _municipality(request)
    context: dict[str, Any] = {
        "municipality": municipality,
        "municipalities": Municipality.objects.order_by("name").only("slug", "name"),
        "query": "",
        "groups": [],
        "error": "",
        "total": 0,
    }
    status = 200
    if raw is not None:
        try:
            query = search.prepare(raw)
        except search.QueryError as error:
            context["error"] = str(error)
            context["query"] = search.clean_query(raw)[: search.MAX_QUERY_LENGTH]
            status = 400
        else:
            context["query"] = query
            if municipality is None:
                context["error"] = _("Vælg, hvilken kommune du vil søge i.")
                status = 400
            else:
                with scope(municipality=municipality):
                    groups = _groups(request.user, municipality, query)
                context["groups"] = [g for g in groups if g.hits]
                context["total"] = sum(len(g.hits) for g in groups)
    return render(request, "search/search.html", context, status=status)
