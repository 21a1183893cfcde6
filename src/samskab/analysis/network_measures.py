"""Array-level network algorithms behind :mod:`samskab.analysis.network`.

Graphs here are undirected and simple, on nodes ``0..n-1``, given as a symmetric
``scipy.sparse.csr_matrix`` of tie weights (no diagonal, sorted indices). Pure numpy/scipy; no
Django. Each function names the source of its formula; the definitions follow networkx 3.6 so
that the tests can compare term by term.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# scipy ships no type stubs; the project does not depend on scipy-stubs.
import scipy.sparse as sp  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Sources per batch of the level-synchronous Brandes sweep: n × batch arrays stay in cache.
_BATCH = 64
# A level whose ties number under n × batch / _SMALL is swept over its own ties only.
_SMALL = 4
# After a batch with more levels than _DEEP, batches grow to _WIDE / n sources (arrays of
# _WIDE entries, 8 MB each).
_DEEP = 40
_WIDE = 2**20


def components(adjacency: sp.csr_matrix) -> tuple[int, IntArray]:
    """Connected components (islands): their number and each node's label.

    Labels are renumbered so that component 0 is the largest, ties broken by the smallest node
    index in the component (deterministic whatever scipy's own numbering).
    """
    n = adjacency.shape[0]
    if n == 0:
        return 0, np.zeros(0, dtype=np.int64)
    count, raw = connected_components(adjacency, directed=False)
    raw = raw.astype(np.int64)
    sizes = np.bincount(raw, minlength=count)
    first = np.full(count, n, dtype=np.int64)
    np.minimum.at(first, raw, np.arange(n, dtype=np.int64))
    order = np.lexsort((first, -sizes))
    relabel = np.empty(count, dtype=np.int64)
    relabel[order] = np.arange(count, dtype=np.int64)
    return int(count), relabel[raw]


@dataclass(frozen=True)
class Dependencies:
    """Per-node sums over the swept sources of Brandes' dependency δ_s(v), and of δ_s(v)²."""

    total: FloatArray
    squares: FloatArray


def _expand(
    entries: IntArray, width: int, indptr: IntArray, indices: IntArray, degree: IntArray
) -> tuple[IntArray, IntArray]:
    """For flat entries v * width + j: each (entry position, w * width + j) for w ~ v."""
    nodes = entries // width
    deg = degree[nodes]
    owner = np.repeat(np.arange(len(entries)), deg)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(deg) - deg, deg)
    neighbours = indices[indptr[nodes][owner] + offset]
    return owner, neighbours * width + entries[owner] % width


def dependencies(adjacency: sp.csr_matrix, sources: IntArray) -> Dependencies:
    """Brandes' (2001) dependencies δ_s(v) = Σ_t σ_st(v)/σ_st of every node on every source.

    Hop-count shortest paths (tie weights ignored, as networkx with ``weight=None``). The
    sweep is level-synchronous over a batch of sources at once (the linear-algebra form of
    Brandes' algorithm, Kepner & Gilbert, "Graph Algorithms in the Language of Linear
    Algebra", 2011, ch. 6): forward, σ at depth d+1 is A·σ at depth d restricted to unseen
    nodes; backward, δ_v = σ_v Σ_{w child of v} (1 + δ_w)/σ_w, i.e. A·((1 + δ)/σ) at depth
    d+1, kept where depth = d.

    A large level is one sparse-times-dense product over all ties; a small one (the last
    levels, a long tail) follows only its own nodes' ties. Cost: about (large levels per
    source) × (ties) × (sources), plus a fixed numpy overhead per level and batch, which is why
    a batch that needed many levels makes the next batches wider. Co-creation networks are
    small worlds (few levels); a long chain is the worst case (a 2,000-actor path: about 1–2 s,
    against 0.3 s for the generated 2,000-actor network of bench/bench_network.py).
    """
    n = adjacency.shape[0]
    binary = adjacency.copy()
    binary.data = np.ones_like(binary.data)
    indptr = binary.indptr.astype(np.int64)
    indices = binary.indices.astype(np.int64)
    degree = np.diff(indptr)
    total = np.zeros(n)
    squares = np.zeros(n)
    start, width = 0, _BATCH
    while start < len(sources):
        src = sources[start : start + width]
        start += width
        width = len(src)
        # Flat views: entry v * width + j is node v seen from the batch's j-th source.
        sigma = np.zeros(n * width)
        frontier = np.zeros((n, width))
        first = src * width + np.arange(width)
        sigma[first] = 1.0
        frontier.ravel()[first] = 1.0
        levels = [first]
        while True:
            last = levels[-1]
            if _SMALL * int(degree[last // width].sum()) >= n * width:
                reached = (binary @ frontier).ravel()
                # A node is unseen while it has no shortest path yet (σ = 0).
                new = np.flatnonzero((reached > 0) & (sigma == 0))
                counts = reached[new]
            else:
                # A small level (a long tail, the last levels): follow its own ties only.
                owner, keys = _expand(last, width, indptr, indices, degree)
                fresh = sigma[keys] == 0
                new, where = np.unique(keys[fresh], return_inverse=True)
                counts = np.bincount(where, weights=sigma[last][owner[fresh]], minlength=len(new))
            if not len(new):
                break
            frontier.ravel()[last] = 0.0
            sigma[new] = counts
            frontier.ravel()[new] = counts
            levels.append(new)
        delta = np.zeros(n * width)
        coef = np.zeros((n, width))
        flat_coef = coef.ravel()
        for d in range(len(levels) - 1, 1, -1):
            here, parents = levels[d], levels[d - 1]
            share = (1.0 + delta[here]) / sigma[here]
            if _SMALL * int(degree[here // width].sum()) >= n * width:
                flat_coef[here] = share
                pushed = (binary @ coef).ravel()[parents]
                flat_coef[here] = 0.0
            else:
                owner, keys = _expand(here, width, indptr, indices, degree)
                # Levels after the first are sorted: find each neighbour among the parents.
                pos = np.minimum(np.searchsorted(parents, keys), len(parents) - 1)
                hit = parents[pos] == keys
                pushed = np.bincount(pos[hit], weights=share[owner[hit]], minlength=len(parents))
            delta[parents] += sigma[parents] * pushed
        per_node = delta.reshape(n, width)
        total += per_node.sum(axis=1)
        squares += np.einsum("ij,ij->i", per_node, per_node)
        if len(levels) > _DEEP:
            # A long chain: per-level overhead dominates, so sweep more sources at once.
            width = max(width, _WIDE // n)
    return Dependencies(total, squares)


@dataclass(frozen=True)
class BetweennessEstimate:
    """Normalised betweenness per node, and the standard error of each value (0 when exact)."""

    values: FloatArray
    standard_error: FloatArray
    sources: IntArray
    exact: bool


def betweenness(
    adjacency: sp.csr_matrix, *, k: int | None = None, seed: int = 0
) -> BetweennessEstimate:
    """Betweenness centrality, normalised as ``networkx.betweenness_centrality`` (3.6).

    Exact (``k`` None or ≥ n): c(v) = Σ_{s≠v≠t} σ_st(v)/σ_st / ((n−1)(n−2)) over ordered pairs
    (Brandes 2001; Freeman 1977), 0 for n ≤ 2.

    Sampled (``k`` < n sources, Brandes & Pich 2007): the sources are
    ``random.Random(seed).sample(range(n), k)``, the very draw networkx makes for the same
    node order and seed, and the estimate is networkx's: the mean over sampled sources s ≠ v
    of δ_s(v)/(n−2) (k−1 of them when v itself is a source, k otherwise). Its standard error
    per node is the sample standard deviation of δ_s(v)/(n−2) over those sources divided by
    √k_v, with the finite-population correction √(1 − k_v/(n−1)) because the sources are
    drawn without replacement from the n−1 candidates. Averaged over nodes it matches the
    error made (tests: mean |sampled − exact| ≈ mean standard error); for a single node it
    understates the error where a few sources carry most of its dependency and the sample
    misses them (about 75–90 % of nodes lie within two standard errors).
    """
    n = adjacency.shape[0]
    exact = k is None or k >= n
    if exact:
        sources = np.arange(n, dtype=np.int64)
    else:
        if k is None or k < 2:
            raise ValueError(f"sampled betweenness needs at least 2 sources, got {k}")
        sources = np.array(random.Random(seed).sample(range(n), k), dtype=np.int64)
    if n <= 2:
        zeros = np.zeros(n)
        return BetweennessEstimate(zeros, zeros.copy(), sources, exact)
    dep = dependencies(adjacency, sources)
    if exact:
        values = dep.total / ((n - 1) * (n - 2))
        return BetweennessEstimate(values, np.zeros(n), sources, True)
    counts = np.full(n, float(len(sources)))
    counts[sources] -= 1.0  # δ_v(v) is not a sample of v's own betweenness
    scale = 1.0 / (n - 2)
    values = dep.total * scale / counts
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (dep.squares * scale**2 - counts * values**2) / (counts - 1.0)
    var = np.where(counts > 1, np.maximum(var, 0.0), 0.0)
    fpc = np.maximum(1.0 - counts / (n - 1), 0.0)
    se = np.sqrt(var / np.maximum(counts, 1.0) * fpc)
    return BetweennessEstimate(values, se, sources, False)


def bridges_and_cut_nodes(adjacency: sp.csr_matrix) -> tuple[list[tuple[int, int]], list[int]]:
    """Bridges and articulation points by one depth-first search (Tarjan 1974; Hopcroft &
    Tarjan 1973): with discovery time disc and low point low, tree edge (p, v) is a bridge iff
    low[v] > disc[p]; a non-root p is an articulation point iff some child v has
    low[v] ≥ disc[p]; the root iff it has two or more children.

    Returns bridges as (smaller, larger) node pairs, sorted, and articulation points, sorted.
    """
    n = adjacency.shape[0]
    indptr: list[int] = adjacency.indptr.tolist()
    indices: list[int] = adjacency.indices.tolist()
    disc = [-1] * n
    low = [0] * n
    parent = [-1] * n
    nxt = indptr[:-1].copy() if n else []
    cut = [False] * n
    bridges: list[tuple[int, int]] = []
    clock = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = clock
        clock += 1
        children = 0
        stack = [root]
        while stack:
            v = stack[-1]
            i = nxt[v]
            if i < indptr[v + 1]:
                nxt[v] = i + 1
                w = indices[i]
                if disc[w] == -1:
                    parent[w] = v
                    disc[w] = low[w] = clock
                    clock += 1
                    stack.append(w)
                    if v == root:
                        children += 1
                elif w != parent[v] and disc[w] < low[v]:
                    low[v] = disc[w]
                continue
            stack.pop()
            p = parent[v]
            if p == -1:
                continue
            if low[v] < low[p]:
                low[p] = low[v]
            if low[v] > disc[p]:
                bridges.append((min(p, v), max(p, v)))
            if p != root and low[v] >= disc[p]:
                cut[p] = True
        if children > 1:
            cut[root] = True
    return sorted(bridges), [v for v in range(n) if cut[v]]


@dataclass(frozen=True)
class StructuralHoles:
    """Burt's constraint and effective size per node (NaN for a node without ties), and each
    local constraint term c_uv on the adjacency's sparsity pattern."""

    constraint: FloatArray
    effective_size: FloatArray
    local_constraint: sp.csr_matrix


def structural_holes(weights: sp.csr_matrix) -> StructuralHoles:
    """Burt (1992, "Structural Holes", ch. 2) as networkx 3.6 defines them, weighted.

    With p_uv = w_uv / Σ_k w_uk (networkx ``normalized_mutual_weight``, norm = sum; the
    mutual weight of an undirected tie is 2w, which the ratio cancels) and m_vw = w_vw /
    max_k w_vk (norm = max):

    * local constraint c_uv = (p_uv + Σ_{w∈N(u)} p_uw p_wv)², constraint c_u = Σ_{v∈N(u)} c_uv;
    * effective size e_u = Σ_{v∈N(u)} (1 − Σ_{w∈N(u)} p_uw m_vw) (Burt 1992; Borgatti 1997,
      "Structural holes: unpacking Burt's redundancy measures", which equals n − 2t/n when
      all weights are 1).

    networkx 3.6's all-nodes ``effective_size`` (its sparse path) divides m_vw by w's largest
    weight instead of v's (a 1-D row maximum broadcast over columns), so on weighted graphs it
    differs from its own per-node path and from the formula above; we follow the formula, and
    the tests compare with the per-node path (``nodes=[...]``).
    """
    n = weights.shape[0]
    strength = np.asarray(weights.sum(axis=1)).ravel()
    top = np.asarray(weights.max(axis=1).todense()).ravel() if n else np.zeros(0)
    isolated = strength == 0
    inv_sum = sp.diags(np.where(isolated, 0.0, 1.0 / np.where(isolated, 1.0, strength)))
    inv_max = sp.diags(np.where(top == 0, 0.0, 1.0 / np.where(top == 0, 1.0, top)))
    p = (inv_sum @ weights).tocsr()
    m = (inv_max @ weights).tocsr()
    pattern = weights.copy()
    pattern.data = np.ones_like(pattern.data)
    indirect = (p @ p).multiply(pattern)
    local = (p + indirect).tocsr()
    local.data **= 2
    local = local.multiply(pattern).tocsr()
    constraint = np.asarray(local.sum(axis=1)).ravel()
    # Σ_{v∈N(u)} Σ_w p_uw m_vw = Σ_w p_uw (A m)_uw over u's ties.
    redundancy = np.asarray(p.multiply(pattern @ m).sum(axis=1)).ravel()
    degree = np.diff(weights.indptr).astype(np.float64)
    effective = degree - redundancy
    constraint[isolated] = math.nan
    effective[isolated] = math.nan
    return StructuralHoles(constraint, effective, local)
