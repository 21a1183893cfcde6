"""The web server behind `samskab serve`: waitress, sized for a room full of phones, with the
big screen's polls first in line.

Waitress hands finished requests to its threads in arrival order. When a room of 200 phones
joins in the same second, a big screen's poll would wait behind all of them, and the answers
would reach the screen seconds late. The screen's poll is small (a fixed number of queries) and
it is what the whole room is looking at, so it goes to the front of the queue. Nothing else
changes order, and a handful of screens polling once a second cannot starve the phones.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connections
from waitress.server import create_server
from waitress.task import Task, ThreadedTaskDispatcher

# Open connections at once. Waitress's default of 100 is too few for a workshop: every phone's
# browser keeps its connection open between requests, so with 200 phones in the room the 101st
# (and the big screen) would wait for an idle connection to time out before it got in.
CONNECTIONS = 500

# The largest request body waitress takes in at all (it answers 413 itself above this); the
# application's own limits are smaller (64 KiB for the API, 10 MiB for imports; see
# samskab.core.security). Waitress's default, 1 GiB, would be spooled to disk first.
MAX_REQUEST_BODY = 16 * 1024 * 1024

# Paths served ahead of the queue: the live fragment of a workshop's big screen.
FIRST_IN_LINE_SUFFIXES = ("/storskaerm/live/",)


def first_in_line(path: str) -> bool:
    return path.endswith(FIRST_IN_LINE_SUFFIXES)


def _path_of(task: Any) -> str:
    # Waitress queues the connection (its HTTPChannel), whose next request is requests[0].
    requests = getattr(task, "requests", None) or [None]
    return str(getattr(requests[0], "path", "") or "")


# Requests one process holds at once, running or waiting for a thread, per thread, unless
# MAX_IN_FLIGHT says otherwise. 32 per thread lets a room of 200 phones answer in the same second
# on the default 8 threads, and bounds a request's wait to a few dozen others' time per thread.
IN_FLIGHT_PER_THREAD = 32


def max_in_flight(threads: int, configured: int | None = None) -> int:
    """The bound on in-flight requests: MAX_IN_FLIGHT if set, else 32 per thread; never fewer
    than the threads themselves."""
    if configured is None:
        from django.conf import settings

        configured = getattr(settings, "SAMSKAB_MAX_IN_FLIGHT", 0)
    return max(configured or threads * IN_FLIGHT_PER_THREAD, threads)


class OverloadedTask(Task):
    """The answer to a request that came while the server was full: 503, Retry-After and a
    short Danish page (JSON for the API), without running the application."""

    complete = True

    def execute(self) -> None:
        from samskab.core.security import overloaded_response

        status, headers, body = overloaded_response(
            str(self.request.path or ""), str(self.request.headers.get("COOKIE", ""))
        )
        self.status = status
        self.response_headers.extend(headers)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class LiveFirstDispatcher(ThreadedTaskDispatcher):
    """Waitress's dispatcher with the big screen first in line, and a bound on the requests
    waiting: when `limit` requests are running or queued, the next one is answered 503 with
    Retry-After by the next free thread (ahead of the queue, in microseconds) instead of waiting
    behind all of them. The big screen's poll is never turned away. `limit` 0: no bound."""

    def __init__(self, limit: int = 0) -> None:
        super().__init__()
        self.limit = limit

    def in_flight(self) -> int:
        return self.active_count + len(self.queue)

    def add_task(self, task: Any) -> None:
        if first_in_line(_path_of(task)):
            with self.lock:
                self.queue.appendleft(task)
                self.queue_cv.notify()
            return
        with self.lock:
            full = self.limit > 0 and self.in_flight() >= self.limit
            if full:
                # Waitress asks the channel for its task class; this one answers and closes.
                task.task_class = OverloadedTask
                self.queue.appendleft(task)
                self.queue_cv.notify()
        if not full:
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
    in_flight: int | None = None,
) -> Any:
    """A waitress server, bound and ready; `.run()` serves until stopped. `in_flight`: the
    bound on requests running or waiting (see max_in_flight)."""
    dispatcher = LiveFirstDispatcher(max_in_flight(threads, in_flight))
    dispatcher.set_thread_count(threads)
    # `_dispatcher` is waitress's own hook for supplying the dispatcher (create_server's
    # argument since waitress 1.0); everything else is what `waitress.serve` does.
    return create_server(
        application,
        host=host,
        port=port,
        threads=threads,
        connection_limit=connections,
        max_request_body_size=MAX_REQUEST_BODY,
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

    from samskab.core import task_reaper

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
    # As `samskab db_worker` does: a task whose worker died (this process, killed) runs again.
    task_reaper.start(worker_id=worker.worker_id, backend_name="default")

    def run() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="samskab-tasks", daemon=True)
    thread.start()
    return worker, thread


# --------------------------------------------------------------------------------------------
# Many processes: `samskab serve --workers N`
# --------------------------------------------------------------------------------------------
#
# One Python process runs one request's Python at a time (the GIL), so a server with threads
# alone uses one core. `--workers N` starts N processes with `--threads` threads each. Two ways
# were measured (bench/bench_votes.py, bench/results/votes.md): waitress processes that each bind
# the port with SO_REUSEPORT, so the kernel spreads connections over them, and gunicorn's
# prefork master with threaded workers. The default is the one that measured faster; the other
# stays available (`--server`), and on a system without SO_REUSEPORT or fork (Windows) serve
# falls back to one waitress process.

SERVERS = ("waitress", "gunicorn")
RESTART_PAUSE_S = 1.0


def can_fork() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "SO_REUSEPORT")


def reuseport_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening socket that other processes may bind as well (the kernel spreads new
    connections over all of them)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def _child(application: Any, sock: socket.socket, options: dict[str, Any]) -> None:
    """One waitress process of `serve_processes`; never returns."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)
    code = 0
    try:
        dispatcher = LiveFirstDispatcher(
            max_in_flight(options["threads"], options.get("in_flight"))
        )
        dispatcher.set_thread_count(options["threads"])
        server = create_server(
            application,
            sockets=[sock],
            threads=options["threads"],
            connection_limit=options.get("connections", CONNECTIONS),
            max_request_body_size=MAX_REQUEST_BODY,
            ident="Samskab",
            _dispatcher=dispatcher,
            **proxy_settings(
                options.get("trusted_proxies", 0),
                options.get("trusted_proxy_address", "127.0.0.1"),
            ),
        )
        if options.get("on_start") is not None:
            options["on_start"]()
        server.run()
    except BaseException:  # noqa: BLE001 - a child must never return into the parent's code
        code = 1
    os._exit(code)


def serve_processes(
    application: Any, *, workers: int, host: str, port: int, **options: Any
) -> None:
    """Run `workers` waitress processes on one port (SO_REUSEPORT) until SIGTERM or Ctrl+C.

    A process that dies (killed, out of memory) is started again; the others keep serving, and
    a request it had in flight is lost to its client alone, who sees the connection drop and
    may retry (a vote is idempotent: the latest vote counts, see opinions.services.cast_vote).
    """
    # Bind once here so a port in use fails loudly before any process starts.
    probe = reuseport_socket(host, port)
    connections.close_all()  # no database connection may be shared across fork
    children: dict[int, socket.socket] = {}
    stopping = False

    def start() -> None:
        sock = probe if not children and probe.fileno() >= 0 else reuseport_socket(host, port)
        pid = os.fork()
        if pid == 0:
            # A sibling's socket left open here would stay in the port's group after that
            # sibling died, and the connections the kernel gave it would wait forever.
            for other in [*children.values(), probe]:
                if other is not sock:
                    other.close()
            _child(application, sock, options)
        children[pid] = sock

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        start()
    probe.close()  # the first child holds its own copy
    while children:
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        sock = children.pop(pid, None)
        if sock is not None:
            sock.close()
        if not stopping:
            time.sleep(RESTART_PAUSE_S)
            if not stopping:
                start()


def serve_gunicorn(
    application: Any,
    *,
    workers: int,
    host: str,
    port: int,
    on_start: Callable[[], object] | None = None,
    **options: Any,
) -> None:
    """The same with gunicorn's prefork master and threaded workers (Linux and macOS).
    ``on_start`` runs in each worker process once it is ready (the task worker thread)."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            config = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                # gthread with the same bound on requests in flight (503 over it).
                "worker_class": "samskab.core.gunicorn_worker.BoundedThreadWorker",
                "threads": options["threads"],
                "worker_connections": options.get("connections", CONNECTIONS),
                "backlog": 2048,
                "timeout": 60,
                "graceful_timeout": 30,
                "accesslog": None,
            }
            if on_start is not None:
                config["post_worker_init"] = lambda _worker: on_start()
            if options.get("trusted_proxies", 0):
                config["forwarded_allow_ips"] = options.get("trusted_proxy_address", "127.0.0.1")
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    connections.close_all()
    Application().run()
