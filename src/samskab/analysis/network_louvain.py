"""Louvain community detection (Blondel, Guillaume, Lambiotte & Lefebvre 2008, "Fast unfolding
of communities in large networks", J. Stat. Mech. P10008), deterministic given a seed.

Modularity (Newman & Girvan 2004; with resolution γ, Reichardt & Bornholdt 2006):
Q = Σ_c [ L_c / m − γ (d_c / 2m)² ], with m the total tie weight, L_c the weight inside
community c and d_c the summed strength of its members.

Local moving: nodes wait in a queue, first in an order drawn from the seed; each node moves to
the neighbouring community with the largest gain k_{i,c} − γ Σ_tot(c) k_i / 2m (its own
community, without it, being the alternative); when a node moves, its neighbours outside its new
community rejoin the queue (the "fast local move" of Traag, Waltman & van Eck 2019, "From
Louvain to Leiden", which visits only nodes whose neighbourhood changed, instead of repeating
full passes) until the queue is empty; then communities become nodes and the process repeats
while modularity grows by more than ``threshold`` (as networkx's ``louvain_communities``).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt

# scipy ships no type stubs; the project does not depend on scipy-stubs.
import scipy.sparse as sp  # type: ignore[import-untyped]

IntArray = npt.NDArray[np.int64]


def modularity(weights: sp.csr_matrix, labels: IntArray, resolution: float = 1.0) -> float:
    """Newman–Girvan modularity of a partition of a symmetric weight matrix (no diagonal)."""
    total = float(weights.sum()) / 2.0
    if total == 0:
        return 0.0
    coo = weights.tocoo()
    same = labels[coo.row] == labels[coo.col]
    inside = np.bincount(labels[coo.row[same]], weights=coo.data[same]) / 2.0
    strength = np.asarray(weights.sum(axis=1)).ravel()
    degree = np.bincount(labels, weights=strength)
    inside = np.pad(inside, (0, len(degree) - len(inside)))
    return float(np.sum(inside / total - resolution * (degree / (2.0 * total)) ** 2))


def _one_level(
    level: sp.csr_matrix, rng: np.random.Generator, resolution: float
) -> tuple[IntArray, bool]:
    n = level.shape[0]
    indptr: list[int] = level.indptr.tolist()
    indices: list[int] = level.indices.tolist()
    data: list[float] = level.data.tolist()
    strength: list[float] = np.asarray(level.sum(axis=1)).ravel().tolist()
    two_m = sum(strength)
    comm = list(range(n))
    tot = strength.copy()
    queue: deque[int] = deque(rng.permutation(n).tolist())
    queued = [True] * n
    moved_any = False
    while queue:
        i = queue.popleft()
        queued[i] = False
        ci = comm[i]
        ki = strength[i]
        links: dict[int, float] = {}
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            if j != i:
                c = comm[j]
                links[c] = links.get(c, 0.0) + data[e]
        tot[ci] -= ki
        factor = resolution * ki / two_m
        best = ci
        best_gain = links.get(ci, 0.0) - factor * tot[ci]
        for c, w in links.items():
            gain = w - factor * tot[c]
            if gain > best_gain:
                best, best_gain = c, gain
        tot[best] += ki
        if best != ci:
            comm[i] = best
            moved_any = True
            for e in range(indptr[i], indptr[i + 1]):
                j = indices[e]
                if not queued[j] and comm[j] != best:
                    queued[j] = True
                    queue.append(j)
    _, labels = np.unique(np.array(comm, dtype=np.int64), return_inverse=True)
    return labels.astype(np.int64), moved_any


def louvain(
    weights: sp.csr_matrix, *, seed: int, resolution: float = 1.0, threshold: float = 1e-7
) -> IntArray:
    """Community label of each node; communities numbered by their smallest node index."""
    n = weights.shape[0]
    labels = np.arange(n, dtype=np.int64)
    if n == 0 or weights.nnz == 0:
        return labels
    rng = np.random.default_rng(seed)
    level = weights.tocsr()
    best_q = modularity(weights, labels, resolution)
    while True:
        local, moved = _one_level(level, rng, resolution)
        if not moved:
            break
        candidate = local[labels]
        q = modularity(weights, candidate, resolution)
        if q - best_q <= threshold:
            break
        labels, best_q = candidate, q
        k = int(local.max()) + 1
        member = sp.csr_matrix(
            (np.ones(len(local)), (local, np.arange(len(local)))), shape=(k, len(local))
        )
        level = (member @ level @ member.T).tocsr()
    # Renumber by smallest member so the numbering does not depend on visiting order.
    first = np.full(int(labels.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n, dtype=np.int64))
    rank = np.empty_like(first)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[labels]
