"""The opinion map: the Pol.is method (PCA + k-means + repness) on a sparse vote matrix.

Pure numpy; no Django, and no scipy (importing it costs more than analysing a real
conversation: bench/bench_analyze_cli.py). Dataclasses in, dataclasses out. Deterministic given
a seed.

The method follows Pol.is's math server (compdemocracy/polis, ``math/src/polismath/math/``:
``conversation.clj``, ``pca.clj``, ``clusters.clj``, ``repness.clj``, ``stats.clj``), as written
out term by term in the project's ``OPINION-MATH.md``. The code is ours; each formula names its
source. One convention differs from Pol.is's database: here agree = +1 and disagree = -1 (as in
Pol.is's CSV exports). Pol.is's math runs on database values where agree = -1, so every formula
that mentions "-1" there (agree counts, comment extremity) is written with +1 here.

Scale: everything works on the sparse matrix of cast votes. Mean-imputing the missing cells and
then centring makes exactly those cells zero, so the centred matrix has the sparsity pattern of
the votes and the 2-component PCA is a sparse truncated eigenproblem of CᵀC (m × m).
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from samskab.analysis import krylov

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

AGREE = 1
DISAGREE = -1
PASS = 0

# 90 % one-sided z threshold (polismath.math.stats/z-sig-90?).
Z_90 = 1.2816
# Pol.is defaults (conversation.clj, base-conv-update-graph :opts').
BASE_K = 100
BASE_ITERS = 100
# Group k-means is called with :cluster-iters, which `kmeans` ignores, so it runs with the
# default :max-iters 20 (clusters.clj/kmeans).
GROUP_ITERS = 20
MAX_K = 5
GROUP_K_BUFFER = 4
MIN_VOTES = 7
GREEDY_N = 15
PICK_MAX = 5
# conversation.clj/meta-priority, squared in priority-metric.
META_PRIORITY = 7.0


class OpinionInputError(ValueError):
    """The vote input is inconsistent (bad ids, indices or vote values)."""


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vote:
    """One vote event. ``value``: +1 agree, -1 disagree, 0 pass. Later ``timestamp`` wins."""

    participant: str
    statement: str
    value: int
    timestamp: float = 0.0


@dataclass(frozen=True)
class StatementInfo:
    """Moderation state of a statement: ``moderated`` 1 in, 0 unmoderated, -1 out."""

    id: str
    moderated: int = 0
    is_meta: bool = False


@dataclass(frozen=True)
class OpinionInput:
    """The final vote matrix (participants × statements) in coordinate form.

    ``rows``/``cols`` index ``participant_ids``/``statement_ids``; one entry per cast vote
    (duplicates already resolved, latest wins), sorted by (row, col). A missing entry is "not
    seen" (NaN in the dense view); a stored 0 is a pass. ``roles`` maps participant id to a
    declared role label (optional).
    """

    participant_ids: tuple[str, ...]
    statement_ids: tuple[str, ...]
    rows: IntArray
    cols: IntArray
    values: npt.NDArray[np.int8]
    mod_out: BoolArray
    is_meta: BoolArray
    roles: Mapping[str, str] = field(default_factory=dict)

    @property
    def n_participants(self) -> int:
        return len(self.participant_ids)

    @property
    def n_statements(self) -> int:
        return len(self.statement_ids)

    def dense(self) -> FloatArray:
        """Dense participants × statements matrix with NaN for missing (small data only)."""
        out = np.full((self.n_participants, self.n_statements), np.nan)
        out[self.rows, self.cols] = self.values
        return out


#: Entries per block of a `RowMatrix` product: a block's temporaries stay in the CPU cache,
#: which makes the product about twice as fast as whole-array numpy on 5 M votes.
_BLOCK = 1 << 17


class RowMatrix:
    """A sparse n × m matrix with one entry per cast vote, stored by rows (CSR-like).

    ``rows`` sorted, no duplicates; explicit zeros stay entries (a pass is a seen cell).
    Products run in blocks of whole rows: within a block a row's entries are contiguous, so
    C·x is a segmented sum (``np.add.reduceat``) and Cᵀ·u a ``bincount`` over the m columns.
    """

    def __init__(self, rows: IntArray, cols: IntArray, data: FloatArray, n: int, m: int):
        self.shape = (n, m)
        self.cols = cols.astype(np.intp)
        self.data = data
        self.nnz = len(data)
        counts = np.bincount(rows, minlength=n)
        self._nonempty = np.flatnonzero(counts)
        counts = counts[self._nonempty]
        ends = np.cumsum(counts)
        starts = ends - counts
        # Blocks of whole rows: (first entry, end entry, row offsets in the block, row sizes,
        # first and end position among the non-empty rows).
        self._blocks: list[tuple[int, int, IntArray, IntArray, int, int]] = []
        a = 0
        while a < len(counts):
            b = int(np.searchsorted(ends, starts[a] + _BLOCK, side="right"))
            b = max(b, a + 1)
            self._blocks.append(
                (int(starts[a]), int(ends[b - 1]), starts[a:b] - starts[a], counts[a:b], a, b)
            )
            a = b

    def times(self, x: FloatArray) -> FloatArray:
        """C·x for x of shape (m,) or (m, k)."""
        x = np.asarray(x, dtype=np.float64)
        out = np.zeros((self.shape[0], *x.shape[1:]))
        part = np.zeros((len(self._nonempty), *x.shape[1:]))
        for s, e, offsets, _sizes, a, b in self._blocks:
            prod = x[self.cols[s:e]]
            prod *= self.data[s:e] if x.ndim == 1 else self.data[s:e, None]
            part[a:b] = np.add.reduceat(prod, offsets, axis=0)
        out[self._nonempty] = part
        return out

    def gram_times(self, x: FloatArray) -> FloatArray:
        """Cᵀ(C·x) for x of shape (m,), in one pass over the entries."""
        m = self.shape[1]
        out = np.zeros(m)
        for s, e, offsets, sizes, _a, _b in self._blocks:
            d = self.data[s:e]
            prod = x[self.cols[s:e]]
            prod *= d
            prod = np.repeat(np.add.reduceat(prod, offsets), sizes)
            prod *= d
            out += np.bincount(self.cols[s:e], weights=prod, minlength=m)
        return out

    def gram(self) -> FloatArray:
        """CᵀC as a dense m × m matrix (for few statements)."""
        m = self.shape[1]
        out = np.zeros((m, m))
        for s, e, _offsets, sizes, _a, _b in self._blocks:
            dense = np.zeros((len(sizes), m))
            dense[np.repeat(np.arange(len(sizes)), sizes), self.cols[s:e]] = self.data[s:e]
            out += dense.T @ dense
        return out


def group_counts(
    group_of_row: IntArray, rows: IntArray, cols: IntArray, n_groups: int, m: int
) -> IntArray:
    """Entries per (group, column) (n_groups × m); rows in group -1 count nowhere."""
    g = group_of_row[rows]
    inside = g >= 0
    key = g[inside] * m + cols[inside]
    return np.bincount(key, minlength=n_groups * m).reshape(n_groups, m).astype(np.int64)


def input_from_arrays(
    participant_ids: Sequence[str],
    statement_ids: Sequence[str],
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    values: npt.ArrayLike,
    timestamps: npt.ArrayLike | None = None,
    mod_out: npt.ArrayLike | None = None,
    is_meta: npt.ArrayLike | None = None,
    roles: Mapping[str, str] | None = None,
) -> OpinionInput:
    """Build the input from vote-event arrays (the fast path, e.g. from a database query).

    Several events for one (participant, statement): the one with the largest timestamp wins;
    without timestamps (or on equal timestamps) the later event in input order wins.
    """
    p_ids = tuple(str(p) for p in participant_ids)
    s_ids = tuple(str(s) for s in statement_ids)
    n, m = len(p_ids), len(s_ids)
    if len(set(p_ids)) != n:
        raise OpinionInputError("duplicate participant ids")
    if len(set(s_ids)) != m:
        raise OpinionInputError("duplicate statement ids")
    r = np.asarray(rows, dtype=np.int64).ravel()
    c = np.asarray(cols, dtype=np.int64).ravel()
    v = np.asarray(values).ravel()
    if not (len(r) == len(c) == len(v)):
        raise OpinionInputError("rows, cols and values differ in length")
    if len(r) and (r.min() < 0 or r.max() >= n or c.min() < 0 or c.max() >= m):
        raise OpinionInputError("vote index outside the participant/statement ids")
    if len(v) and not (np.all(v == np.round(v)) and v.min() >= -1 and v.max() <= 1):
        raise OpinionInputError("vote values must be -1, 0 or 1")
    key = r * max(m, 1) + c
    # Stable sort by cell keeps input order within a cell, so the last event of a run is the
    # latest in input order; only cells with several events then need their timestamps.
    n_ev = len(key)
    if n_ev < 2 or bool(np.all(key[1:] > key[:-1])):
        order = np.arange(n_ev)
    elif max(n, 1) * max(m, 1) * n_ev < 2**62:
        # Unique composite key (cell, input position): an unstable sort is then stable, and
        # several times faster than numpy's stable sort on shuffled int64.
        order = np.argsort(key * n_ev + np.arange(n_ev))
    else:
        order = np.argsort(key, kind="stable")
    key_sorted = key[order]
    last = np.ones(len(order), dtype=bool)
    if len(order) > 1:
        last[:-1] = key_sorted[1:] != key_sorted[:-1]
    if timestamps is not None:
        ts = np.asarray(timestamps, dtype=np.float64).ravel()
        if len(ts) != len(r):
            raise OpinionInputError("timestamps differ in length from votes")
        first = np.ones(len(order), dtype=bool)
        first[1:] = last[:-1]
        run = np.cumsum(first) - 1
        run_len = np.bincount(run)
        dup = run_len[run] > 1
        if dup.any():
            sub = np.flatnonzero(dup)
            # Within each duplicated cell: order by (timestamp, input position); keep the last.
            o2 = np.lexsort((order[sub], ts[order[sub]], run[sub]))
            sub_sorted = sub[o2]
            sub_last = np.ones(len(sub_sorted), dtype=bool)
            sub_last[:-1] = run[sub_sorted][1:] != run[sub_sorted][:-1]
            last[sub] = False
            last[sub_sorted[sub_last]] = True
    keep = order[last]
    mo = np.zeros(m, bool) if mod_out is None else np.asarray(mod_out, dtype=bool).ravel()
    me = np.zeros(m, bool) if is_meta is None else np.asarray(is_meta, dtype=bool).ravel()
    if len(mo) != m or len(me) != m:
        raise OpinionInputError("mod_out/is_meta must have one entry per statement")
    return OpinionInput(
        participant_ids=p_ids,
        statement_ids=s_ids,
        rows=r[keep],
        cols=c[keep],
        values=v[keep].astype(np.int8),
        mod_out=mo,
        is_meta=me,
        roles=dict(roles or {}),
    )


def build_input(
    votes: Iterable[Vote],
    statements: Iterable[StatementInfo] = (),
    roles: Mapping[str, str] | None = None,
) -> OpinionInput:
    """Build the input from vote events and statement metadata (convenience path).

    Statements are ordered as given, then any only seen in votes in first-seen order;
    participants in first-seen order.
    """
    s_index: dict[str, int] = {}
    mod: list[bool] = []
    meta: list[bool] = []
    for st in statements:
        if st.id in s_index:
            raise OpinionInputError(f"duplicate statement id {st.id!r}")
        s_index[st.id] = len(s_index)
        # Mod-out = moderated out or meta (conversation.clj :mod-out; OPINION-MATH "Mod-out").
        mod.append(st.moderated == -1 or st.is_meta)
        meta.append(st.is_meta)
    p_index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[int] = []
    ts: list[float] = []
    for vote in votes:
        if vote.value not in (-1, 0, 1):
            raise OpinionInputError(f"vote value {vote.value!r} is not -1, 0 or 1")
        rows.append(p_index.setdefault(vote.participant, len(p_index)))
        if vote.statement not in s_index:
            s_index[vote.statement] = len(s_index)
            mod.append(False)
            meta.append(False)
        cols.append(s_index[vote.statement])
        vals.append(vote.value)
        ts.append(vote.timestamp)
    return input_from_arrays(list(p_index), list(s_index), rows, cols, vals, ts, mod, meta, roles)


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PCAResult:
    """Column means ``center`` (m), ``components`` (2 × m, unit rows), comment ``extremity``."""

    center: FloatArray
    components: FloatArray
    extremity: FloatArray


@dataclass(frozen=True)
class RepStatement:
    statement: str
    direction: Literal["agree", "disagree"]
    n_success: int
    n_trials: int
    p: float  # p-success (Laplace-smoothed)
    p_test: float
    repness: float  # ratio r against the rest
    repness_test: float  # two-proportion z
    score: float  # repness * repness_test * p * p_test
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    statement: str
    n_success: int
    n_trials: int
    p: float
    p_test: float


@dataclass(frozen=True)
class Group:
    id: int
    size: int  # participants
    center: tuple[float, float]
    base_clusters: tuple[int, ...]
    repness: tuple[RepStatement, ...]


@dataclass(frozen=True)
class VoteCounts:
    """Agree/disagree/seen counts per statement (arrays aligned with ``statement_ids``)."""

    n_agree: IntArray
    n_disagree: IntArray
    n_seen: IntArray

    @property
    def p_agree(self) -> FloatArray:
        return (self.n_agree + 1.0) / (self.n_seen + 2.0)

    @property
    def p_disagree(self) -> FloatArray:
        return (self.n_disagree + 1.0) / (self.n_seen + 2.0)


@dataclass(frozen=True)
class RoleStats:
    """The group statistics computed for one declared role (ours, not Pol.is)."""

    role: str
    size: int
    counts: VoteCounts
    repness: tuple[RepStatement, ...]


@dataclass(frozen=True)
class OpinionResult:
    participant_ids: tuple[str, ...]
    statement_ids: tuple[str, ...]
    x: FloatArray
    y: FloatArray
    n_votes: IntArray  # raw votes incl. passes (Pol.is user-vote-counts)
    in_conv: BoolArray
    base_cluster: IntArray  # base-cluster id per participant, -1 if not clustered
    base_ids: IntArray  # ids of base clusters (sorted)
    base_centers: FloatArray  # (n_base, 2)
    base_sizes: IntArray
    group: IntArray  # group id per participant, -1 if not clustered
    groups: tuple[Group, ...]
    group_counts: tuple[VoteCounts, ...]  # aligned with groups
    pca: PCAResult
    consensus_agree: tuple[ConsensusStatement, ...]
    consensus_disagree: tuple[ConsensusStatement, ...]
    group_informed_consensus: FloatArray  # per statement
    priority: FloatArray  # per statement
    silhouettes: Mapping[int, float]
    roles: tuple[RoleStats, ...]
    role_informed_consensus: FloatArray  # per statement, Π over roles (A+1)/(S+2)
    # Warm-start state: group clustering per k as
    # (base ids, group id per base cluster, group ids, group centres aligned with group ids).
    group_clusterings: Mapping[int, tuple[IntArray, IntArray, IntArray, FloatArray]]
    k_smoother: tuple[int, int, int]  # (last_k, last_k_count, smoothed_k)
    timing_s: float = 0.0


@dataclass(frozen=True)
class WarmStart:
    """What ``analyze(previous=...)`` reads from an earlier result: ids, PCA components,
    who was clustered, base clusters, group clusterings per k and the k smoother. Small enough
    to store between runs (`save_warm_start`) where the whole result is not kept."""

    participant_ids: tuple[str, ...]
    statement_ids: tuple[str, ...]
    components: FloatArray  # (2, m)
    in_conv: BoolArray
    base_cluster: IntArray
    base_ids: IntArray
    group_clusterings: Mapping[int, tuple[IntArray, IntArray, IntArray, FloatArray]]
    k_smoother: tuple[int, int, int]


def warm_start(result: OpinionResult) -> WarmStart:
    """The part of a result the next ``analyze`` warm-starts from."""
    return WarmStart(
        participant_ids=result.participant_ids,
        statement_ids=result.statement_ids,
        components=result.pca.components,
        in_conv=result.in_conv,
        base_cluster=result.base_cluster,
        base_ids=result.base_ids,
        group_clusterings=result.group_clusterings,
        k_smoother=result.k_smoother,
    )


WARM_START_FORMAT = 1


def save_warm_start(state: WarmStart) -> bytes:
    """A warm start as bytes (a compressed ``.npz``; no pickles), for `load_warm_start`."""
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "format": np.array([WARM_START_FORMAT], np.int64),
        "participant_ids": np.array(state.participant_ids, dtype=np.str_),
        "statement_ids": np.array(state.statement_ids, dtype=np.str_),
        "components": np.asarray(state.components, np.float64),
        "in_conv": np.asarray(state.in_conv, np.bool_),
        "base_cluster": np.asarray(state.base_cluster, np.int64),
        "base_ids": np.asarray(state.base_ids, np.int64),
        "k_smoother": np.asarray(state.k_smoother, np.int64),
        "ks": np.array(sorted(state.group_clusterings), np.int64),
    }
    for k, (bases, labels, ids, centers) in state.group_clusterings.items():
        arrays[f"g{k}_bases"] = np.asarray(bases, np.int64)
        arrays[f"g{k}_labels"] = np.asarray(labels, np.int64)
        arrays[f"g{k}_ids"] = np.asarray(ids, np.int64)
        arrays[f"g{k}_centers"] = np.asarray(centers, np.float64)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
    return buf.getvalue()


def _ints(a: npt.NDArray[np.generic], ndim: int = 1) -> IntArray:
    if a.ndim != ndim or a.dtype.kind not in "iu":
        raise OpinionInputError("warm start: integer array expected")
    return a.astype(np.int64)


def _ids(a: npt.NDArray[np.generic]) -> tuple[str, ...]:
    if a.ndim != 1 or a.dtype.kind != "U":
        raise OpinionInputError("warm start: ids must be strings")
    out = tuple(str(x) for x in a.tolist())
    if len(set(out)) != len(out):
        raise OpinionInputError("warm start: duplicate ids")
    return out


def load_warm_start(data: bytes) -> WarmStart:
    """Read `save_warm_start`'s bytes back, checking every shape and range ``analyze`` relies
    on. Anything else (truncated, another format, inconsistent) raises ``OpinionInputError``,
    so the caller can start cold instead."""
    try:
        with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as z:
            raw = {name: z[name] for name in z.files}
    except Exception as exc:  # noqa: BLE001 - zip, npy and zlib each raise their own errors
        raise OpinionInputError(f"warm start unreadable: {exc.__class__.__name__}") from exc
    try:
        if _ints(raw["format"]).tolist() != [WARM_START_FORMAT]:
            raise OpinionInputError("warm start: unknown format")
        p_ids, s_ids = _ids(raw["participant_ids"]), _ids(raw["statement_ids"])
        n, m = len(p_ids), len(s_ids)
        comps = np.asarray(raw["components"])
        in_conv = np.asarray(raw["in_conv"])
        base_cluster, base_ids = _ints(raw["base_cluster"]), _ints(raw["base_ids"])
        k_smoother = _ints(raw["k_smoother"])
        ks = _ints(raw["ks"])
        parts = ("bases", "labels", "ids", "centers")
        groups_raw = {int(k): tuple(raw[f"g{int(k)}_{part}"] for part in parts) for k in ks}
    except KeyError as exc:
        raise OpinionInputError(f"warm start: {exc.args[0]} missing") from exc
    if comps.shape != (2, m) or comps.dtype.kind != "f" or not np.all(np.isfinite(comps)):
        raise OpinionInputError("warm start: components must be 2 × statements, finite")
    if in_conv.shape != (n,) or in_conv.dtype != np.bool_ or base_cluster.shape != (n,):
        raise OpinionInputError("warm start: one entry per participant expected")
    if len(base_ids) and (base_ids.min() < 0 or np.any(np.diff(base_ids) <= 0)):
        raise OpinionInputError("warm start: base ids must be sorted, distinct, non-negative")
    if np.any((base_cluster != -1) & ~np.isin(base_cluster, base_ids)):
        raise OpinionInputError("warm start: base cluster outside the base ids")
    if k_smoother.shape != (3,) or k_smoother.min() < 0:
        raise OpinionInputError("warm start: k smoother must be three counts")
    clusterings: dict[int, tuple[IntArray, IntArray, IntArray, FloatArray]] = {}
    for k, (b, g, i, c) in groups_raw.items():
        bases, labels, ids = _ints(b), _ints(g), _ints(i)
        centers = np.asarray(c)
        if (
            k < 1
            or len(bases) != len(labels)
            or centers.shape != (len(ids), 2)
            or centers.dtype.kind != "f"
            or not np.all(np.isfinite(centers))
            or (len(bases) and bases.min() < 0)
            or (len(labels) and labels.min() < 0)
            or (len(ids) and ids.min() < 0)
        ):
            raise OpinionInputError(f"warm start: group clustering for k={k} inconsistent")
        clusterings[k] = (bases, labels, ids, centers.astype(np.float64))
    a, b, c = (int(x) for x in k_smoother)
    return WarmStart(
        participant_ids=p_ids,
        statement_ids=s_ids,
        components=comps.astype(np.float64),
        in_conv=in_conv,
        base_cluster=base_cluster,
        base_ids=base_ids,
        group_clusterings=clusterings,
        k_smoother=(a, b, c),
    )


# --------------------------------------------------------------------------------------------
# PCA (pca.clj: powerit-pca, sparsity-aware-project-ptpt, pca-project-cmnts)
# --------------------------------------------------------------------------------------------


def column_means(inp: OpinionInput) -> tuple[FloatArray, BoolArray]:
    """Mean of the present votes per statement; mod-out columns 0. Returns (means, active).

    ``active`` = statement has at least one vote, i.e. is a column of Pol.is's rating matrix.
    Mod-out columns are set to 0 for every participant (named_matrix.clj/zero-out-columns), so
    their mean is 0.
    """
    m = inp.n_statements
    cnt = np.bincount(inp.cols, minlength=m).astype(np.float64)
    tot = np.bincount(inp.cols, weights=inp.values.astype(np.float64), minlength=m)
    active = cnt > 0
    mu = np.divide(tot, cnt, out=np.zeros(m), where=active)
    mu[inp.mod_out] = 0.0
    return mu, active


def _centered(inp: OpinionInput, mu: FloatArray) -> RowMatrix:
    # Mean imputation then centring leaves r_ij - mu_j on voted cells and 0 elsewhere
    # (conversation.clj :mat + pca.clj/powerit-pca), so the centred matrix stays sparse.
    data = inp.values.astype(np.float64) - mu[inp.cols]
    data[inp.mod_out[inp.cols]] = 0.0
    return RowMatrix(inp.rows, inp.cols, data, inp.n_participants, inp.n_statements)


def pca_components(
    c: RowMatrix,
    seed: int = 0,
    start: FloatArray | None = None,
    dense_below: int = 64,
) -> FloatArray:
    """Top-2 right singular vectors of the centred matrix (2 × m).

    Pol.is's power iteration with deflation (pca.clj/powerit-pca) converges to the top
    eigenvectors of CᵀC; we solve that eigenproblem to convergence: thick-restart Lanczos
    (`krylov`, as ARPACK's eigsh) on the operator v ↦ Cᵀ(Cv), never forming a dense n × m
    matrix; a dense m × m eigh only for very few statements.
    """
    m = c.shape[1]
    comps = np.zeros((2, m))
    if m == 0 or c.nnz == 0:
        return comps
    if m <= 2 or (m <= dense_below and c.nnz <= 2_000_000):
        return _dense_components(c)
    if start is not None and np.any(start):
        v0 = np.asarray(start, dtype=np.float64)
    else:
        v0 = np.random.default_rng(seed).random(m) + 0.5
    try:
        return krylov.top_eigenvectors(c.gram_times, v0, k=2, ncv=24, tol=1e-10, seed=seed)
    except krylov.NoConvergence:
        # Practically never; the exact dense eigenproblem of CᵀC (m × m) is the fallback.
        return _dense_components(c)


def _dense_components(c: RowMatrix) -> FloatArray:
    m = c.shape[1]
    comps = np.zeros((2, m))
    _, v = np.linalg.eigh(c.gram())
    top = v[:, ::-1][:, :2].T
    comps[: top.shape[0]] = top
    return comps


def _orient(comps: FloatArray, previous: FloatArray | None) -> FloatArray:
    # Eigenvector signs are arbitrary. Keep the map's orientation across updates by aligning
    # with the previous components; otherwise make each component's largest entry positive.
    out = comps.copy()
    for i in range(out.shape[0]):
        if previous is not None and abs(float(previous[i] @ out[i])) > 1e-12:
            if previous[i] @ out[i] < 0:
                out[i] = -out[i]
        elif np.any(out[i]):
            j = int(np.argmax(np.abs(out[i])))
            if out[i, j] < 0:
                out[i] = -out[i]
    return out


def project(
    inp: OpinionInput, c: RowMatrix, comps: FloatArray, active: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Sparsity-aware projection (pca.clj/sparsity-aware-project-ptpt).

    x_i = sqrt(m / max(1, n_i)) · Σ_{j voted by i} (r_ij − μ_j)·pc_j, with m the number of
    statements in the matrix and n_i the cells participant i has (mod-out columns are zeroed
    for everyone, so they count as a cell for every participant).
    """
    m = int(active.sum())
    n_modout = int((inp.mod_out & active).sum())
    n_cells = np.bincount(inp.rows[~inp.mod_out[inp.cols]], minlength=inp.n_participants)
    scale = np.sqrt(m / np.maximum(1, n_cells + n_modout))
    p = c.times(comps.T)
    return p[:, 0] * scale, p[:, 1] * scale


def comment_extremity(mu: FloatArray, comps: FloatArray, active: BoolArray) -> FloatArray:
    """E_j = sqrt(m)·|1 − μ_j|·‖(pc1_j, pc2_j)‖ (conversation.clj/with-proj-and-extremtiy).

    Pol.is projects a participant who voted only "-1" (agree in its database) on j; with our
    agree = +1 that vote is +1, hence |1 − μ_j|.
    """
    m = int(active.sum())
    e = math.sqrt(m) * np.abs(1.0 - mu) * np.sqrt((comps**2).sum(axis=0))
    return np.where(active, e, 0.0)


# --------------------------------------------------------------------------------------------
# Who is clustered (conversation.clj :in-conv)
# --------------------------------------------------------------------------------------------


def select_in_conv(
    n_votes: IntArray, n_statements: int, previous_in: BoolArray | None = None
) -> BoolArray:
    """≥ min(7, m) votes (passes count); once in, stays in; top voters up to 15."""
    in_conv = (n_votes >= min(MIN_VOTES, n_statements)) & (n_votes > 0)
    if previous_in is not None:
        in_conv |= previous_in
    short = GREEDY_N - int(in_conv.sum())
    if short > 0:
        # Most votes first; ties in participant order (stable sort).
        cand = np.flatnonzero(~in_conv & (n_votes > 0))
        cand = cand[np.argsort(-n_votes[cand], kind="stable")][:short]
        in_conv[cand] = True
    return in_conv


# --------------------------------------------------------------------------------------------
# k-means (clusters.clj)
# --------------------------------------------------------------------------------------------


def _assign(points: FloatArray, centers: FloatArray, chunk: int = 8192) -> IntArray:
    """Index of the closest centre for every point (Euclidean)."""
    return _assign2(points, centers, chunk)[0]


def _assign2(
    points: FloatArray, centers: FloatArray, chunk: int = 8192
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Closest centre index, distance to it and to the second closest, for every point."""
    n, k = len(points), len(centers)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    if k == 1:
        d = np.sqrt(((points - centers[0]) ** 2).sum(axis=1))
        return np.zeros(n, np.int64), d, np.full(n, np.inf)
    # All n × k squared distances, a chunk of points at a time (k ≤ 100 centres in 2-D): as
    # fast as a k-d tree here, and ties go to the lower index, as in Lloyd's algorithm.
    label = np.empty(n, np.int64)
    first = np.empty(n)
    second = np.empty(n)
    cx, cy = centers[:, 0], centers[:, 1]
    for s in range(0, n, chunk):
        p = points[s : s + chunk]
        d2 = (p[:, 0:1] - cx) ** 2
        d2 += (p[:, 1:2] - cy) ** 2
        best = np.argmin(d2, axis=1)
        here = np.arange(len(p))
        label[s : s + chunk] = best
        first[s : s + chunk] = d2[here, best]
        d2[here, best] = np.inf
        second[s : s + chunk] = d2.min(axis=1)
    return label, np.sqrt(first), np.sqrt(second)


def _min_dist(points: FloatArray, centers: FloatArray) -> tuple[FloatArray, IntArray]:
    lab = _assign(points, centers)
    return np.sqrt(((points - centers[lab]) ** 2).sum(axis=1)), lab


def _weighted_centers(
    points: FloatArray, weights: FloatArray, labels: IntArray, k: int
) -> tuple[FloatArray, FloatArray]:
    wsum = np.bincount(labels, weights=weights, minlength=k).astype(np.float64)
    cx = np.bincount(labels, weights=weights * points[:, 0], minlength=k)
    cy = np.bincount(labels, weights=weights * points[:, 1], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        centers = np.stack([cx / wsum, cy / wsum], axis=1)
    return centers, wsum


def _distinct(a: IntArray) -> IntArray:
    """The sorted distinct values. np.unique without its return_* options imports numpy.ma
    (12 ms, a twentieth of a small analysis from the command line)."""
    s = np.sort(np.ravel(a))
    if len(s) == 0:
        return s
    keep = np.ones(len(s), bool)
    keep[1:] = s[1:] != s[:-1]
    return s[keep]


def _first_distinct(points: FloatArray, k: int) -> FloatArray:
    """First k distinct rows, in order (clusters.clj/init-clusters)."""
    _, first = np.unique(points, axis=0, return_index=True)
    first.sort()
    return np.asarray(points[first[:k]], dtype=np.float64)


def _same_clustering(a: FloatArray, b: FloatArray, threshold: float = 0.01) -> bool:
    """Sorted centres pairwise within 0.01 (clusters.clj/same-clustering?)."""
    if len(a) != len(b):
        return False
    sa = a[np.lexsort((a[:, 1], a[:, 0]))]
    sb = b[np.lexsort((b[:, 1], b[:, 0]))]
    return bool(np.all(np.sqrt(((sa - sb) ** 2).sum(axis=1)) < threshold))


def _clean_start(
    points: FloatArray,
    weights: FloatArray,
    k: int,
    prev_labels: IntArray,
    prev_ids: IntArray,
) -> tuple[IntArray, FloatArray]:
    """Warm start from a previous clustering (clusters.clj/clean-start-clusters).

    ``prev_labels``: previous cluster id per point (-1 for points new since then). Recentre the
    previous clusters on their members' new positions, drop empty ones, merge identical centres,
    then split off the most distal point as a new cluster until min(k, distinct points)
    clusters exist. Returns (cluster ids, centres).
    """
    present = set(_distinct(prev_labels[prev_labels >= 0]).tolist())
    ids = [int(i) for i in prev_ids if int(i) in present]
    if not ids:
        centers = _first_distinct(points, k)
        return np.arange(len(centers)), centers
    # Lookup table previous id -> position (-1 for ids that vanished or new points).
    table = np.full(max(int(np.max(prev_ids)), int(np.max(prev_labels))) + 2, -1, np.int64)
    table[np.asarray(ids, dtype=np.int64)] = np.arange(len(ids))
    lab = table[prev_labels]  # prev_labels == -1 reads the last entry, which is -1
    member = lab >= 0
    centers, _ = _weighted_centers(points[member], weights[member], lab[member], len(ids))
    # Merge clusters whose centres coincide (uniqify-clusters): keep the first id.
    _, first, inverse = np.unique(centers, axis=0, return_index=True, return_inverse=True)
    keep_pos = np.sort(first)
    new_pos = np.full(len(ids), -1, np.int64)
    new_pos[keep_pos] = np.arange(len(keep_pos))
    to_new = np.append(new_pos[first[np.ravel(inverse)]], -1)  # index -1 stays -1
    lab = to_new[lab]
    out_ids = [ids[int(p)] for p in keep_pos]
    possible = min(k, len(np.unique(points, axis=0, return_index=True)[0]))
    next_id = max(int(np.max(prev_ids)) + 1, max(out_ids) + 1)
    while True:
        member = lab >= 0
        centers, _ = _weighted_centers(points[member], weights[member], lab[member], len(out_ids))
        if len(out_ids) >= possible:
            break
        dist, _ = _min_dist(points, centers)
        far = int(np.argmax(dist))
        if dist[far] <= 0:
            break
        lab[far] = len(out_ids)
        out_ids.append(next_id)
        next_id += 1
    return np.asarray(out_ids, dtype=np.int64), centers


def kmeans(
    points: FloatArray,
    k: int,
    weights: FloatArray | None = None,
    max_iters: int = BASE_ITERS,
    init_ids: IntArray | None = None,
    init_centers: FloatArray | None = None,
) -> tuple[IntArray, FloatArray, IntArray]:
    """Lloyd k-means as in clusters.clj/kmeans. Returns (ids, centres, label index per point).

    Starts from ``init_centers`` (warm start) or the first k distinct points; each step assigns
    every point to its closest centre and moves the centres to their (weighted) members' mean;
    empty clusters are dropped; stops when the sorted centres move < 0.01 or after
    max_iters + 1 steps. Labels index into the returned ids/centres.

    The assignment uses Hamerly's bounds (upper bound to the own centre, lower bound to any
    other; "Making k-means even faster", SDM 2010), which give exactly Lloyd's assignment but
    only recompute distances for points whose bounds overlap, so late iterations are cheap.
    """
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    if init_centers is None:
        centers = _first_distinct(points, k)
        ids = np.arange(len(centers), dtype=np.int64)
    else:
        centers = np.asarray(init_centers, dtype=np.float64)
        ids = np.arange(len(centers)) if init_ids is None else np.asarray(init_ids, np.int64)
    if len(points) == 0 or len(centers) == 0:
        return ids[:0], centers[:0], np.zeros(len(points), dtype=np.int64)
    labels, upper, lower = _assign2(points, centers)
    for it in range(max_iters + 1):
        if it > 0:
            # Centres moved by `shift`: loosen the bounds, then recompute only where the
            # own centre might no longer be the closest.
            if len(centers) > 1:
                cd = np.sqrt(((centers[:, None, :] - centers[None, :, :]) ** 2).sum(-1))
                np.fill_diagonal(cd, np.inf)
                half = cd.min(axis=1) / 2.0
            else:
                half = np.full(1, np.inf)
            bound = np.maximum(half[labels], lower)
            need = upper > bound
            if need.any():
                idx = np.flatnonzero(need)
                upper[idx] = np.sqrt(((points[idx] - centers[labels[idx]]) ** 2).sum(axis=1))
                idx = idx[upper[idx] > bound[idx]]
                if len(idx):
                    labels[idx], upper[idx], lower[idx] = _assign2(points[idx], centers)
        new_centers, wsum = _weighted_centers(points, w, labels, len(centers))
        nonempty = wsum > 0
        if not nonempty.all():
            remap = np.cumsum(nonempty) - 1
            labels = remap[labels]
            ids = ids[nonempty]
            new_centers = new_centers[nonempty]
            centers = centers[nonempty]
        shift = np.sqrt(((new_centers - centers) ** 2).sum(axis=1))
        done = _same_clustering(centers, new_centers)
        centers = new_centers
        if done:
            break
        upper += shift[labels]
        lower -= shift.max()
    # As clusters.clj/cluster-step: members from the last assignment, centres their means.
    return ids, centers, labels


def silhouette(dist: FloatArray, labels: IntArray) -> float:
    """Mean silhouette over points (clusters.clj/silhouette); a singleton cluster scores 0."""
    n = len(labels)
    if n == 0:
        return 0.0
    uniq = _distinct(labels)
    if len(uniq) < 2:
        return 0.0
    onehot = (labels[:, None] == uniq[None, :]).astype(np.float64)
    sums = dist @ onehot
    sizes = onehot.sum(axis=0)
    own = np.searchsorted(uniq, labels)
    own_size = sizes[own] - 1
    a = np.divide(sums[np.arange(n), own], own_size, out=np.zeros(n), where=own_size > 0)
    other = sums / sizes[None, :]
    other[np.arange(n), own] = np.inf
    b = other.min(axis=1)
    s = np.where(own_size > 0, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    s = np.where((own_size > 0) & (np.maximum(a, b) == 0), 0.0, s)
    return float(s.mean())


# --------------------------------------------------------------------------------------------
# Statistics (repness.clj, stats.clj)
# --------------------------------------------------------------------------------------------


def prop_test(succ: FloatArray, n: FloatArray) -> FloatArray:
    """One-proportion z with +1 smoothing: 2·sqrt(n+1)·((s+1)/(n+1) − 1/2) (stats.clj)."""
    return 2.0 * np.sqrt(n + 1.0) * ((succ + 1.0) / (n + 1.0) - 0.5)


def two_prop_test(
    succ_in: FloatArray, succ_out: FloatArray, pop_in: FloatArray, pop_out: FloatArray
) -> FloatArray:
    """Two-proportion z with +1 on every count; 0 where the pooled p̂ is 1 (stats.clj)."""
    s1, s2, n1, n2 = succ_in + 1.0, succ_out + 1.0, pop_in + 1.0, pop_out + 1.0
    p1, p2 = s1 / n1, s2 / n2
    ph = (s1 + s2) / (n1 + n2)
    den = np.sqrt(ph * (1.0 - ph) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (p1 - p2) / den
    return np.where(ph == 1.0, 0.0, np.nan_to_num(z))


def count_votes(
    inp: OpinionInput, group_of_row: IntArray, n_groups: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Per-group A, D, S (groups × statements): agrees, disagrees and votes seen."""
    m = inp.n_statements
    agree, disagree = inp.values == AGREE, inp.values == DISAGREE
    return (
        group_counts(group_of_row, inp.rows[agree], inp.cols[agree], n_groups, m),
        group_counts(group_of_row, inp.rows[disagree], inp.cols[disagree], n_groups, m),
        group_counts(group_of_row, inp.rows, inp.cols, n_groups, m),
    )


@dataclass(frozen=True)
class _RepStats:
    na: FloatArray
    nd: FloatArray
    ns: FloatArray
    pa: FloatArray
    pd: FloatArray
    pat: FloatArray
    pdt: FloatArray
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray


def rep_stats(a: IntArray, d: IntArray, s: IntArray) -> _RepStats:
    """repness.clj/comment-stats + add-comparitive-stats for every group (rows) and statement.

    "Rest" = the other groups pooled.
    """
    na, nd, ns = a.astype(np.float64), d.astype(np.float64), s.astype(np.float64)
    ra_, rd_, rs_ = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa = (na + 1.0) / (ns + 2.0)
    pd = (nd + 1.0) / (ns + 2.0)
    return _RepStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
        ra=pa / ((1.0 + ra_) / (2.0 + rs_)),
        rd=pd / ((1.0 + rd_) / (2.0 + rs_)),
        rat=two_prop_test(na, ra_, ns, rs_),
        rdt=two_prop_test(nd, rd_, ns, rs_),
    )


def _finalize(st: _RepStats, g: int, j: int, sid: str, best_agree: bool = False) -> RepStatement:
    # repness.clj/finalize-cmt-stats: agree if rat > rdt, else disagree.
    if st.rat[g, j] > st.rdt[g, j]:
        vals = (st.na, st.pa, st.pat, st.ra, st.rat, "agree")
    else:
        vals = (st.nd, st.pd, st.pdt, st.rd, st.rdt, "disagree")
    n, p, pt, r, rt, direction = vals
    score = float(r[g, j] * rt[g, j] * p[g, j] * pt[g, j])
    return RepStatement(
        statement=sid,
        direction=direction,  # type: ignore[arg-type]
        n_success=int(n[g, j]),
        n_trials=int(st.ns[g, j]),
        p=float(p[g, j]),
        p_test=float(pt[g, j]),
        repness=float(r[g, j]),
        repness_test=float(rt[g, j]),
        score=score,
        best_agree=best_agree,
    )


def select_repness(
    st: _RepStats, statement_ids: Sequence[str], excluded: BoolArray, pick_max: int = PICK_MAX
) -> list[tuple[RepStatement, ...]]:
    """repness.clj/select-rep-comments, per group.

    Qualifies: (rat > z90 and pat > z90) or (rdt > z90 and pdt > z90). The "best agree" (see
    beats-best-agr?) goes first; then the qualifying ones by r·rt·p·pt, top 5, agrees before
    disagrees. If none qualify: the best agree, else the single best by max(rat, rdt).
    """
    out: list[tuple[RepStatement, ...]] = []
    n_groups, m = st.na.shape
    for g in range(n_groups):
        sufficient: list[int] = []
        best: int | None = None
        best_z = -np.inf
        best_agree: int | None = None
        for j in range(m):
            if excluded[j]:
                continue
            passes = (st.rat[g, j] > Z_90 and st.pat[g, j] > Z_90) or (
                st.rdt[g, j] > Z_90 and st.pdt[g, j] > Z_90
            )
            if passes:
                sufficient.append(j)
            z = max(st.rat[g, j], st.rdt[g, j])
            if not sufficient and (best is None or z > best_z):
                best, best_z = j, float(z)
            if _beats_best_agree(st, g, j, best_agree):
                best_agree = j
        head = (
            [_finalize(st, g, best_agree, statement_ids[best_agree], best_agree=True)]
            if best_agree is not None
            else []
        )
        if not sufficient:
            if head:
                out.append(tuple(head))
            elif best is not None:
                out.append((_finalize(st, g, best, statement_ids[best]),))
            else:
                out.append(())
            continue
        rest = [_finalize(st, g, j, statement_ids[j]) for j in sufficient if j != best_agree]
        # Stable sort: ties keep statement order.
        rest.sort(key=lambda r: -r.score)
        chosen = (head + rest)[:pick_max]
        ordered = [r for r in chosen if r.direction == "agree"] + [
            r for r in chosen if r.direction == "disagree"
        ]
        out.append(tuple(ordered))
    return out


def _beats_best_agree(st: _RepStats, g: int, j: int, current: int | None) -> bool:
    """repness.clj/beats-best-agr?."""
    if st.na[g, j] == 0 and st.nd[g, j] == 0:
        return False
    if current is not None and st.ra[g, current] > 1.0:
        return bool(
            st.ra[g, j] * st.rat[g, j] * st.pa[g, j] * st.pat[g, j]
            > st.ra[g, current] * st.rat[g, current] * st.pa[g, current] * st.pat[g, current]
        )
    if current is not None:
        return bool(st.pa[g, j] * st.pat[g, j] > st.pa[g, current] * st.pat[g, current])
    return bool(st.pat[g, j] > Z_90 or (st.ra[g, j] > 1.0 and st.pa[g, j] > 0.5))


def select_consensus(
    a: IntArray,
    d: IntArray,
    s: IntArray,
    statement_ids: Sequence[str],
    excluded: BoolArray,
    pick_max: int = PICK_MAX,
) -> tuple[tuple[ConsensusStatement, ...], tuple[ConsensusStatement, ...]]:
    """repness.clj/select-consensus-comments over all voters: p > 0.5 and z > z90, by p·z."""
    na, nd, ns = a.astype(np.float64), d.astype(np.float64), s.astype(np.float64)
    result = []
    for succ in (na, nd):
        p = (succ + 1.0) / (ns + 2.0)
        z = prop_test(succ, ns)
        ok = np.flatnonzero((p > 0.5) & (z > Z_90) & ~excluded)
        ok = ok[np.argsort(-(p[ok] * z[ok]), kind="stable")][:pick_max]
        result.append(
            tuple(
                ConsensusStatement(
                    statement_ids[int(j)], int(succ[j]), int(ns[j]), float(p[j]), float(z[j])
                )
                for j in ok
            )
        )
    return result[0], result[1]


def informed_consensus(a: IntArray, s: IntArray) -> FloatArray:
    """Group-informed consensus Π_g (A_gj+1)/(S_gj+2) (conversation.clj :group-aware-consensus)."""
    if a.shape[0] == 0:
        return np.zeros(a.shape[1])
    return np.asarray(np.prod((a + 1.0) / (s + 2.0), axis=0), dtype=np.float64)


def priority(
    a: IntArray, d: IntArray, s: IntArray, extremity: FloatArray, is_meta: BoolArray
) -> FloatArray:
    """Statement priority (conversation.clj/importance-metric, priority-metric).

    Sums over groups; P = S − A − D; importance = (1 − (P+1)/(S+2))·(E+1)·(A+1)/(S+2);
    priority = (importance·(1 + 8·2^(−S/5)))²; meta statements 7² = 49.
    """
    aa, dd, ss = (x.sum(axis=0).astype(np.float64) for x in (a, d, s))
    pp = ss - aa - dd
    imp = (1.0 - (pp + 1.0) / (ss + 2.0)) * (extremity + 1.0) * (aa + 1.0) / (ss + 2.0)
    pri = (imp * (1.0 + 8.0 * np.power(2.0, -ss / 5.0))) ** 2
    return np.where(is_meta, META_PRIORITY**2, pri)


# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------


def _max_k(n_base: int) -> int:
    """conversation.clj/max-k-fn: min(5, 2 + floor(n_base / 12))."""
    return min(MAX_K, 2 + n_base // 12)


def _map_previous(ids_new: Sequence[str], ids_old: Sequence[str]) -> tuple[IntArray, IntArray]:
    """Positions of shared ids: (index in new, index in old)."""
    old = {x: i for i, x in enumerate(ids_old)}
    pairs = [(i, old[x]) for i, x in enumerate(ids_new) if x in old]
    if not pairs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    arr = np.asarray(pairs, dtype=np.int64)
    return arr[:, 0], arr[:, 1]


def analyze(
    inp: OpinionInput,
    seed: int = 0,
    previous: OpinionResult | WarmStart | None = None,
    base_k: int = BASE_K,
    k_buffer: int = GROUP_K_BUFFER,
    keep_in_conv: Iterable[str] = (),
    force_k: int | None = None,
) -> OpinionResult:
    """Run the whole method. ``previous`` (a result on an earlier state of the same
    conversation, or its `warm_start`) warm-starts PCA, in-conv, base clusters, group
    clusterings and the k smoother.

    ``keep_in_conv``: participant ids already clustered in an earlier state that ``previous``
    does not carry (e.g. Pol.is's own ``in-conv`` when importing); "once in, stays in".
    ``k_buffer``: updates in a row a new best k must win before the groups switch to it
    (only with ``previous``; 1 = switch at once). ``force_k``: use this group count instead of
    the silhouette choice (when it is among the computed ones), e.g. to compare with a known k.
    """
    t0 = time.perf_counter()
    if isinstance(previous, OpinionResult):
        previous = warm_start(previous)
    n, m = inp.n_participants, inp.n_statements
    p_new = s_new = p_old = s_old = np.zeros(0, np.int64)
    if previous is not None:
        p_new, p_old = _map_previous(inp.participant_ids, previous.participant_ids)
        s_new, s_old = _map_previous(inp.statement_ids, previous.statement_ids)

    # --- vote matrix ---
    n_votes = np.bincount(inp.rows, minlength=n).astype(np.int64)
    mu, active = column_means(inp)
    c = _centered(inp, mu)

    # --- PCA ---
    prev_comps: FloatArray | None = None
    if previous is not None and len(s_new):
        prev_comps = np.zeros((2, m))
        prev_comps[:, s_new] = previous.components[:, s_old]
        if not np.any(prev_comps):
            prev_comps = None
    start = None if prev_comps is None else prev_comps[0] + 0.5 * prev_comps[1]
    comps = _orient(pca_components(c, seed=seed, start=start), prev_comps)
    x, y = project(inp, c, comps, active)
    pca = PCAResult(center=mu, components=comps, extremity=comment_extremity(mu, comps, active))

    # --- who is clustered ---
    prev_in = np.zeros(n, bool)
    if previous is not None:
        prev_in[p_new] = previous.in_conv[p_old]
    keep = set(keep_in_conv)
    if keep:
        prev_in |= np.fromiter((p in keep for p in inp.participant_ids), bool, count=n)
    # Only participants with at least one vote are rows of Pol.is's matrix.
    prev_in &= n_votes > 0
    in_conv = select_in_conv(n_votes, int(active.sum()), prev_in)
    members = np.flatnonzero(in_conv)
    pts = np.stack([x[members], y[members]], axis=1)

    # --- base clusters ---
    if previous is not None and len(previous.base_ids):
        prev_lab = np.full(n, -1, np.int64)
        prev_lab[p_new] = previous.base_cluster[p_old]
        ids0, cen0 = _clean_start(
            pts, np.ones(len(pts)), base_k, prev_lab[members], previous.base_ids
        )
        base_ids, base_centers, lab = kmeans(pts, base_k, None, BASE_ITERS, ids0, cen0)
    else:
        base_ids, base_centers, lab = kmeans(pts, base_k, None, BASE_ITERS)
    order = np.argsort(base_ids, kind="stable")
    base_ids, base_centers = base_ids[order], base_centers[order]
    lab = np.argsort(order)[lab] if len(lab) else lab
    base_sizes = np.bincount(lab, minlength=len(base_ids)).astype(np.int64)
    base_of = np.full(n, -1, np.int64)
    base_of[members] = base_ids[lab] if len(lab) else base_of[members]

    # --- groups: weighted k-means on base centres, k by silhouette ---
    nb = len(base_ids)
    clusterings: dict[int, tuple[IntArray, IntArray, IntArray, FloatArray]] = {}
    sil: dict[int, float] = {}
    if nb >= 2:
        dist = np.sqrt(((base_centers[:, None, :] - base_centers[None, :, :]) ** 2).sum(-1))
        w = base_sizes.astype(np.float64)
        for k in range(2, _max_k(nb) + 1):
            prev_c = None if previous is None else previous.group_clusterings.get(k)
            if prev_c is not None:
                pb, pg, _, _ = prev_c
                plab = np.full(nb, -1, np.int64)
                pos = {int(b): i for i, b in enumerate(base_ids)}
                for b, g in zip(pb, pg, strict=True):
                    if int(b) in pos:
                        plab[pos[int(b)]] = g
                gids0, gcen0 = _clean_start(base_centers, w, k, plab, _distinct(pg))
                gids, gcen, glab = kmeans(base_centers, k, w, GROUP_ITERS, gids0, gcen0)
            else:
                gids, gcen, glab = kmeans(base_centers, k, w, GROUP_ITERS)
            clusterings[k] = (base_ids.copy(), gids[glab], gids, gcen)
            sil[k] = silhouette(dist, glab)
    if sil:
        # Best silhouette; ties → larger k (max-key keeps the last maximum).
        best = max(sil.values())
        this_k = max(k for k, v in sil.items() if v == best)
        # k smoothing (conversation.clj :group-k-smoother): switch only after `k_buffer` wins.
        if previous is not None and previous.k_smoother[0] > 0:
            last_k, last_count, smoothed = previous.k_smoother
            count = last_count + 1 if this_k == last_k else 1
            smoothed = this_k if count >= k_buffer or smoothed not in clusterings else smoothed
        else:
            count, smoothed = 1, this_k
        if force_k is not None and force_k in clusterings:
            smoothed = force_k
        k_state = (this_k, count, smoothed)
        _, glabels, gids_k, gcen_k = clusterings[smoothed]
    else:
        # Fewer than two base clusters: everyone clustered is one group.
        k_state = (0, 0, 0)
        glabels = np.zeros(nb, np.int64)
        gids_k, gcen_k = np.zeros(min(nb, 1), np.int64), base_centers[: min(nb, 1)].copy()
    # Group ids renumbered 0..k-1 in k-means id order (stable across warm starts).
    gid_sorted = _distinct(glabels)
    gpos = np.searchsorted(gid_sorted, glabels)
    n_groups = len(gid_sorted)
    gcenters = gcen_k[np.searchsorted(gids_k, gid_sorted)] if n_groups else np.zeros((0, 2))
    group = np.full(n, -1, np.int64)
    if nb:
        base_group = np.full(int(base_ids.max()) + 1, -1, np.int64)
        base_group[base_ids] = gpos
        group[members] = base_group[base_of[members]]

    # --- statistics ---
    ga, gd, gs = count_votes(inp, group, n_groups)
    excluded = inp.mod_out | ~active
    reps = select_repness(rep_stats(ga, gd, gs), inp.statement_ids, excluded)
    groups = []
    for g in range(n_groups):
        in_g = np.flatnonzero(gpos == g)
        groups.append(
            Group(
                id=g,
                size=int((group == g).sum()),
                center=(float(gcenters[g, 0]), float(gcenters[g, 1])),
                base_clusters=tuple(int(b) for b in base_ids[in_g]),
                repness=reps[g],
            )
        )
    # Consensus over every participant who voted (repness.clj/consensus-stats on rating-mat).
    everyone = np.zeros(n, np.int64)
    all_a, all_d, all_s = (counts[0] for counts in count_votes(inp, everyone, 1))
    cons_a, cons_d = select_consensus(all_a, all_d, all_s, inp.statement_ids, excluded)
    gic = informed_consensus(ga, gs)
    prio = priority(ga, gd, gs, pca.extremity, inp.is_meta)

    # --- declared roles (ours) ---
    role_names = sorted({r for p, r in inp.roles.items()})
    p_pos = {p: i for i, p in enumerate(inp.participant_ids)}
    role_lab = np.full(n, -1, np.int64)
    for p, r in inp.roles.items():
        if p in p_pos:
            role_lab[p_pos[p]] = role_names.index(r)
    ra, rd, rs = count_votes(inp, role_lab, len(role_names))
    role_reps = select_repness(rep_stats(ra, rd, rs), inp.statement_ids, excluded)
    roles = tuple(
        RoleStats(
            role=r,
            size=int((role_lab == i).sum()),
            counts=VoteCounts(ra[i], rd[i], rs[i]),
            repness=role_reps[i],
        )
        for i, r in enumerate(role_names)
    )

    return OpinionResult(
        participant_ids=inp.participant_ids,
        statement_ids=inp.statement_ids,
        x=x,
        y=y,
        n_votes=n_votes,
        in_conv=in_conv,
        base_cluster=base_of,
        base_ids=base_ids,
        base_centers=base_centers,
        base_sizes=base_sizes,
        group=group,
        groups=tuple(groups),
        group_counts=tuple(VoteCounts(ga[g], gd[g], gs[g]) for g in range(n_groups)),
        pca=pca,
        consensus_agree=cons_a,
        consensus_disagree=cons_d,
        group_informed_consensus=gic,
        priority=prio,
        silhouettes=sil,
        roles=roles,
        role_informed_consensus=informed_consensus(ra, rs),
        group_clusterings=clusterings,
        k_smoother=k_state,
        timing_s=time.perf_counter() - t0,
    )
