"""A queued task whose worker died is run again.

django-tasks-db marks a task RUNNING when a worker takes it and SUCCESSFUL or FAILED when the
task ends. A worker killed in between (kill -9, out of memory, the machine gone) leaves it
RUNNING, and django-tasks-db never looks at it again. It has no heartbeat, so a dead worker's
task is told by its age: every `samskab db_worker` (and the worker thread of `samskab serve`)
puts back in the queue, when it starts and then every minute or so, the tasks that have been
RUNNING for longer than `SAMSKAB_TASK_STALE_AFTER` seconds (the environment's
TASK_STALE_AFTER, 10 minutes by default, far above our longest task), and the next free worker
runs them again. A task started MAX_ATTEMPTS times already is marked FAILED instead
(`WorkerDied`), so a task that kills its worker each time does not loop for ever.

Safe with any number of workers on any machine: the rows are taken with SELECT … FOR UPDATE
SKIP LOCKED and each is changed only while it is still RUNNING, so two workers sweeping at once
put a task back once. A task this process is running itself is never put back. A task that was
only slow (alive past the limit) may run twice at once; our tasks are written to be run again
(see the README, "Many processes").
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger(__name__)

# Starts of one task (its worker ids) after which a stale task is failed, not run again.
MAX_ATTEMPTS = 3
# The longest pause between two sweeps; a short stale limit sweeps more often.
SWEEP_EVERY_S = 60.0


class WorkerDied(Exception):
    """The exception a task that was started MAX_ATTEMPTS times, and never finished, fails
    with: each time, its worker died while running it."""


@dataclass
class Sweep:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def stale_after() -> float:
    return float(settings.SAMSKAB_TASK_STALE_AFTER)


def requeue_stale(
    *,
    backend_name: str = "default",
    older_than_s: float | None = None,
    worker_id: str = "",
    worker_started: datetime | None = None,
) -> Sweep:
    """Put back to READY the tasks RUNNING for longer than `older_than_s` (the setting by
    default); fail those started MAX_ATTEMPTS times. `worker_id` and `worker_started` (a
    datetime) name the calling worker: a task it took after it started is its own, alive."""
    limit = stale_after() if older_than_s is None else older_than_s
    now = timezone.now()
    stale = DBTaskResult.objects.running().filter(
        backend_name=backend_name, started_at__lt=now - timedelta(seconds=limit)
    )
    sweep = Sweep()
    with exclusive_transaction(stale.db):
        rows = list(
            stale.select_for_update(skip_locked=True).only("id", "worker_ids", "started_at")
        )
        for row in rows:
            ids = list(row.worker_ids or [])
            own = (
                worker_id
                and ids
                and ids[-1] == worker_id
                and worker_started is not None
                and row.started_at >= worker_started
            )
            if own:
                continue
            still_running = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING)
            if len(ids) >= MAX_ATTEMPTS:
                error = WorkerDied(
                    f"Started {len(ids)} times; each time its worker stopped before it ended "
                    f"(workers {', '.join(map(str, ids))})."
                )
                still_running.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    return_value=None,
                    exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
                    traceback=f"{WorkerDied.__qualname__}: {error}\n",
                )
                sweep.failed.append(str(row.pk))
            else:
                still_running.update(status=TaskResultStatus.READY)
                sweep.requeued.append(str(row.pk))
    for pk in sweep.requeued:
        logger.warning("task %s was still running after its worker stopped; queued again", pk)
    for pk in sweep.failed:
        logger.error("task %s: its worker stopped %d times while running it", pk, MAX_ATTEMPTS)
    return sweep


def sweep_interval(limit: float) -> float:
    return max(0.5, min(SWEEP_EVERY_S, limit / 4))


def start(*, worker_id: str, backend_name: str = "default") -> threading.Thread:
    """Sweep once now, then every sweep_interval in a daemon thread of this process, for the
    worker `worker_id` running in it (whose own tasks are left alone)."""
    started = timezone.now()
    limit = stale_after()

    def once() -> None:
        try:
            requeue_stale(backend_name=backend_name, worker_id=worker_id, worker_started=started)
        except Exception:  # noqa: BLE001 - a locked SQLite file, the database away: try again
            logger.warning("could not look for tasks whose worker stopped", exc_info=True)

    def loop() -> None:
        while True:
            time.sleep(sweep_interval(limit))
            once()
            # This thread's own connection: not kept open between sweeps a minute apart.
            connections.close_all()

    once()
    thread = threading.Thread(target=loop, name="samskab-task-reaper", daemon=True)
    thread.start()
    return thread
