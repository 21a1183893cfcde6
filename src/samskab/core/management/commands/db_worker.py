"""`samskab db_worker`: django-tasks-db's worker, and a task whose worker died is run again.

The same command and options as django-tasks-db's own; besides, when it starts and then every
minute or so, it puts back in the queue the tasks a stopped worker had left RUNNING for longer
than TASK_STALE_AFTER seconds (samskab.core.task_reaper). It takes the name `db_worker` because
samskab.core comes before django_tasks_db in INSTALLED_APPS.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from samskab.core import task_reaper


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks from the database queue (TASKS_BACKEND=database). Tasks left "
        "running by a worker that stopped are run again after TASK_STALE_AFTER seconds."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        task_reaper.start(worker_id=options["worker_id"], backend_name=options["backend_name"])
        super().handle(*args, **options)
