"""Nothing lost when a process dies (shortened; bench/bench_fault.py is the long version): the
README's production processes, `samskab serve --workers 2` and `samskab db_worker`, on
PostgreSQL and Redis; a bounded vote load over the real API (session and CSRF); one web process
and the task worker killed with SIGKILL in the middle of it, the worker started again; then the
worker killed once more in the middle of the map's last recompute, and started again.

Every vote acknowledged with a 2xx is stored, once per person and statement; a client that got
no answer retries, and the retry counts once; the recompute a killed worker had started is run
again by the restarted one; after the load the map it stored equals a recompute from scratch."""

from __future__ import annotations

from tests.production.fault import run_fault_load
from tests.production.ops import need_postgres, need_redis


def test_votes_survive_a_web_process_and_the_task_worker_killed_mid_load(tmp_path):
    need_postgres()
    need_redis()
    report = run_fault_load(tmp_path, participants=40, statements=8, threads=6)
    assert report["killed_web_pid"] and report["killed_worker_pid"]
    # Every pair was acknowledged in the end (a retry after a dropped connection included) …
    assert report["acknowledged_pairs"] == report["pairs"]
    # … and is stored once, with the value sent.
    assert report["stored_votes"] == report["pairs"]
    assert report["wrong_values"] == 0
    # The history has a row per stored attempt: at least every acknowledged one, at most one
    # more per attempt that got no answer (stored before its process died).
    assert report["acknowledged_attempts"] <= report["history_rows"]
    assert report["history_rows"] <= report["acknowledged_attempts"] + report["unanswered"]
    # The worker was killed while the last recompute ran; the restarted one ran it again to the
    # end (no vote came after it to queue another), and no task was left running.
    assert report["killed_mid_recompute"]["held"], report["killed_mid_recompute"]
    assert report["killed_task_status"] == "SUCCESSFUL", report
    assert report["killed_task_starts"] == 2, report
    assert report["tasks_left_running"] == 0, report
    assert report["tasks_failed"] == 0, report
    # The restarted worker brought the map up to date, and it equals a recompute from scratch.
    assert report["map_up_to_date"], report
    assert report["map_equals_recompute"], report
