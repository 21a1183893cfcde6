"""Nothing lost when a process dies: the long version of tests/production/test_fault.py.

    .venv/bin/python bench/bench_fault.py [--participants 200 --statements 20 --threads 16]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres; SAMSKAB_OPS_POSTGRES to change it) and Redis
(SAMSKAB_OPS_REDIS, default redis://127.0.0.1:6379/9, which it empties). Starts
`samskab serve --workers 2 --no-worker` and `samskab db_worker` on a database of its own
(test_ops_fault_…, dropped afterwards), votes every (person, statement) pair once over the real
API with session and CSRF, retrying a vote that got no answer, kills one web process and the
task worker with SIGKILL when a third are acknowledged, starts the worker again, kills the
worker once more in the middle of the map's last recompute and starts it again, and checks that
every acknowledged vote is stored once with its value, that the killed recompute was run again
to the end by the restarted worker (samskab.core.task_reaper), that no task is left running, and
that the map the worker stored equals a recompute from scratch. Prints the report as JSON and
writes bench/results/fault.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.fault import run_fault_load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--statements", type=int, default=20)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-fault-") as work:
        report = run_fault_load(
            Path(work),
            participants=args.participants,
            statements=args.statements,
            threads=args.threads,
        )
    ok = (
        report["acknowledged_pairs"] == report["pairs"] == report["stored_votes"]
        and report["wrong_values"] == 0
        and report["acknowledged_attempts"]
        <= report["history_rows"]
        <= report["acknowledged_attempts"] + report["unanswered"]
        and report["map_equals_recompute"]
        and report["killed_mid_recompute"].get("held")
        and report["killed_task_status"] == "SUCCESSFUL"
        and report["killed_task_starts"] == 2
        and report["tasks_left_running"] == 0
    )
    report["nothing_lost"] = ok
    print(json.dumps(report, indent=2))
    (ROOT / "bench" / "results" / "fault.json").write_text(json.dumps(report, indent=2) + "\n")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
