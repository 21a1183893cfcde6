"""The web server behind `samskab serve`: waitress, sized for a room full of phones, with the
big screen's polls first in line.

Waitress hands finished requests to its threads in arrival order. When a room of 200 phones
joins in the same second, a big screen's poll would wait behind all of them, and the answers
would reach the screen seconds late. The screen's poll is small (a fixed number of queries) and
it is what the whole room is looking at, so it goes to the front of the queue. Nothing else
changes order, and a handful of screens polling once a second cannot starve the phones.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from django.db import connections
from waitress.server import create_server
from waitress.task import ThreadedTaskDispatcher

# Open connections at once. Waitress's default of 100 is too few for a workshop: every phone's
# browser keeps its connection open between requests, so with 200 phones in the room the 101st
# (and the big screen) would wait for an idle connection to time out before it got in.
CONNECTIONS = 500

# Paths served ahead of the queue: the live fragment of a workshop's big screen.
FIRST_IN_LINE_SUFFIXES = ("/storskaerm/live/",)


def first_in_line(path: str) -> bool:
    return path.endswith(FIRST_IN_LINE_SUFFIXES)


def _path_of(task: Any) -> str:
    # Waitress queues the connection (its HTTPChannel), whose next request is requests[0].
    requests = getattr(task, "requests", None) or [None]
    return str(getattr(requests[0], "path", "") or "")


class LiveFirstDispatcher(ThreadedTaskDispatcher):
    def add_task(self, task: Any) -> None:
        if first_in_line(_path_of(task)):
            with self.lock:
                self.queue.appendleft(task)
                self.queue_cv.notify()
            return
        super().add_task(task)


# What a reverse proxy tells us: the browser's scheme (https), the host it asked for, and its
# address (for per-address limits). Waitress drops these headers unless they come from a
# trusted proxy, so a client cannot claim them.
PROXY_HEADERS = {"x-forwarded-proto", "x-forwarded-host", "x-forwarded-for", "x-forwarded-port"}


def proxy_settings(count: int, address: str) -> dict[str, Any]:
    """Waitress's trusted-proxy settings for `count` proxies, the nearest at `address`."""
    if count < 1:
        return {}
    return {
        "trusted_proxy": address,
        "trusted_proxy_count": count,
        "trusted_proxy_headers": PROXY_HEADERS,
    }


def make_server(
    application: Any,
    *,
    host: str,
    port: int,
    threads: int,
    connections: int = CONNECTIONS,
    trusted_proxies: int = 0,
    trusted_proxy_address: str = "127.0.0.1",
) -> Any:
    """A waitress server, bound and ready; `.run()` serves until stopped."""
    dispatcher = LiveFirstDispatcher()
    dispatcher.set_thread_count(threads)
    # `_dispatcher` is waitress's own hook for supplying the dispatcher (create_server's
    # argument since waitress 1.0); everything else is what `waitress.serve` does.
    return create_server(
        application,
        host=host,
        port=port,
        threads=threads,
        connection_limit=connections,
        ident="Samskab",
        _dispatcher=dispatcher,
        **proxy_settings(trusted_proxies, trusted_proxy_address),
    )


def serve(application: Any, **options: Any) -> None:
    make_server(application, **options).run()


DATABASE_TASKS = "django_tasks_db.DatabaseBackend"


def start_task_worker(*, interval: float = 1.0) -> tuple[Any, threading.Thread] | None:
    """Run queued background tasks in a thread of this process, with the database task backend.

    `python3 run.py` uses the database backend, so a vote never waits for the opinion map's
    recompute, and this thread of `samskab serve` runs the queue: one process on a laptop, no
    separate worker to remember. Production may run `samskab db_worker` processes instead (start
    `serve` with `--no-worker`) or as well. Returns (worker, thread); set `worker.running = False`
    to stop it. None with any other backend (the immediate backend runs tasks inline).
    """
    from django.conf import settings
    from django_tasks_db.management.commands.db_worker import Worker

    if settings.TASKS["default"]["BACKEND"] != DATABASE_TASKS:
        return None
    worker = Worker(
        queue_names=["default"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"serve-{os.getpid()}-{threading.get_ident()}"[:64],
        excluded_queue_names=[],
    )

    def run() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="samskab-tasks", daemon=True)
    thread.start()
    return worker, thread
