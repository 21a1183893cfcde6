"""Helpers every capability's tests use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(fetch: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        result = fetch()
    return len(ctx.captured_queries), result


def assert_flat_query_count(
    fetch: Callable[[], Any], add_items: Callable[[int], None], *, more: int = 10
) -> None:
    """A page's query count must not grow with its number of items (no N+1).

    `fetch` loads the page (and should assert it rendered); `add_items(n)` adds n more items of
    the kind the page lists. With one item in place the page is loaded to warm caches,
    measured, grown by `more` items, and measured again.
    """
    add_items(1)
    fetch()
    before, _ = count_queries(fetch)
    add_items(more)
    after, _ = count_queries(fetch)
    assert after == before, (
        f"query count grew from {before} to {after} after adding {more} items: an N+1 query"
    )
