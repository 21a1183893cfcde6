"""Path converters shared by every app's urls.py.

`<id:...>` replaces `<int:...>` for database ids and numbers: an id beyond what the database's
64-bit integer holds would otherwise reach a query and fail there (OverflowError on SQLite, a
range error on PostgreSQL) as a 500. 18 digits stay below 2**63, so a longer number never
matches the URL and is a plain 404.
"""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(IdConverter, "id")
