from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samskab.core.server import (
    CONNECTIONS,
    SERVERS,
    can_fork,
    serve,
    serve_gunicorn,
    serve_processes,
    start_task_worker,
)

STOP_WAIT_S = 30


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Start Samskab's production-grade web server (waitress)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--threads", type=int, default=8, help="Requests served at once (default 8)."
        )
        parser.add_argument(
            "--connections",
            type=int,
            default=CONNECTIONS,
            help=f"Open connections at once, e.g. phones in a workshop (default {CONNECTIONS}).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Web processes, each with --threads threads (default 1). More than one needs "
            "REDIS_URL, so sessions and limits are shared between them.",
        )
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default=SERVERS[0],
            help="With --workers above 1: waitress processes on one port (SO_REUSEPORT, the "
            "default, measured faster) or gunicorn.",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not run queued background tasks in this process (run samskab db_worker).",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        threads: int,
        connections: int,
        no_worker: bool,
        workers: int = 1,
        server: str = SERVERS[0],
        **options: Any,
    ) -> None:
        from samskab.wsgi import application

        if workers < 1 or threads < 1:
            raise CommandError("--workers og --threads skal være mindst 1.")
        if workers > 1 and not settings.SAMSKAB_SHARED_CACHE:
            # Sessions are cached and limits counted in the cache: per process, a logout in one
            # would not reach the others and every limit would be N times as high.
            raise CommandError(
                "Flere webprocesser kræver en fælles cache: sæt REDIS_URL (fx "
                "redis://127.0.0.1:6379/0), eller start med --workers 1."
            )
        if workers > 1 and not can_fork():
            self.stderr.write("Flere processer kræver Linux eller macOS; starter én proces.")
            workers = 1

        if settings.DEBUG:
            self.stderr.write("Advarsel: DEBUG er slået til. Slå det fra i drift.")
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        options_ = {
            "threads": threads,
            "connections": connections,
            "trusted_proxies": settings.TRUSTED_PROXIES,
            "trusted_proxy_address": settings.TRUSTED_PROXY_ADDRESS,
        }
        if workers > 1:
            self.stdout.write(
                f"Samskab kører på http://{shown}:{port}/ med {workers} processer à {threads} "
                "tråde (stop med Ctrl+C)"
            )
            # Each process runs queued tasks in a thread of its own unless --no-worker; the
            # database queue hands each task to one of them (SKIP LOCKED).
            on_start = None if no_worker else start_task_worker
            if server == "gunicorn":
                serve_gunicorn(
                    application,
                    workers=workers,
                    host=host,
                    port=port,
                    on_start=on_start,
                    **options_,
                )
                return
            serve_processes(
                application, workers=workers, host=host, port=port, on_start=on_start, **options_
            )
            return
        started = None if no_worker else start_task_worker()
        if started is not None:
            self.stdout.write("Baggrundsopgaver køres i denne proces.")
        self.stdout.write(f"Samskab kører på http://{shown}:{port}/  (stop med Ctrl+C)")
        # Stop as on Ctrl+C when the service manager asks (SIGTERM), so `finally` runs.
        signal.signal(signal.SIGTERM, _stop)
        try:
            serve(application, host=host, port=port, **options_)
        finally:
            if started is not None:
                # Let a task that is running finish (a mail half sent would stay "running").
                worker, thread = started
                worker.running = False
                thread.join(timeout=STOP_WAIT_S)
