"""A background task for the worker tests: it notes each start and then waits, as long as a
file says so, for its worker to be killed. Imported by `samskab db_worker` by its path
(tests.production.held_task.wait_while_held), so the worker needs the repository on PYTHONPATH."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

HOLD_AT_MOST_S = 120


@task()
def wait_while_held(folder: str) -> int:
    """Write 'started PID' to FOLDER/starts; wait while FOLDER/hold exists; write 'done PID' to
    FOLDER/done. Returns how many times it has been started."""
    here = Path(folder)
    with open(here / "starts", "a") as starts:
        starts.write(f"started {os.getpid()}\n")
    deadline = time.monotonic() + HOLD_AT_MOST_S
    while (here / "hold").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    with open(here / "done", "a") as done:
        done.write(f"done {os.getpid()}\n")
    return len((here / "starts").read_text().splitlines())
