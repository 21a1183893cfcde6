"""The gunicorn worker behind `samskab serve --workers N --server gunicorn`: gunicorn's threaded
worker (gthread) with the overload bound of the waitress server (samskab.core.server).

gthread hands each request to its thread pool, whose queue has no bound: under overload a
request waits behind all the others. Here a process holds at most `max_in_flight(threads)`
requests (MAX_IN_FLIGHT, else 32 per thread) running or waiting for a thread; the next one goes
to a small pool of its own, which answers it at once with 503, Retry-After and the short Danish
page (samskab.core.security.overloaded_response) instead. The big screen's poll is served there
instead of turned away, as with waitress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent import futures
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from samskab.core.security import overloaded_response
from samskab.core.server import first_in_line, max_in_flight

# Threads that answer the requests over the bound: each answer takes microseconds.
OVERFLOW_THREADS = 2

_lane = threading.local()


def _overflow_thread() -> None:
    _lane.overflow = True


def answering_overload(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The WSGI application, but in an overflow thread the 503 instead (the big screen's poll
    excepted)."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if getattr(_lane, "overflow", False) and not first_in_line(path):
            status, headers, body = overloaded_response(path, str(environ.get("HTTP_COOKIE", "")))
            start_response(status, headers)
            return [body]
        return app(environ, start_response)

    return wsgi


class BoundedPool:
    """The worker's thread pool (what gthread calls `tpool`): `threads` threads for up to
    `limit` requests running or waiting, and the overflow threads for the rest."""

    def __init__(self, threads: int, limit: int) -> None:
        self.pool = futures.ThreadPoolExecutor(max_workers=threads)
        self.overflow = futures.ThreadPoolExecutor(
            max_workers=OVERFLOW_THREADS, initializer=_overflow_thread
        )
        self.limit = limit
        self.in_flight = 0
        self.lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> futures.Future[Any]:
        with self.lock:
            full = self.limit > 0 and self.in_flight >= self.limit
            if not full:
                self.in_flight += 1
        if full:
            return self.overflow.submit(fn, *args, **kwargs)
        return self.pool.submit(self._counted, fn, *args, **kwargs)

    def _counted(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        finally:
            # Before the future is done: whoever waits for it sees the room it leaves.
            with self.lock:
                self.in_flight -= 1

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.overflow.shutdown(wait=wait, cancel_futures=cancel_futures)
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class BoundedThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker with BoundedPool for its pool (`get_thread_pool`, gthread's
    hook for it) and the application answering 503 in the overflow threads."""

    def get_thread_pool(self) -> BoundedPool:
        return BoundedPool(self.cfg.threads, max_in_flight(self.cfg.threads))

    def load_wsgi(self) -> None:
        super().load_wsgi()
        self.wsgi = answering_overload(self.wsgi)
