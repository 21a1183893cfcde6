"""`samskab serve --workers 2` without --no-worker runs the queue in its web processes, with
waitress and with gunicorn alike: a queued task is run once, by one of them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.production.ops import (
    REDIS,
    environment,
    flush_redis,
    need_postgres,
    need_redis,
    new_database,
    python,
    samskab,
    served,
)

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60


@pytest.mark.parametrize("server", ["waitress", "gunicorn"])
def test_each_server_runs_queued_tasks_in_its_processes(server: str, tmp_path: Path):
    need_postgres()
    need_redis()
    flush_redis()
    held = tmp_path / "held"
    held.mkdir()
    with new_database("serve_tasks") as url:
        env = environment(
            tmp_path, url, REDIS_URL=REDIS, TASKS_BACKEND="database", PYTHONPATH=str(ROOT)
        )
        samskab("migrate", "--no-input", "-v", "0", env=env)
        with served(env, "--workers", "2", "--threads", "2", "--server", server):
            python(
                "from tests.production.held_task import wait_while_held\n"
                f"wait_while_held.enqueue({str(held)!r})",
                env,
            )
            deadline = time.monotonic() + WAIT_S
            while not (held / "done").exists():
                assert time.monotonic() < deadline, f"{server}: no process ran the task"
                time.sleep(0.2)
            time.sleep(1.5)  # time for a second process to run it too, if it wrongly could
    assert len((held / "starts").read_text().splitlines()) == 1
    assert len((held / "done").read_text().splitlines()) == 1
    flush_redis()
