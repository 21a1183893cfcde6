"""The fault load shared by tests/production/test_fault.py and bench/bench_fault.py.

Starts the README's processes (`samskab serve --workers 2 --no-worker`, `samskab db_worker`) on
a PostgreSQL database of its own and Redis, sets up one conversation with bench_votes's set-up
(people with sessions), and has client threads vote every (person, statement) pair once, each
with a value fixed by the pair, retrying a vote that got no answer or a 5xx. When a third of the
pairs are acknowledged it kills one web process and the task worker with SIGKILL and starts the
worker again. When the load is over it kills the worker once more, in the middle of the map's
last recompute (held there by a row lock the test takes, so the kill is never early or late),
and starts it again: the map is then up to date only if the restarted worker runs that task
again (samskab.core.task_reaper, TASK_STALE_AFTER=5 here). Afterwards it reads the database
and reports.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.production.ops import (
    REDIS,
    ROOT,
    SAMSKAB,
    environment,
    flush_redis,
    free_port,
    new_database,
    python,
    samskab,
)

CODE = "0751"
RETRIES = 20
MAP_WAIT_S = 180
# A task running this long is taken as its worker's death (far above a recompute here).
STALE_AFTER_S = 5
HOLD_WAIT_S = 120
ANALYSIS_TABLE = "opinions_conversationanalysis"
TASKS_TABLE = "django_tasks_database_dbtaskresult"


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def _value(person: int, statement: int) -> int:
    return (person * 7 + statement * 3) % 3 - 1


def _vote(url: str, sid: str, csrf: str, statement: int, value: int) -> int:
    """One attempt: the status, or 0 when the connection dropped or timed out."""
    request = urllib.request.Request(  # noqa: S310 - loopback only
        url,
        data=json.dumps({"statement": statement, "value": value}).encode(),
        headers={
            "Content-Type": "application/json",
            "Cookie": f"sessionid={sid}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Referer": "http://127.0.0.1/",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as answer:
        return int(answer.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0


def _worker(env: dict[str, str], logs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [SAMSKAB, "db_worker"], env=env, stdout=logs, stderr=subprocess.STDOUT, cwd=ROOT
    )


def _wait(check: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def _kill_mid_recompute(
    url: str,
    conversation_id: int,
    vote: Any,
    worker: subprocess.Popen[bytes],
    env: dict[str, str],
    logs: Any,
) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """Kill the task worker in the middle of the map's recompute, start it again; returns the
    new worker and what happened.

    Waits until the map is up to date and nothing is queued, casts one more vote (which queues
    a recompute), and holds the map's row locked (FOR NO KEY UPDATE) so that the recompute,
    once the worker has started it, waits there (it locks the row FOR UPDATE). That is the
    moment of the kill: the task is RUNNING, the map marked out of date, and no other vote
    comes to queue another recompute. Then the lock goes and a new worker starts."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:

        def settled() -> bool:
            row = db.execute(
                f"SELECT dirty, version, computed_version FROM {ANALYSIS_TABLE} "  # noqa: S608
                "WHERE conversation_id = %s",
                [conversation_id],
            ).fetchone()
            queued = db.execute(
                f"SELECT count(*) FROM {TASKS_TABLE} WHERE status IN ('READY', 'RUNNING')"  # noqa: S608
            ).fetchone()
            return bool(row and not row[0] and row[1] == row[2] and queued and queued[0] == 0)

        if not _wait(settled, HOLD_WAIT_S):
            return worker, {"held": False, "why": "the map did not settle before the hold"}
        status = vote()
        held = psycopg.connect(url)  # a transaction, open until the kill
        try:
            dirty = held.execute(
                f"SELECT dirty FROM {ANALYSIS_TABLE} WHERE conversation_id = %s "  # noqa: S608
                "FOR NO KEY UPDATE",
                [conversation_id],
            ).fetchone()
            if not (200 <= status < 300 and dirty and dirty[0]):
                return worker, {"held": False, "why": f"the vote ({status}) queued no recompute"}

            def waiting() -> Any:
                # The worker's recompute has started and waits for the row this test holds.
                blocked = db.execute(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> %s",
                    [held.info.backend_pid],
                ).fetchone()
                running = db.execute(
                    f"SELECT id FROM {TASKS_TABLE} WHERE status = 'RUNNING' "  # noqa: S608
                    "AND task_path LIKE %s",
                    ["%recompute_conversation"],
                ).fetchall()
                return blocked and blocked[0] > 0 and len(running) == 1 and running[0][0]

            if not _wait(waiting, HOLD_WAIT_S):
                return worker, {"held": False, "why": "the recompute never reached the lock"}
            task_id = waiting()
            killed = worker.pid
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            held.rollback()
            held.close()
    return _worker(env, logs), {"held": True, "task": str(task_id), "worker_pid": killed}


def run_fault_load(
    work: Path, *, participants: int, statements: int, threads: int
) -> dict[str, Any]:
    flush_redis()
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    with new_database("fault") as url:
        env = environment(
            data,
            url,
            REDIS_URL=REDIS,
            TASKS_BACKEND="database",
            TASK_STALE_AFTER=str(STALE_AFTER_S),
        )
        samskab("migrate", "--no-input", "-v", "0", env=env)
        sessions_file = work / "sessions.txt"
        out = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "bench_votes.py"),
                "--setup-only",
                str(sessions_file),
                "--participants",
                str(participants + 10),
                "--statements",
                str(statements),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        info = json.loads(out.stdout.split("INFO ", 1)[1].splitlines()[0])
        sessions = [line.split() for line in sessions_file.read_text().splitlines() if line]
        port = free_port()
        logs = open(data / "processes.log", "w")  # noqa: SIM115
        web = subprocess.Popen(
            [SAMSKAB, "serve", "--host", "127.0.0.1", "--port", str(port)]
            + ["--workers", "2", "--threads", "8", "--no-worker"],
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        worker = _worker(env, logs)
        base = f"http://127.0.0.1:{port}"
        path = f"/api/municipalities/{CODE}/conversations/{info['conversation_id']}/votes"
        try:
            deadline = time.monotonic() + 120
            while len(_children(web.pid)) < 2 or _vote(base + path, "x", "y", 0, 0) == 0:
                assert web.poll() is None and time.monotonic() < deadline, "serve startede ikke"
                time.sleep(0.5)
            pairs = [(p, s) for p in range(len(sessions)) for s in info["statements"][:statements]]
            lock = threading.Lock()
            counts = {"acked_attempts": 0, "unanswered": 0, "statuses": {}}
            acked: set[tuple[int, int]] = set()
            killed: dict[str, int] = {}

            def kill_once() -> None:
                nonlocal worker
                with lock:
                    if killed or len(acked) < len(pairs) // 3:
                        return
                    victim = _children(web.pid)[0]
                    killed["web"] = victim
                    killed["worker"] = worker.pid
                os.kill(victim, signal.SIGKILL)
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=30)
                worker = _worker(env, logs)

            def client(slice_: list[tuple[int, int]]) -> None:
                for person, statement in slice_:
                    sid, csrf = sessions[person]
                    value = _value(person, statement)
                    for _attempt in range(RETRIES):
                        status = _vote(base + path, sid, csrf, statement, value)
                        with lock:
                            counts["statuses"][status] = counts["statuses"].get(status, 0) + 1
                            if 200 <= status < 300:
                                counts["acked_attempts"] += 1
                                acked.add((person, statement))
                            elif status == 0 or status >= 500:
                                counts["unanswered"] += 1
                        if 200 <= status < 300:
                            break
                        time.sleep(0.2)
                    kill_once()

            slices = [pairs[i::threads] for i in range(threads)]
            started = time.monotonic()
            clients = [threading.Thread(target=client, args=(s,)) for s in slices]
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join(timeout=600)
            load_s = time.monotonic() - started

            # The last recompute, killed in the middle: one more vote (the value it already
            # has, so the expected votes stay as they are) queues it.
            last_person, last_statement = pairs[-1]
            last_sid, last_csrf = sessions[last_person]

            def one_more_vote() -> int:
                status = _vote(
                    base + path,
                    last_sid,
                    last_csrf,
                    last_statement,
                    _value(last_person, last_statement),
                )
                if 200 <= status < 300:
                    counts["acked_attempts"] += 1
                return status

            worker, mid_recompute = _kill_mid_recompute(
                url, info["conversation_id"], one_more_vote, worker, env, logs
            )

            expected = {
                f"{sessions[p][0]}:{s}": _value(p, s) for p, s in pairs
            }  # by session key and statement
            (work / "expected.json").write_text(json.dumps(expected))
            check = python(
                _CHECK.format(
                    cid=info["conversation_id"],
                    expected=str(work / "expected.json"),
                    wait=MAP_WAIT_S,
                    held_task=mid_recompute.get("task", ""),
                ),
                env,
            )
            found = json.loads(check.strip().splitlines()[-1])
        finally:
            web.send_signal(signal.SIGTERM)
            worker.send_signal(signal.SIGTERM)
            for process in (web, worker):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            logs.close()
    flush_redis()
    return {
        "pairs": len(pairs),
        "acknowledged_pairs": len(acked),
        "acknowledged_attempts": counts["acked_attempts"],
        "unanswered": counts["unanswered"],
        "statuses": {str(k): v for k, v in counts["statuses"].items()},
        "killed_web_pid": killed.get("web"),
        "killed_worker_pid": killed.get("worker"),
        "load_s": round(load_s, 2),
        "killed_mid_recompute": mid_recompute,
        **found,
    }


# Run against the database after the load: what is stored, and the map against a recompute.
_CHECK = """
import json, time
from django.contrib.sessions.models import Session
from django_scopes import scopes_disabled
from samskab.opinions import services
from django_tasks_db.models import DBTaskResult
from samskab.opinions.models import Conversation, ConversationAnalysis, Vote, VoteEvent

expected = json.load(open({expected!r}))
with scopes_disabled():
    person_of = {{}}
    for key in {{k.split(":")[0] for k in expected}}:
        s = Session.objects.get(session_key=key)
        person_of[key] = int(s.get_decoded()["_auth_user_id"])
    votes = {{(v.participant.person_id, v.statement_id): v.value
             for v in Vote.objects.filter(conversation_id={cid}).select_related("participant")}}
    wrong = 0
    for k, value in expected.items():
        key, statement = k.split(":")
        if votes.get((person_of[key], int(statement))) != value:
            wrong += 1
    history = VoteEvent.objects.filter(conversation_id={cid}).count()
    conversation = Conversation.objects.get(pk={cid})
    deadline = time.monotonic() + {wait}
    up_to_date = False
    while time.monotonic() < deadline:
        row = ConversationAnalysis.objects.filter(conversation_id={cid}).first()
        queued = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
        up_to_date = bool(
            row and not row.dirty and row.computed_version == row.version and row.data
        )
        if up_to_date and not queued:
            break
        time.sleep(1)
    held = DBTaskResult.objects.filter(pk={held_task!r} or None).first()
    stored = dict(row.data) if row else {{}}
    fresh = services.compute(conversation)
    for d in (stored, fresh):
        d.pop("timing_s", None)
    print(json.dumps({{
        "stored_votes": len(votes),
        "wrong_values": wrong,
        "history_rows": history,
        "map_up_to_date": up_to_date,
        "map_equals_recompute": up_to_date and stored == json.loads(json.dumps(fresh)),
        "map_votes": stored.get("n_votes"),
        # Tasks a killed worker had started are queued again (samskab.core.task_reaper).
        "tasks_left_running": DBTaskResult.objects.filter(status="RUNNING").count(),
        "tasks_failed": DBTaskResult.objects.filter(status="FAILED").count(),
        # The recompute killed in the middle: run again to the end by the restarted worker.
        "killed_task_status": held.status if held else None,
        "killed_task_starts": len(held.worker_ids) if held else 0,
    }}))
"""
