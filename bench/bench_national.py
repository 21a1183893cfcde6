"""Benchmark: the opinion map recomputed inside the product at national size (PostgreSQL).

Creates a throwaway database with the project's migrations, fills one conversation with 100,000
participants x 2,000 statements and ~4.9 M votes (planted opinion groups, as in
bench_opinion.py) by binary COPY, then runs the real task: `recompute_conversation` enqueued in
the database queue and run by a real `samskab db_worker --batch` process, once cold and once
warm after ~1 % more votes (new participants and new votes of existing ones). Each worker is a
fresh process, so its peak RSS (ru_maxrss from wait4) is that run's own. The task's own log line
splits its time into load / math / map and state / store. While a worker runs, this process asks
for the map page and casts a vote through the services, to show neither waits for the math.

Peers in the same run, each in a fresh interpreter: the pure math (`analysis.opinion.analyze`)
on the same matrix, cold and warm; and the loader the product used before (the ORM iterator over
`values_list`, rows placed with dicts), over the first `--old-loader-rows` votes, extrapolated.

    nice .venv/bin/python bench/bench_national.py [--db-url postgres://postgres@127.0.0.1:5432/bench_national]

Writes bench/results/national.md. Drops and recreates the database named in --db-url.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "national.md"
SAMSKAB = str(Path(sys.executable).with_name("samskab"))
TIMING = re.compile(
    r"(\d+) participants, (\d+) statements, (\d+) votes, (warm|cold) start; load ([\d.]+) s, "
    r"math ([\d.]+) s, map and state ([\d.]+) s, store ([\d.]+) s"
)


def _planted(n: int, m: int, votes: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_opinion import planted

    return planted(n, m, votes, seed=0)


# --------------------------------------------------------------------------------------------
# Peers, each run as `bench_national.py --peer-math FILE` / `--peer-old-loader CID ROWS`
# --------------------------------------------------------------------------------------------


def peer_math(path: str) -> None:
    """The pure math on the same matrices (cold on the first, warm on the second)."""
    from samskab.analysis.opinion import analyze, input_from_arrays

    z = np.load(path)
    out: dict[str, Any] = {}
    previous = None
    for stage in ("cold", "warm"):
        n, m = int(z[f"{stage}_n"]), int(z["m"])
        t0 = time.perf_counter()
        inp = input_from_arrays(
            [str(i) for i in range(n)],
            [str(j) for j in range(m)],
            z[f"{stage}_rows"],
            z[f"{stage}_cols"],
            z[f"{stage}_vals"],
        )
        t1 = time.perf_counter()
        res = analyze(inp, seed=0, previous=previous)
        t2 = time.perf_counter()
        out[stage] = {
            "votes": len(inp.values),
            "input_s": t1 - t0,
            "analyze_s": t2 - t1,
            "groups": [g.size for g in res.groups],
        }
        previous = res
        del inp
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def peer_old_loader(cid: int, limit: int) -> None:
    """The product's loader before this change, over the first `limit` votes."""
    import django

    django.setup()
    from django_scopes import scopes_disabled

    from samskab.opinions.models import Participant, Statement, Vote

    off = scopes_disabled()
    off.__enter__()
    t0 = time.perf_counter()
    statements = list(
        Statement.objects.filter(conversation_id=cid)
        .order_by("id")
        .values_list("pk", "moderation", "is_meta")
    )
    participants = list(
        Participant.objects.filter(conversation_id=cid).order_by("id").values_list("pk", "role")
    )
    s_pos = {pk: j for j, (pk, _m, _meta) in enumerate(statements)}
    p_pos = {pk: i for i, (pk, _r) in enumerate(participants)}
    t1 = time.perf_counter()
    votes = Vote.objects.filter(conversation_id=cid).values_list(
        "participant_id", "statement_id", "value"
    )
    rows: list[int] = []
    cols: list[int] = []
    vals: list[int] = []
    for pid, sid, value in votes.iterator(chunk_size=20_000):
        rows.append(p_pos[pid])
        cols.append(s_pos[sid])
        vals.append(value)
        if len(rows) >= limit:
            break
    t2 = time.perf_counter()
    print(json.dumps({"ids_s": t1 - t0, "votes_s": t2 - t1, "rows": len(rows)}))


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def _copy_binary(cursor: Any, table: str, columns: str, rec: np.ndarray) -> None:
    header = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
    step = 400_000
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(header)
        for i in range(0, len(rec), step):
            copy.write(rec[i : i + step].tobytes())
        copy.write(b"\xff\xff")


def _vote_records(mid: int, cid: int, s_pk: np.ndarray, p_pk: np.ndarray, vals, at: int):
    dt = np.dtype(
        [
            ("fields", ">i2"),
            ("l1", ">i4"),
            ("mid", ">i8"),
            ("l2", ">i4"),
            ("cid", ">i8"),
            ("l3", ">i4"),
            ("sid", ">i8"),
            ("l4", ">i4"),
            ("pid", ">i8"),
            ("l5", ">i4"),
            ("value", ">i2"),
            ("l6", ">i4"),  # role: the empty string, no bytes
            ("l7", ">i4"),
            ("at", ">i8"),
        ]
    )
    rec = np.zeros(len(vals), dtype=dt)
    rec["fields"] = 7
    rec["l1"] = rec["l2"] = rec["l3"] = rec["l4"] = rec["l7"] = 8
    rec["l5"] = 2
    rec["mid"], rec["cid"], rec["sid"], rec["pid"] = mid, cid, s_pk, p_pk
    rec["value"] = vals
    rec["at"] = at
    return rec


def _participant_records(mid: int, cid: int, n: int, first: int, at: int) -> list[np.ndarray]:
    """Binary COPY records of `n` imported participants (external ids first .. first+n-1, 12
    digits), one record array per role since text fields have their own width."""
    # Roles as a real conversation might have them: most none, some citizens, a few staff.
    roles = [b"", b"borger", b"medarbejder"]
    which = np.arange(first, first + n) % 10
    role_of = np.where(which < 6, 0, np.where(which < 9, 1, 2))
    out = []
    for r, role in enumerate(roles):
        idx = np.flatnonzero(role_of == r)
        dt = np.dtype(
            [
                ("fields", ">i2"),
                ("l1", ">i4"),
                ("mid", ">i8"),
                ("l2", ">i4"),
                ("cid", ">i8"),
                ("l3", ">i4"),  # person_id: NULL (-1, no bytes)
                ("l4", ">i4"),
                ("ext", "S12"),
                ("l5", ">i4"),
                *([("role", f"S{len(role)}")] if role else []),
                ("l6", ">i4"),
                ("at", ">i8"),
            ]
        )
        rec = np.zeros(len(idx), dtype=dt)
        rec["fields"] = 6
        rec["l1"] = rec["l2"] = rec["l6"] = 8
        rec["l3"] = -1
        rec["l4"] = 12
        rec["ext"] = np.char.zfill((first + idx).astype("S12"), 12)
        rec["l5"] = len(role)
        if role:
            rec["role"] = role
        rec["mid"], rec["cid"], rec["at"] = mid, cid, at
        out.append(rec)
    return out


def _page_and_vote(
    client: Any, url: str, conversation: Any, statements: list, voter: Any, i: int, vote: bool
) -> tuple[float, float | None]:
    from django_scopes import scope

    from samskab.opinions import services

    t0 = time.perf_counter()
    page = client.get(url, HTTP_HOST="127.0.0.1")
    t1 = time.perf_counter()
    assert page.status_code == 200, page.status_code
    if not vote:
        return t1 - t0, None
    with scope(municipality=conversation.municipality):
        services.cast_vote(conversation, statements[i % len(statements)], voter, value=1)
    return t1 - t0, time.perf_counter() - t1


def run_worker(
    env: dict, cid: int, work: Path, label: str, probe: Any, every: float
) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from samskab.opinions.services import recompute_conversation

    DBTaskResult.objects.all().delete()
    result = recompute_conversation.enqueue(cid)
    log_path = work / f"worker-{label}.log"
    with open(log_path, "w") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(  # noqa: S603 - our own command
            [SAMSKAB, "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        pages, votes = [], []
        i = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(every if probe else 0.2)
            if probe is None:
                continue
            # Probe only while the task is running (not while the worker starts up).
            row = DBTaskResult.objects.filter(id=result.id).values_list("status", flat=True)
            if row and row[0] == "RUNNING":
                page_s, vote_s = probe(i)
                pages.append(page_s)
                if vote_s is not None:
                    votes.append(vote_s)
                i += 1
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log_path.read_text()
    found = TIMING.search(text)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"worker run {label} failed:\n{text[-3000:]}")
    row = DBTaskResult.objects.get(id=result.id)
    n, m, votes_n, start, load, math, shape, store = found.groups()
    return {
        "label": label,
        "participants": int(n),
        "statements": int(m),
        "votes": int(votes_n),
        "start": start,
        "load_s": float(load),
        "math_s": float(math),
        "map_state_s": float(shape),
        "store_s": float(store),
        "task_s": (row.finished_at - row.started_at).total_seconds(),
        "worker_wall_s": wall,
        "worker_peak_rss_mb": usage.ru_maxrss / 1024,
        "page_s": pages,
        "vote_s": votes,
        "status": row.status,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432/bench_national")
    ap.add_argument("--participants", type=int, default=100_000)
    ap.add_argument("--statements", type=int, default=2_000)
    ap.add_argument("--votes", type=int, default=4_900_000)
    ap.add_argument("--old-loader-rows", type=int, default=1_000_000)
    ap.add_argument("--probe-every", type=float, default=1.5)
    ap.add_argument("--peer-math")
    ap.add_argument("--peer-old-loader", nargs=2, type=int)
    args = ap.parse_args()
    if args.peer_math:
        return peer_math(args.peer_math)
    if args.peer_old_loader:
        return peer_old_loader(*args.peer_old_loader)

    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench-national-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.db_url,
        "SAMSKAB_DATA_DIR": str(work),
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "INFO",
        "DJANGO_SETTINGS_MODULE": "samskab.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    os.environ.update(env)

    import psycopg

    # A migrated template (made once, ~2-3 min on the shared cores) is copied for each run;
    # `migrate` then only applies what is new since the template was made.
    base, name = args.db_url.rsplit("/", 1)
    template = f"{name}_template"
    t = time.perf_counter()
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        have = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        if not have:
            admin.execute(f'CREATE DATABASE "{template}"')
            migrate = {**env, "DATABASE_URL": f"{base}/{template}"}
            subprocess.run(  # noqa: S603 - our own command
                [SAMSKAB, "migrate", "--noinput", "-v", "0"], env=migrate, check=True, cwd=ROOT
            )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    subprocess.run([SAMSKAB, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)  # noqa: S603
    migrate_s = time.perf_counter() - t

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django_scopes import scope, scopes_disabled

    from samskab.accounts.models import Membership, Role, User
    from samskab.municipalities import services as municipalities
    from samskab.municipalities.models import Municipality, Visibility
    from samskab.opinions.models import (
        Conversation,
        ConversationAnalysis,
        ModerationState,
        Participant,
        Statement,
        Vote,
    )

    def make_person(email: str, name: str) -> Any:
        return User.objects.create_user(
            email, "correct horse battery", display_name=name, email_verified=True
        )

    # The benchmark works across tenancy as an operator would; the probe sets its own scope.
    off = scopes_disabled()  # kept: a dropped generator would restore the scope
    off.__enter__()

    # --- the conversation: planted votes, the last 1 % held back for the warm run ---
    t = time.perf_counter()
    n_total = args.participants + args.participants // 100 // 2
    conv = _planted(n_total, args.statements, int(args.votes * n_total / args.participants))
    rows, cols, vals = conv["rows"], conv["cols"], conv["vals"]
    rng = np.random.default_rng(1)
    later = (rows >= args.participants) | (rng.random(len(rows)) < 0.005)
    gen_s = time.perf_counter() - t

    t = time.perf_counter()
    with scopes_disabled():
        municipality = Municipality.objects.get(code="0101")
        owner = make_person("ejer@bench.test", "Ejer")
        Membership.objects.create(municipality=municipality, person=owner, role=Role.ADMINISTRATOR)
        voter = make_person("stemmer@bench.test", "Stemmer")
        movement = municipalities.open_movement(municipality, owner, title="Bevægelsen")
        space = municipalities.create_space(
            movement, owner, title="Hele landet", visibility=Visibility.PUBLIC
        )
        conversation = Conversation.objects.create(
            municipality=municipality, space=space, title="Danmark spørger", is_open=True
        )
        Statement.objects.bulk_create(
            Statement(
                municipality=municipality,
                conversation=conversation,
                text=f"Udsagn nummer {j}",
                moderation=ModerationState.IN,
            )
            for j in range(args.statements)
        )
        ConversationAnalysis.objects.create(municipality=municipality, conversation=conversation)
    s_pk = np.array(
        Statement.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    mid, cid = municipality.pk, conversation.pk
    at = 0
    p_table, v_table = Participant._meta.db_table, Vote._meta.db_table

    def add(first: int, n: int, mask: np.ndarray, *, bulk: bool = False) -> np.ndarray:
        with connection.cursor() as cursor:
            if n:
                for rec in _participant_records(mid, cid, n, first, at):
                    _copy_binary(
                        cursor,
                        p_table,
                        "municipality_id, conversation_id, person_id, external_id, role, "
                        "created_at",
                        rec,
                    )
            ext = dict(
                Participant.objects.filter(conversation_id=cid)
                .exclude(external_id="")
                .values_list("external_id", "pk")
            )
            p_pk = np.array([ext[f"{i:012d}"] for i in range(first + n)], dtype=np.int64)
            # Foreign keys are checked by triggers; the rows are known to fit, so skip them.
            cursor.execute("SET session_replication_role = replica")
            rebuild: list[str] = []
            if bulk:
                # Millions of rows into six B-trees one by one is minutes; building the
                # indexes afterwards, each by one sort, is seconds. The primary key stays.
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'u'",
                    [v_table],
                )
                for con, definition in cursor.fetchall():
                    cursor.execute(f'ALTER TABLE {v_table} DROP CONSTRAINT "{con}"')
                    rebuild.append(f'ALTER TABLE {v_table} ADD CONSTRAINT "{con}" {definition}')
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND indexname NOT LIKE '%%pkey'",
                    [v_table],
                )
                for index, definition in cursor.fetchall():
                    cursor.execute(f'DROP INDEX "{index}"')
                    rebuild.append(definition)
            _copy_binary(
                cursor,
                v_table,
                "municipality_id, conversation_id, statement_id, participant_id, value, role, "
                "created_at",
                _vote_records(mid, cid, s_pk[cols[mask]], p_pk[rows[mask]], vals[mask], at),
            )
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for definition in rebuild:
                cursor.execute(definition)
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute(f"ANALYZE {p_table}")
            cursor.execute(f"ANALYZE {v_table}")
        return p_pk

    # Participants are created in index order, so their primary keys are in index order too,
    # and the product's matrix (participants by id) is the planted matrix row for row.
    add(0, args.participants, ~later, bulk=True)
    fill_s = time.perf_counter() - t

    client = Client()
    url = conversation.get_map_url()
    statements = list(Statement.objects.filter(conversation=conversation).order_by("-id")[:50])
    with scope(municipality=municipality):

        def probe(i: int, vote: bool = True) -> tuple[float, float | None]:
            return _page_and_vote(client, url, conversation, statements, voter, i, vote)

        idle = [probe(i) for i in range(3)]
        Vote.objects.filter(participant__person=voter).delete()

    connection.close()
    # The cold and warm runs alone (their matrices are exactly the pure-math peer's); a third
    # run, warm again, while this process asks for the map page and votes.
    cold = run_worker(env, cid, work, "cold", None, args.probe_every)
    with scopes_disabled():
        Vote.objects.filter(participant__person=voter).delete()
        cold_data = ConversationAnalysis.objects.get(conversation_id=cid).data
        cold["groups"] = [g["size"] for g in cold_data["groups"]]
    # The page again with nothing running, now that it shows the national map.
    with scope(municipality=municipality):
        idle_map = [probe(i) for i in range(3)]
    with scopes_disabled():
        Vote.objects.filter(participant__person=voter).delete()
    t = time.perf_counter()
    # The bench voter's participant row sits between the old and the new participants: new
    # participants then come after it, as they would.
    p_pk = add(args.participants, n_total - args.participants, later)
    add_s = time.perf_counter() - t

    # --- the peers' matrices, saved for the pure-math run ---
    # The product orders participants by primary key (COPY wrote them role by role), so the
    # peer gets the same row order: planted row i becomes the rank of its participant's key.
    def by_key(n: int, mask: np.ndarray) -> np.ndarray:
        rank = np.empty(n, np.int64)
        rank[np.argsort(p_pk[:n])] = np.arange(n)
        return rank[rows[mask]]

    cold_mask = ~later
    everything = np.ones(len(rows), bool)
    np.savez(
        work / "matrices.npz",
        m=args.statements,
        cold_n=args.participants,
        cold_rows=by_key(args.participants, cold_mask),
        cold_cols=cols[cold_mask],
        cold_vals=vals[cold_mask],
        warm_n=n_total,
        warm_rows=by_key(n_total, everything),
        warm_cols=cols,
        warm_vals=vals,
    )
    connection.close()
    warm = run_worker(env, cid, work, "warm", None, args.probe_every)
    with scopes_disabled():
        stored = ConversationAnalysis.objects.filter(conversation_id=cid).values_list(
            "data", "warm_state"
        )[0]
    connection.close()
    busy = run_worker(env, cid, work, "busy", probe, args.probe_every)
    with scopes_disabled():
        Vote.objects.filter(participant__person=voter).delete()
    connection.close()

    def peer(*extra: str) -> dict[str, Any]:
        out = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, *extra],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise SystemExit(f"peer {extra[0]} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    math = peer("--peer-math", str(work / "matrices.npz"))
    old = peer("--peer-old-loader", str(cid), str(args.old_loader_rows))
    total_s = time.perf_counter() - started
    report = {
        "machine": f"{platform.platform()}, Python {platform.python_version()}",
        "load_avg_start": load_start,
        "load_avg_end": os.getloadavg()[0],
        "setup_s": {"migrate": migrate_s, "generate": gen_s, "fill": fill_s, "add": add_s},
        "total_s": total_s,
        "cold": cold,
        "warm": warm,
        "busy": busy,
        "math": math,
        "old_loader": old,
        "idle_page_s": [p for p, _v in idle],
        "idle_vote_s": [v for _p, v in idle],
        "idle_map_page_s": [p for p, _v in idle_map],
        "idle_map_vote_s": [v for _p, v in idle_map],
        "stored_groups": [g["size"] for g in stored[0]["groups"]],
        "stored_warm_start": stored[0].get("warm_start"),
        "state_bytes": len(bytes(stored[1] or b"")),
    }
    write(report, args)
    print(json.dumps(report, indent=1, default=float)[:4000])


def _ms(xs: list[float]) -> str:
    if not xs:
        return "-"
    a = np.array(xs) * 1000
    return f"p50 {np.median(a):.0f} / max {a.max():.0f} ms (n={len(a)})"


def write(r: dict[str, Any], args: argparse.Namespace) -> None:
    cold, warm, busy = r["cold"], r["warm"], r["busy"]
    math, old = r["math"], r["old_loader"]
    old_rate = old["rows"] / old["votes_s"]
    old_est = old["ids_s"] + cold["votes"] / old_rate
    lines = [
        "# Opinion map at national size, inside the product (PostgreSQL)",
        "",
        "Command (from the repo root): `nice .venv/bin/python bench/bench_national.py`",
        "",
        f"Machine: {r['machine']}; 2 cores shared with other users (load average "
        f"{r['load_avg_start']:.1f} at start, {r['load_avg_end']:.1f} at end). PostgreSQL on the "
        "same machine. Whole run "
        f"{r['total_s']:.0f} s (database from a migrated template {r['setup_s']['migrate']:.0f} s, planted data "
        f"{r['setup_s']['generate']:.0f} s, COPY into the database {r['setup_s']['fill']:.0f} s).",
        "",
        "The task is `recompute_conversation`, enqueued in the database queue and run by a fresh "
        "`samskab db_worker --batch` process (the time from the task's own log line; task = "
        "started_at..finished_at in the queue; peak RSS = the worker's ru_maxrss, Django and "
        "its imports included). Warm: after ~1 % more votes "
        f"({warm['votes'] - cold['votes']:,} votes, {warm['participants'] - cold['participants']:,}"
        " more participants), starting from the state the cold run stored.",
        "",
        "| run | participants x statements | votes | load s | math s | map + state s | store s "
        "| task s | worker peak RSS MB | pure math s (same matrix, fresh process) | task / pure "
        "math |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    busy["start"] = "warm, pages + votes meanwhile"
    for run, peer in ((cold, math["cold"]), (warm, math["warm"]), (busy, math["warm"])):
        lines.append(
            f"| {run['start']} | {run['participants']:,} x {run['statements']:,} | "
            f"{run['votes']:,} | {run['load_s']:.2f} | {run['math_s']:.2f} | "
            f"{run['map_state_s']:.2f} | {run['store_s']:.2f} | {run['task_s']:.2f} | "
            f"{run['worker_peak_rss_mb']:.0f} | {peer['analyze_s']:.2f} | "
            f"{run['task_s'] / peer['analyze_s']:.2f}x |"
        )
    lines += [
        "",
        f"Pure math peer: peak RSS {math['peak_rss_mb']:.0f} MB (both runs, one process); "
        f"building its input from the arrays took {math['cold']['input_s']:.2f} s cold. Groups "
        f"(sizes): product cold {cold['groups']}, pure math cold {math['cold']['groups']}; "
        f"product warm {r['stored_groups']}, pure math warm {math['warm']['groups']}; identical: "
        f"{'yes' if cold['groups'] == math['cold']['groups'] else 'no'} (cold), "
        f"{'yes' if r['stored_groups'] == math['warm']['groups'] else 'no'} (warm). Stored warm-start state: "
        f"{r['state_bytes'] / 1e6:.2f} MB.",
        "",
        f"Old loader (the ORM iterator the product used before, rows placed with dicts): "
        f"{old['rows']:,} votes in {old['votes_s']:.1f} s ({old_rate:,.0f} votes/s) plus "
        f"{old['ids_s']:.2f} s for the ids; at that rate the cold run's {cold['votes']:,} "
        f"votes take ~{old_est:.0f} s (extrapolated) against {cold['load_s']:.2f} s now: "
        f"{old_est / cold['load_s']:.0f}x.",
        "",
        "The third run (warm again, on the warm run's votes) ran while this process asked for "
        f"the map page and cast a vote through the services every ~{args.probe_every} s; the "
        "page render competes with the worker for the 2 cores:",
        "",
        f"- idle, no map stored yet: map page {_ms(r['idle_page_s'])}, vote "
        f"{_ms(r['idle_vote_s'])}",
        f"- idle, the national map stored: map page {_ms(r['idle_map_page_s'])}, vote "
        f"{_ms(r['idle_map_vote_s'])}",
        f"- during the third run: map page {_ms(busy['page_s'])}, vote {_ms(busy['vote_s'])}",
        "",
        "```json",
        json.dumps(r, indent=1, default=float),
        "```",
        "",
    ]
    OUT.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
