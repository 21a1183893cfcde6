"""Searching the learning library in Danish: a small seam with two engines.

The simple engine works everywhere (SQLite included): title, text and tags are stored once,
normalised, in `Learning.search_text`, and every word of the query must occur in it. Both sides
are normalised the same way: Unicode NFKC, case folded with Python (SQLite's own LIKE folds only
ASCII, so "Æ" would not find "æ"), and the old spelling "aa" read as "å" (Aarhus/Århus). On
PostgreSQL a hit from full-text search with the 'danish' configuration (stemming: "borgere"
finds "borger") is added to the simple engine's hits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet

# The normalising and cleaning every search shares (samskab.core.search); named here too, as
# the reflection app has always used them.
from samskab.core.search import clean_query as clean_query
from samskab.core.search import normalise as normalise


def search_text(title: str, text: str, tags: Iterable[str]) -> str:
    return normalise(" ".join([title, text, *tags]))


def clean_tags(raw: str | Iterable[str]) -> list[str]:
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for part in parts:
        tag = " ".join(str(part).split()).lower()[:40]
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:10]


def search(queryset: QuerySet, query: str) -> QuerySet:
    query = clean_query(query)
    words = normalise(query).split()
    if not words:
        return queryset
    simple = Q()
    for word in words[:10]:
        simple &= Q(search_text__contains=word)
    if connection.vendor != "postgresql":
        return queryset.filter(simple)
    from django.contrib.postgres.search import SearchQuery, SearchVector

    vector = SearchVector("title", "text", config="danish")
    return queryset.annotate(_search=vector).filter(
        simple | Q(_search=SearchQuery(query, config="danish", search_type="plain"))
    )
