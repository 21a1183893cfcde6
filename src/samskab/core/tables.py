"""Every table Samskab keeps, counted and summed, so two copies of a database can be compared.

`samskab move-to-postgres` compares the laptop's SQLite file with the PostgreSQL copy it made,
and the backup test compares a database with its `pg_dump`/`pg_restore` copy, both with
`table_summaries`: per table the number of rows and a SHA-256 over the rows in primary-key
order, each value written in one form whatever the database (a time in UTC, a decimal without
trailing zeros, JSON with sorted keys), so the same data gives the same sum on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

BATCH = 2000


@dataclass(frozen=True)
class TableSummary:
    table: str
    rows: int
    checksum: str


def all_models() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many tables included, in a stable order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True, include_swapped=False)
        if model._meta.managed and not model._meta.proxy
    ]
    return sorted(found, key=lambda model: model._meta.db_table)


def stored_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field for field in model._meta.concrete_fields if not getattr(field, "generated", False)
    ]


def _normal(value: Any) -> Any:
    """One form for a value, whichever database it came from."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"{value // dt.timedelta(microseconds=1)}us"
    if isinstance(value, decimal.Decimal):
        return f"D{value.normalize():f}" if value else "D0"
    if isinstance(value, bytes | memoryview | bytearray):
        return "B" + bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


def _line(row: Iterable[Any]) -> bytes:
    return json.dumps([_normal(v) for v in row], sort_keys=True, ensure_ascii=False).encode()


def _integer_key(model: type[models.Model]) -> bool:
    pk = model._meta.pk
    return isinstance(pk, models.AutoField | models.BigAutoField | models.IntegerField) or (
        isinstance(pk, models.ForeignKey) and _integer_key(pk.related_model)
    )


def rows(model: type[models.Model], using: str) -> Iterator[tuple[Any, ...]]:
    """The model's rows as stored (values converted by Django, as it reads them), by key."""
    names = [field.attname for field in stored_fields(model)]
    query = model._base_manager.using(using).values_list(*names)
    if _integer_key(model):
        # Integers sort the same everywhere; walk the table in slices of the key.
        pk = model._meta.pk.attname
        position = names.index(pk)
        last = None
        while True:
            page = query.order_by(pk)
            if last is not None:
                page = page.filter(**{f"{pk}__gt": last})
            batch = list(page[:BATCH])
            yield from batch
            if len(batch) < BATCH:
                return
            last = batch[-1][position]
    else:
        # Text keys (sessions) sort by collation, which differs between databases: sort here.
        position = names.index(model._meta.pk.attname)
        yield from sorted(query.order_by(), key=lambda row: str(row[position]))


def summarise(model: type[models.Model], using: str) -> TableSummary:
    digest = hashlib.sha256()
    count = 0
    for row in rows(model, using):
        digest.update(_line(row))
        digest.update(b"\n")
        count += 1
    return TableSummary(model._meta.db_table, count, digest.hexdigest())


def table_summaries(using: str = "default") -> dict[str, TableSummary]:
    """Rows and checksum of every table of every installed app, by table name."""
    return {summary.table: summary for summary in (summarise(m, using) for m in all_models())}


def differences(source: dict[str, TableSummary], target: dict[str, TableSummary]) -> list[str]:
    """The tables whose rows or checksum differ (or that one side lacks)."""
    return sorted(
        table for table in source.keys() | target.keys() if source.get(table) != target.get(table)
    )
