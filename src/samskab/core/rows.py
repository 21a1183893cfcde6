"""Whole model rows from one hand-written query, for the few paths that run thousands of times
a second (a vote: bench/bench_votes.py).

Building a query through the ORM costs more Python than the database spends answering it (the
statement a vote is for, with its conversation, municipality and space, took a millisecond to
compile). `columns()` names a model's columns once; `instance()` turns that slice of a row back
into the model with the same conversions the ORM applies, so the object behaves as one the ORM
loaded. `cursor()` runs such a query so that PostgreSQL plans it once per connection: planning
the vote's statements cost the database more than running them (pgbench with our queries: 4.4×
the reads a second prepared, 2.3× the whole vote).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


@cache
def _fields(model: type[models.Model]) -> tuple[models.Field, ...]:  # type: ignore[type-arg]
    return tuple(model._meta.concrete_fields)


def columns(model: type[models.Model], alias: str) -> str:
    """The model's columns, in field order, as `alias."column", …` for a SELECT list."""
    return ", ".join(f'{alias}."{f.column}"' for f in _fields(model))


def width(model: type[models.Model]) -> int:
    return len(_fields(model))


@cache
def _plan(
    model: type[models.Model], vendor: str
) -> tuple[int, list[str], list[tuple[int, Any, Any]]]:
    """(primary key's position, attribute names, [(position, column, converters)])."""
    fields = _fields(model)
    convert = []
    for i, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        found = [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
        if found:
            convert.append((i, col, found))
    pk = [f.primary_key for f in fields].index(True)
    return pk, [f.attname for f in fields], convert


def instance(model: type[M], values: Sequence[Any]) -> M | None:
    """The model from its columns' values as `columns()` selected them; None for a LEFT JOIN
    that found no row."""
    pk, names, convert = _plan(model, connection.vendor)
    if values[pk] is None:
        return None
    row = list(values)
    for i, col, converters in convert:
        for converter in converters:
            row[i] = converter(row[i], col, connection)
    return model.from_db(connection.alias, names, row)


def instances(row: Sequence[Any], *models_: type[models.Model]) -> list[Any]:
    """One object per model from a row that selected `columns()` of each, in that order."""
    found, start = [], 0
    for model in models_:
        found.append(instance(model, row[start : start + width(model)]))
        start += width(model)
    return found


def is_id(value: Any) -> bool:
    """Whether a value can be a primary key: a positive integer the database's bigint holds.
    Any other finds no row, as through the ORM, rather than an error from the database."""
    return isinstance(value, int) and 0 < value < 2**63


def link(obj: models.Model, field_name: str, related: models.Model | None) -> None:
    """Set a foreign key's loaded object, as select_related does."""
    obj._meta.get_field(field_name).set_cached_value(obj, related)  # type: ignore[union-attr]


@contextmanager
def cursor() -> Iterator[Any]:
    """A database cursor whose statements PostgreSQL keeps prepared on the connection (the
    parameters bound by the server, the plan made once); elsewhere Django's own cursor.

    Django leaves prepared statements off for every query, for connection poolers; behind
    PgBouncer these few need version 1.21 or later with `max_prepared_statements` set. The
    cursor goes through Django's wrapper, so errors, transactions and query logging (the tests'
    query counts) are as for any other query."""
    if connection.vendor != "postgresql":
        with connection.cursor() as found:
            yield found
        return
    connection.ensure_connection()
    wrapped = connection._prepare_cursor(_prepared_cursor_class()(connection.connection))
    try:
        yield wrapped
    finally:
        wrapped.close()


@cache
def _prepared_cursor_class() -> type:
    import psycopg

    class PreparedCursor(psycopg.Cursor):  # type: ignore[type-arg]
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True, **kwargs)

        def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
            # psycopg keeps the query it ran only when it did not prepare it; Django's query
            # log (DEBUG, the tests' query counts) reads it from there.
            self._query = pgq
            super()._send_query_prepared(name, pgq, **kwargs)

    return PreparedCursor
