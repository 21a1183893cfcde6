"""Searching in Danish: one seam, two engines, for every app's search read function.

Every word of the query must occur in one of the given fields. Both sides are normalised the
same way: Unicode NFKC, case folded with Python's rules (SQLite's own LIKE and lower() fold only
ASCII, so "Æ" would not find "æ"), and the old spelling "aa" read as "å" (Aarhus/Århus). On
SQLite that folding runs in the database as a small registered function; on PostgreSQL a hit
from full-text search with the 'danish' configuration (stemming: "borgere" finds "borger") is
added to case-insensitive word hits (PostgreSQL folds æ, ø and å itself).

The apps decide what a person may see; this module only narrows a queryset they give it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.db import connection
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext as _

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
FOLD_FUNCTION = "samskab_fold"


class QueryError(ValueError):
    """A query that cannot be searched for; the message says why, in Danish."""


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(folded.replace("aa", "å").split())


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


def prepare(raw: str | None) -> str:
    """The query as the search page searches for it, or QueryError with a Danish message."""
    if raw is not None and len(raw) > MAX_QUERY_LENGTH * 5:
        # Not even cleaned: a 10,000-character address is refused before any work.
        raise QueryError(_too_long(len(raw)))
    query = " ".join(clean_query(raw).split())
    if not query:
        raise QueryError(_("Skriv et eller flere ord, du vil søge efter."))
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(_too_long(len(query)))
    return query


def _too_long(count: int) -> str:
    from samskab.core.fields import count_text

    return _("Søgningen må højst være %(limit)s tegn – du har skrevet %(count)s.") % {
        "limit": count_text(MAX_QUERY_LENGTH),
        "count": count_text(count),
    }


def _fold_in_sqlite(value: str | None) -> str:
    return normalise(value or "")


def _register_fold() -> None:
    connection.ensure_connection()
    # Registering again on the same connection replaces the function: cheap and idempotent.
    connection.connection.create_function(FOLD_FUNCTION, 1, _fold_in_sqlite, deterministic=True)


def search(queryset: QuerySet, query: str, fields: Sequence[str]) -> QuerySet:
    """The rows of `queryset` where every word of `query` occurs in one of `fields`."""
    query = clean_query(query)
    words = normalise(query).split()[:MAX_WORDS]
    if not words or not fields:
        return queryset
    if connection.vendor == "sqlite":
        _register_fold()
        parts: list = []
        for name in fields:
            parts += [Coalesce(name, Value(""), output_field=TextField()), Value(" ")]
        folded = Func(
            Concat(*parts, output_field=TextField()),
            function=FOLD_FUNCTION,
            output_field=TextField(),
        )
        simple = Q()
        for word in words:
            simple &= Q(_folded__contains=word)
        return queryset.annotate(_folded=folded).filter(simple)
    simple = Q()
    for word in words:
        # "aa" was folded to "å" above; the stored text may still spell it "aa".
        spellings = {word, word.replace("å", "aa")}
        any_field = Q()
        for name in fields:
            for spelling in spellings:
                any_field |= Q(**{f"{name}__icontains": spelling})
        simple &= any_field
    if connection.vendor != "postgresql":
        return queryset.filter(simple)
    from django.contrib.postgres.search import SearchQuery, SearchVector

    vector = SearchVector(*fields, config="danish")
    return queryset.annotate(_search=vector).filter(
        simple | Q(_search=SearchQuery(query, config="danish", search_type="plain"))
    )


def excerpt(text: str, query: str, width: int = 160) -> str:
    """A short piece of `text` around the first word of the query found in it (plain text)."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    folded = unicodedata.normalize("NFKC", text).casefold()
    at = -1
    for word in normalise(clean_query(query)).split():
        for spelling in (word, word.replace("å", "aa")):
            at = folded.find(spelling)
            if at >= 0:
                break
        if at >= 0:
            break
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
