from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from samskab.core.server import CONNECTIONS, serve, start_task_worker

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
        **options: Any,
    ) -> None:
        from samskab.wsgi import application

        if settings.DEBUG:
            self.stderr.write("Advarsel: DEBUG er slået til. Slå det fra i drift.")
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        started = None if no_worker else start_task_worker()
        if started is not None:
            self.stdout.write("Baggrundsopgaver køres i denne proces.")
        self.stdout.write(f"Samskab kører på http://{shown}:{port}/  (stop med Ctrl+C)")
        # Stop as on Ctrl+C when the service manager asks (SIGTERM), so `finally` runs.
        signal.signal(signal.SIGTERM, _stop)
        try:
            serve(
                application,
                host=host,
                port=port,
                threads=threads,
                connections=connections,
                trusted_proxies=settings.TRUSTED_PROXIES,
                trusted_proxy_address=settings.TRUSTED_PROXY_ADDRESS,
            )
        finally:
            if started is not None:
                # Let a task that is running finish (a mail half sent would stay "running").
                worker, thread = started
                worker.running = False
                thread.join(timeout=STOP_WAIT_S)
