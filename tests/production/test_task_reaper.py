"""A queued task whose worker died is run again (samskab.core.task_reaper).

django-tasks-db leaves a task RUNNING when its worker is killed while running it; the next
`samskab db_worker` (or the worker thread of `samskab serve`, shown here too) puts it back in
the queue once it has been running for longer than TASK_STALE_AFTER seconds, and runs it.
First on the queue's rows in this test's database, then with real worker processes killed with
SIGKILL, on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

from samskab.core import task_reaper
from tests.production.ops import (
    ROOT,
    SAMSKAB,
    environment,
    free_port,
    need_postgres,
    new_database,
    python,
    samskab,
)

HELD = "tests.production.held_task.wait_while_held"
STALE_S = 2
WAIT_S = 120


def _running(folder: Path, *, minutes_ago: float, workers: list[str]) -> DBTaskResult:
    """A row as a worker leaves it when it dies while running the task."""
    return DBTaskResult.objects.create(
        status="RUNNING",
        task_path=HELD,
        args_kwargs={"args": [str(folder)], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=workers,
    )


def _worker(worker_id: str) -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@pytest.mark.django_db(transaction=True)  # the worker's loop closes a connection in a transaction
def test_a_task_its_dead_worker_left_running_is_run_again_by_the_next_worker(tmp_path):
    row = _running(tmp_path, minutes_ago=11, workers=["killed"])
    sweep = task_reaper.requeue_stale()
    assert sweep.requeued == [str(row.pk)] and sweep.failed == []
    _worker("next").run()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.return_value == 1  # started once by the next worker (the killed one wrote none)
    assert row.worker_ids == ["killed", "next"]
    assert (tmp_path / "done").read_text().count("done") == 1


@pytest.mark.django_db
def test_a_task_running_for_less_than_the_limit_or_finished_is_left_alone(tmp_path):
    young = _running(tmp_path, minutes_ago=9, workers=["alive"])  # the limit is 10 minutes
    finished = _running(tmp_path, minutes_ago=60, workers=["done"])
    DBTaskResult.objects.filter(pk=finished.pk).update(status="SUCCESSFUL")
    assert task_reaper.requeue_stale().requeued == []
    assert DBTaskResult.objects.get(pk=young.pk).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=finished.pk).status == "SUCCESSFUL"
    # A shorter limit (TASK_STALE_AFTER) takes the young one too.
    assert task_reaper.requeue_stale(older_than_s=60).requeued == [str(young.pk)]


@pytest.mark.django_db(transaction=True)
def test_a_task_that_killed_its_worker_every_time_fails_instead_of_looping(tmp_path):
    row = _running(tmp_path, minutes_ago=11, workers=["one", "two", "three"])
    sweep = task_reaper.requeue_stale()
    assert sweep.failed == [str(row.pk)] and sweep.requeued == []
    result = DBTaskResult.objects.get(pk=row.pk).task_result
    assert result.status == "FAILED"
    assert result.errors[0].exception_class is task_reaper.WorkerDied
    assert "Started 3 times" in result.errors[0].traceback
    _worker("next").run()  # nothing left to run
    assert not (tmp_path / "starts").exists()


@pytest.mark.django_db
def test_a_worker_leaves_its_own_running_task_alone_but_not_one_from_before_it_started(
    tmp_path,
):
    started = timezone.now() - timedelta(minutes=20)
    mine = _running(tmp_path, minutes_ago=15, workers=["w"])
    before = _running(tmp_path, minutes_ago=25, workers=["w"])  # the same id, a previous life
    other = _running(tmp_path, minutes_ago=15, workers=["w", "x"])
    sweep = task_reaper.requeue_stale(worker_id="w", worker_started=started)
    assert sorted(sweep.requeued) == sorted([str(before.pk), str(other.pk)])
    assert DBTaskResult.objects.get(pk=mine.pk).status == "RUNNING"


# --------------------------------------------------------------------------------------------
# Real worker processes
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _database(engine: str, tmp_path: Path) -> Iterator[str]:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # Like the other operations tests: its own databases, so it runs once, in the SQLite pass.
        pytest.skip("startes med egne databaser; kører én gang, i SQLite-omgangen")
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'samskab.sqlite3'}"
        return
    need_postgres()
    with new_database("reaper") as url:
        yield url


def _start_worker(env: dict[str, str], log: Path, worker_id: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [SAMSKAB, "db_worker", "--worker-id", worker_id, "--interval", "0.2", "-v", "2"],
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )


def _row(url: str, task_id: str) -> dict[str, object]:
    """The task's row as the queue holds it, read straight from the database file or server."""
    table = DBTaskResult._meta.db_table
    query = f"SELECT status, worker_ids, return_value FROM {table} WHERE id = "  # noqa: S608
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            status, workers, value = db.execute(query + "?", [task_id.replace("-", "")]).fetchone()
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:
            status, workers, value = db.execute(query + "%s", [task_id]).fetchone()
    decode = lambda v: json.loads(v) if isinstance(v, str) else v  # noqa: E731
    return {"status": status, "workers": decode(workers), "value": decode(value)}


def _wait_for(check, what: str, worker: subprocess.Popen[bytes], log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert worker.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, f"{what}\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


def _start_serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`samskab serve` with its worker thread (no --no-worker), as under `python3 run.py`."""
    return subprocess.Popen(
        [SAMSKAB, "serve", "--host", "127.0.0.1", "--port", str(free_port()), "--threads", "2"],
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("engine", "restarted"),
    [("sqlite", "db_worker"), ("postgres", "db_worker"), ("sqlite", "serve")],
)
def test_a_worker_killed_mid_task_leaves_it_to_a_restarted_worker_which_runs_it_again(
    engine: str, restarted: str, tmp_path: Path
):
    held = tmp_path / "held"
    held.mkdir()
    (held / "hold").touch()
    log = tmp_path / "workers.log"
    with _database(engine, tmp_path) as url:
        env = environment(
            tmp_path,
            url,
            TASKS_BACKEND="database",
            TASK_STALE_AFTER=str(STALE_S),
            PYTHONPATH=str(ROOT),
        )
        samskab("migrate", "--no-input", "-v", "0", env=env)
        first = _start_worker(env, log, "first")
        second = None
        try:
            out = python(
                "from tests.production.held_task import wait_while_held\n"
                f"print(wait_while_held.enqueue({str(held)!r}).id)",
                env,
            )
            task_id = out.strip().splitlines()[-1]
            starts = held / "starts"
            _wait_for(starts.exists, "the first worker never started the task", first, log)
            assert _row(url, task_id)["status"] == "RUNNING"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
            time.sleep(STALE_S + 0.5)
            # Killed: nothing finished it, and nothing but a worker would.
            assert _row(url, task_id)["status"] == "RUNNING"
            assert not (held / "done").exists()

            (held / "hold").unlink()
            if restarted == "serve":
                second = _start_serve(env, log)
            else:
                second = _start_worker(env, log, "second")
            _wait_for(
                lambda: _row(url, task_id)["status"] == "SUCCESSFUL",
                "the restarted worker did not run the task again",
                second,
                log,
            )
            row = _row(url, task_id)
            workers = list(row["workers"])  # type: ignore[call-overload]
            assert workers[0] == "first" and len(workers) == 2
            assert workers[1] == "second" or workers[1].startswith("serve-")
            assert row["value"] == 2  # started twice, by two processes
            pids = {line.split()[1] for line in starts.read_text().splitlines()}
            assert len(pids) == 2
            assert (held / "done").read_text().count("done") == 1
            if restarted == "db_worker":
                assert "queued again" in log.read_text()
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    process.kill()  # SIGTERM would wait for a held task
                    process.wait(timeout=30)
