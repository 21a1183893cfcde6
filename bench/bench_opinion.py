"""Benchmark: our opinion map (samskab.analysis.opinion) against red-dwarf's Pol.is pipeline.

Runs both full pipelines in the same process on the two real conversations shipped in
tests/data/polis and on synthetic conversations with planted groups, and writes a markdown table
to bench/results/opinion.md.

    nice /work/main/.venv-bench/bin/python bench/bench_opinion.py [--skip-reddwarf-large]

Needs red-dwarf (pip install red-dwarf) in the environment; our side needs only numpy/scipy.
Each pipeline runs in a fresh subprocess so peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "polis"
OUT = ROOT / "bench" / "results" / "opinion.md"
RD_MEMORY_GB = 10.0


def planted(n: int, m: int, votes: int, groups: int = 3, seed: int = 0) -> dict[str, Any]:
    """A synthetic conversation: `groups` planted opinion groups (sizes 50/30/20 %), each
    statement has a stance per group; a participant votes their group's stance with p=0.75,
    the opposite with p=0.1, passes otherwise, on statements drawn with a popularity skew."""
    rng = np.random.default_rng(seed)
    sizes = np.array([0.5, 0.3, 0.2][:groups]) if groups == 3 else np.ones(groups) / groups
    truth = rng.choice(groups, size=n, p=sizes / sizes.sum())
    stance = rng.choice([-1, 1], size=(groups, m))
    per = rng.poisson(votes / n, size=n).clip(1, m)
    rows = np.repeat(np.arange(n), per)
    pop = 1.0 / np.arange(1, m + 1) ** 0.5
    cols = rng.choice(m, size=len(rows), p=pop / pop.sum())
    # One final vote per (participant, statement), in random order with timestamps: red-dwarf
    # takes final votes only (it does not resolve repeated votes).
    _, first = np.unique(rows * m + cols, return_index=True)
    keep = rng.permutation(first)
    rows, cols = rows[keep], cols[keep]
    u = rng.random(len(rows))
    s = stance[truth[rows], cols]
    vals = np.where(u < 0.75, s, np.where(u < 0.85, -s, 0)).astype(np.int8)
    ts = rng.random(len(rows)) * 1e9
    return {"n": n, "m": m, "rows": rows, "cols": cols, "vals": vals, "ts": ts, "truth": truth}


def real(name: str) -> dict[str, Any]:
    from samskab.analysis.polis_io import read_polis, read_polis_groups

    inp = read_polis(DATA / name)
    g = read_polis_groups(DATA / name)
    truth = np.array([-1 if g.get(p) is None else g[p] for p in inp.participant_ids])
    return {
        "n": inp.n_participants,
        "m": inp.n_statements,
        "rows": inp.rows,
        "cols": inp.cols,
        "vals": inp.values,
        "ts": np.arange(len(inp.rows), dtype=float),
        "truth": truth,
        "mod_out": inp.mod_out,
    }


def ari(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) from the contingency table."""
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    ct = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(ct, (ia, ib), 1)

    def c2(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    s, sa, sb, t = c2(ct), c2(ct.sum(1)), c2(ct.sum(0)), len(a) * (len(a) - 1) / 2
    exp = sa * sb / t
    mx = (sa + sb) / 2
    return 1.0 if mx == exp else (s - exp) / (mx - exp)


def run_ours(conv: dict[str, Any], q: Any) -> None:
    from samskab.analysis.opinion import analyze, input_from_arrays

    # Warm-up on a tiny conversation (lazy imports, LAPACK set-up) so only the work is timed.
    warm = planted(200, 20, 2_000, seed=9)
    analyze(
        input_from_arrays(
            [str(i) for i in range(200)],
            [str(j) for j in range(20)],
            warm["rows"],
            warm["cols"],
            warm["vals"],
        )
    )
    t0 = time.perf_counter()
    inp = input_from_arrays(
        [str(i) for i in range(conv["n"])],
        [str(j) for j in range(conv["m"])],
        conv["rows"],
        conv["cols"],
        conv["vals"],
        conv["ts"],
        conv.get("mod_out"),
    )
    t1 = time.perf_counter()
    res = analyze(inp, seed=0)
    t2 = time.perf_counter()
    del inp
    # Peak memory of the pipeline itself (numpy buffers included), measured in a second run.
    tracemalloc.start()
    analyze(
        input_from_arrays(
            [str(i) for i in range(conv["n"])],
            [str(j) for j in range(conv["m"])],
            conv["rows"],
            conv["cols"],
            conv["vals"],
            conv["ts"],
            conv.get("mod_out"),
        ),
        seed=0,
    )
    peak = tracemalloc.get_traced_memory()[1] / 1024**2
    tracemalloc.stop()
    q.put(
        {
            "traced_peak_mb": peak,
            "total": t2 - t0,
            "build": t1 - t0,
            "analyze": t2 - t1,
            "labels": res.group,
            "k": len(res.groups),
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def run_reddwarf(conv: dict[str, Any], q: Any) -> None:
    # Cap red-dwarf's address space so a dense 100,000 x 2,000 run cannot starve the machine.
    cap = int(RD_MEMORY_GB * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from reddwarf.implementations.polis import run_pipeline

    warm = planted(200, 20, 2_000, seed=9)
    run_pipeline(
        votes=[
            {"participant_id": int(r), "statement_id": int(c), "vote": int(v), "modified": 0.0}
            for r, c, v in zip(warm["rows"], warm["cols"], warm["vals"], strict=True)
        ],
        random_state=0,
    )
    t0 = time.perf_counter()
    votes = [
        {"participant_id": int(r), "statement_id": int(c), "vote": int(v), "modified": float(t)}
        for r, c, v, t in zip(conv["rows"], conv["cols"], conv["vals"], conv["ts"], strict=True)
    ]
    t1 = time.perf_counter()
    mod_out = [int(j) for j in np.flatnonzero(conv["mod_out"])] if "mod_out" in conv else []
    res = run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)
    t2 = time.perf_counter()
    labels = np.full(conv["n"], -1)
    cid = res.participants_df["cluster_id"]
    for pid, g in cid.items():
        if g is not None and not (isinstance(g, float) and np.isnan(g)) and str(g) != "<NA>":
            labels[int(pid)] = int(g)
    q.put(
        {
            "total": t2 - t0,
            "build": t1 - t0,
            "analyze": t2 - t1,
            "labels": labels,
            "k": int(len(set(labels[labels >= 0]))),
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def in_subprocess(fn: Any, conv: dict[str, Any], timeout: float) -> dict[str, Any] | None:
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=fn, args=(conv, q))
    p.start()
    deadline = time.monotonic() + timeout
    out: dict[str, Any] | None = None
    while out is None and time.monotonic() < deadline:
        try:
            out = q.get(timeout=2.0)
        except Exception:
            if not p.is_alive():  # died (error or memory cap) without a result
                break
    if out is None:
        p.kill()
        p.join()
        return None
    p.join()
    return out


def score(labels: np.ndarray, truth: np.ndarray) -> float:
    both = (labels >= 0) & (truth >= 0)
    return ari(labels[both], truth[both]) if both.sum() > 1 else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--skip-reddwarf-large",
        action="store_true",
        help="do not run red-dwarf on the 100,000 x 2,000 conversation",
    )
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--only", default="", help="run only cases whose name contains this")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    cases: list[tuple[str, Any]] = [
        ("bg2050-volunteers (real)", lambda: real("bg2050-volunteers")),
        ("vtaiwan.uberx (real)", lambda: real("vtaiwan.uberx")),
        ("planted 10,000 x 500", lambda: planted(10_000, 500, 500_000, seed=1)),
        ("planted 30,000 x 1,000", lambda: planted(30_000, 1_000, 1_500_000, seed=3)),
        ("planted 100,000 x 2,000", lambda: planted(100_000, 2_000, 5_000_000, seed=2)),
    ]
    lines = [
        "# Opinion map benchmark: samskab vs red-dwarf",
        "",
        f"Command (from the repo root): `nice {sys.executable} {' '.join(sys.argv)}`",
        "",
        f"Machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}; 2 cores shared.",
        "",
        "Times are wall seconds of the full pipeline from vote events (ids, values, timestamps) "
        "to groups + repness + consensus; red-dwarf's time includes building its list of vote "
        "dicts (its input format). ARI: adjusted Rand index of each method's groups against "
        "the reference (Pol.is's own groups for real data, the planted groups for synthetic), "
        "over participants both clustered. Ours peak memory: pipeline = tracemalloc peak of "
        "input build + analysis (numpy buffers included, measured in a second run); process = "
        "max RSS of the forked subprocess (includes the benchmark's own data and imports). "
        f"Red-dwarf runs under a {RD_MEMORY_GB:.0f} GB address-space cap. "
        f"Load average at start: {os.getloadavg()[0]:.1f} (other users share the cores).",
        "",
        "| conversation | votes | ours s | red-dwarf s | speed ratio | ours peak MB "
        "(pipeline / process) | red-dwarf process peak MB | ours k / ARI | red-dwarf k / ARI |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    results: list[dict[str, Any]] = []
    for name, make in cases:
        if args.only not in name:
            continue
        conv = make()
        n_votes = len(conv["rows"])
        ours = in_subprocess(run_ours, conv, args.timeout)
        large = conv["n"] >= 100_000
        rd = (
            None
            if (large and args.skip_reddwarf_large)
            else in_subprocess(run_reddwarf, conv, args.timeout)
        )
        row = {"name": name, "votes": n_votes, "ours": ours, "rd": rd}
        results.append(row)
        o_ari = score(ours["labels"], conv["truth"]) if ours else float("nan")
        r_ari = score(rd["labels"], conv["truth"]) if rd else float("nan")
        rd_t = (
            f"{rd['total']:.2f}"
            if rd
            else ("not run" if large and args.skip_reddwarf_large else "failed/timeout")
        )
        ratio = f"{rd['total'] / ours['total']:.1f}x" if rd and ours else "-"
        lines.append(
            f"| {name} | {n_votes:,} | {ours['total']:.2f} | {rd_t} | {ratio} | "
            f"{ours['traced_peak_mb']:.0f} / {ours['maxrss_mb']:.0f} | "
            f"{rd['maxrss_mb'] if rd else float('nan'):.0f} | "
            f"{ours['k']} / {o_ari:.3f} | "
            f"{(str(rd['k']) + ' / ' + format(r_ari, '.3f')) if rd else '-'} |"
            if ours
            else f"| {name} | {n_votes:,} | failed | | | | | | |"
        )
        print(lines[-1], flush=True)
    lines += [
        "",
        f"Load average at end: {os.getloadavg()[0]:.1f}.",
        "",
        "Notes: red-dwarf's `run_pipeline` (v0.4) has no base clusters (it k-means the "
        "participants directly, k-means++ init) and imputes a dense n x m matrix; ours follows "
        "Pol.is (k=100 base clusters, groups on base centres) on the sparse matrix.",
        "",
        "```json",
        json.dumps(
            [
                {
                    k: (
                        v
                        if k in ("name", "votes")
                        else {kk: vv for kk, vv in (v or {}).items() if kk != "labels"}
                    )
                    for k, v in r.items()
                }
                for r in results
            ],
            indent=1,
        ),
        "```",
    ]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
