"""Searching the learning library in Danish: a small seam with two engines.

The simple engine works everywhere (SQLite included): title, text and tags are stored once,
normalised, in `Learning.search_text`, and every word of the query must occur in it. Both sides
are normalised the same way: Unicode NFKC, case folded with Python (SQLite's own LIKE folds only
ASCII, so "Æ" would not find "æ"), and the old spelling "aa" read as "å" (Aarhus/Århus). On
PostgreSQL a hit from full-text search with the 'danish' configuration (stemming: "borgere"
finds "borger") is added to the simple engine's hits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(folded.replace("aa", "å").split())


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


def clean_query(query: str | None) -> str:
    """The query without control characters and lone surrogates: PostgreSQL refuses a NUL in
    any string, and a lone surrogate cannot be encoded, so either would end in a server error.
    Nobody searches for them on purpose, so they are dropped rather than refused, as is the
    replacement character that broken UTF-8 in the address turns into."""
    return "".join(
        " " if ch.isspace() else ch
        for ch in (query or "")
        if ch.isspace() or (ch != "\ufffd" and unicodedata.category(ch) not in {"Cc", "Cs"})
    )


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
