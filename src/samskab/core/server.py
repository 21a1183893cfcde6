"""The web server behind `samskab serve`: waitress, sized for a room full of phones, with the
big screen's polls first in line.

Waitress hands finished requests to its threads in arrival order. When a room of 200 phones
joins in the same second, a big screen's poll would wait behind all of them, and the answers
would reach the screen seconds late. The screen's poll is small (a fixed number of queries) and
it is what the whole room is looking at, so it goes to the front of the queue. Nothing else
changes order, and a handful of screens polling once a second cannot starve the phones.
"""

from __future__ import annotations

from typing import Any

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


def make_server(
    application: Any, *, host: str, port: int, threads: int, connections: int = CONNECTIONS
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
    )


def serve(
    application: Any, *, host: str, port: int, threads: int, connections: int = CONNECTIONS
) -> None:
    make_server(application, host=host, port=port, threads=threads, connections=connections).run()
