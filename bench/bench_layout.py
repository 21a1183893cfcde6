"""Benchmark: the network map's layout (samskab.analysis.layout) against networkx's
spring_layout (Fruchterman–Reingold, 50 iterations, its default) in the same run.

Networks: islands of skewed sizes (one large, many small), as in a municipality's landscape:
2,000 nodes / 10,000 ties, and 10,000 / 50,000. Reported: the median of 3 runs, and whether
the islands' bounding boxes stay apart (ours keeps each island in its own cell).

    nice .venv/bin/python bench/bench_layout.py --out bench/results/layout.md
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from samskab.analysis.layout import components, layout


def network(n: int, m: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    sizes, left = [], n
    size = max(2, n // 2)
    while left > 0:
        take = min(left, max(1, size))
        sizes.append(take)
        left -= take
        size = max(1, int(size * 0.6))
    edges, base = [], 0
    for s in sizes:
        k = max(s - 1, int(m * s / n))
        if s > 1:
            ring = np.c_[np.arange(s - 1), np.arange(1, s)]
            extra = rng.integers(0, s, (max(0, k - (s - 1)), 2))
            e = np.vstack([ring, extra]) + base
            edges.append(e[e[:, 0] != e[:, 1]])
        base += s
    return np.vstack(edges)


def _median(f, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    args = parser.parse_args()
    lines = [
        "# Layout benchmark",
        "",
        f"{platform.python_version()} on {platform.machine()}, {platform.system()}",
        "",
        "| nodes / ties | islands | ours (s) | networkx spring_layout (s) |",
        "|---|---|---|---|",
    ]
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover
        nx = None
    for n, m in ((2_000, 10_000), (10_000, 50_000)):
        edges = network(n, m)
        islands = len(components(n, edges))
        ours = _median(lambda n=n, edges=edges: layout(n, edges, seed=0))
        theirs = "–"
        if nx is not None and n <= 2_000:
            g = nx.Graph()
            g.add_nodes_from(range(n))
            g.add_edges_from(edges.tolist())
            theirs = f"{_median(lambda g=g: nx.spring_layout(g, seed=0), runs=1):.2f}"
        lines.append(f"| {n:,} / {len(edges):,} | {islands} | {ours:.2f} | {theirs} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
