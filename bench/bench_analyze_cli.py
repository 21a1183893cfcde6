"""`samskab opinion analyze` as a whole process against red-dwarf doing the same job.

    python3 -m venv /tmp/rdvenv && /tmp/rdvenv/bin/pip install red-dwarf
    nice .venv/bin/python bench/bench_analyze_cli.py [--red-dwarf-python /tmp/rdvenv/bin/python]

Both read the same Pol.is CSV export folder (votes.csv + comments.csv) and compute the opinion
map, each in a fresh process (interpreter start, imports, reading the files, the math, the
output), best of --repeat. Folders: the largest real conversation in tests/data/polis, and
planted conversations written in Pol.is's export format (bench_opinion.planted). red-dwarf reads
votes.csv with pandas (its own dependency), keeps each pair's latest vote and runs
`run_pipeline`. Writes
bench/results/analyze_cli.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_opinion import planted  # noqa: E402

SAMSKAB = str(ROOT / ".venv" / "bin" / "samskab")

RED_DWARF = r"""
import sys
import pandas as pd
from reddwarf.implementations.polis import run_pipeline
votes = pd.read_csv(sys.argv[1] + "/votes.csv")
# A changed vote is a later row; the latest counts (red-dwarf takes one vote per pair).
votes = votes.sort_values("timestamp", kind="stable").drop_duplicates(
    ["voter-id", "comment-id"], keep="last"
)
records = [
    {"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": float(t)}
    for p, s, v, t in zip(votes["voter-id"], votes["comment-id"], votes["vote"], votes["timestamp"])
]
result = run_pipeline(votes=records, random_state=0)
print(len(result.participants_df))
"""


def write_export(folder: Path, n: int, m: int, votes: int) -> int:
    conv = planted(n, m, votes, seed=5)
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["timestamp,datetime,comment-id,voter-id,vote"]
    lines += [
        f"{int(t)},,{c},{r},{v}"
        for r, c, v, t in zip(conv["rows"], conv["cols"], conv["vals"], conv["ts"], strict=True)
    ]
    (folder / "votes.csv").write_text("\n".join(lines) + "\n")
    comments = ["timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,comment-body"]
    comments += [f"0,{j},0,0,0,1,false,Udsagn {j}" for j in range(m)]
    (folder / "comments.csv").write_text("\n".join(comments) + "\n")
    return len(conv["rows"])


def best(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=1800)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--red-dwarf-python", default="/tmp/rdvenv/bin/python")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    # An installed package has its bytecode compiled (pip does it, and red-dwarf's has); an
    # editable checkout under PYTHONDONTWRITEBYTECODE would otherwise compile ours every run.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "samskab")], check=True
    )
    work = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    folders = [
        ("bg2050-volunteers (real)", ROOT / "tests" / "data" / "polis" / "bg2050-volunteers")
    ]
    for n, m, v in ((2_000, 900, 225_000), (20_000, 1_000, 1_500_000), (20_000, 2_000, 2_400_000)):
        folder = work / f"planted-{n}x{m}"
        count = write_export(folder, n, m, v)
        folders.append((f"planted {n:,} × {m:,} ({count:,} votes)", folder))
    script = work / "red_dwarf_analyze.py"
    script.write_text(RED_DWARF)
    have_peer = Path(args.red_dwarf_python).exists()
    if not have_peer:
        print(f"red-dwarf not found at {args.red_dwarf_python}: the peer is skipped")
    rows = []
    for label, folder in folders:
        ours = best(
            [SAMSKAB, "opinion", "analyze", str(folder), "--out", str(work / "o.json")], args.repeat
        )
        peer = (
            best([args.red_dwarf_python, str(script), str(folder)], args.repeat)
            if have_peer
            else None
        )
        ratio = f"{peer / ours:.1f}×" if peer else "–"
        rows.append(
            f"| {label} | {ours:.2f} | {peer:.2f} | {ratio} |"
            if peer
            else f"| {label} | {ours:.2f} | – | – |"
        )
        print(rows[-1], flush=True)
    load = Path("/proc/loadavg").read_text().split()[0]
    text = "\n".join(
        [
            "# `samskab opinion analyze` against red-dwarf, whole process (issue 13, item 4)",
            "",
            "`nice .venv/bin/python bench/bench_analyze_cli.py`: each side in a fresh process, best"
            f" of {args.repeat}, the same Pol.is CSV export folder; load average {load} at the end"
            " (2 shared cores).",
            "",
            "| conversation | samskab s | red-dwarf s | red-dwarf / samskab |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )
    (ROOT / "bench" / "results" / "analyze_cli.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
