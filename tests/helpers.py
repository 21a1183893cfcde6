"""Helpers every capability's tests use."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
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


def this_runs_database_url() -> str:
    """The test run's own database as a DATABASE_URL, for a `samskab` process the test starts."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[int]:
    """A real `samskab serve` on a free loopback port with this environment, on the test's own
    database, yielding the port once it answers; stopped afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**env, "DATABASE_URL": this_runs_database_url()}
    samskab = str(Path(sys.executable).parent / "samskab")
    process = subprocess.Popen(
        [samskab, "serve", "--port", str(port), "--no-worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts Django slowly
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "samskab serve did not start"
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        process.communicate(timeout=10)
