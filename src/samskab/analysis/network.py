"""The co-creation network: one coherent movement or isolated islands.

Pure numpy/scipy; no Django. Dataclasses in, dataclasses out; deterministic given a seed.
Measures and their sources are listed in the project's METHODS.md ("Network coherence"); each
function below names its formula's source. The array algorithms live in
:mod:`samskab.analysis.network_measures` and :mod:`samskab.analysis.network_louvain`.

Input: actors, each in one sector (kommune, borger, forening, virksomhed), and undirected,
weighted, dated ties. A network is cut to a period (both ends inclusive); within it, ties
between the same two actors are summed into one weighted tie. Shortest paths count hops (tie
weights are ignored, as networkx does with ``weight=None``); Burt's measures and communities use
the summed weights; the E–I index counts tied pairs.

Reasons (weaving stage, suggested ties) are structured data with stable English keys, for the
app to put into words in its own language.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Literal

import numpy as np
import numpy.typing as npt

# scipy ships no type stubs; the project does not depend on scipy-stubs.
import scipy.sparse as sp  # type: ignore[import-untyped]

from samskab.analysis.network_louvain import louvain, modularity
from samskab.analysis.network_measures import (
    betweenness,
    bridges_and_cut_nodes,
    components,
    structural_holes,
)

__all__ = [
    "AUTO_EXACT_WORK",
    "DEFAULT_SAMPLE_SOURCES",
    "DEFAULT_WEAVING",
    "SECTORS",
    "Actor",
    "BetweennessInfo",
    "Community",
    "EIIndex",
    "Island",
    "Network",
    "NetworkAnalysis",
    "Period",
    "PeriodChange",
    "SuggestedTie",
    "Tie",
    "TieReason",
    "WeavingStage",
    "WeavingThresholds",
    "analyse",
    "compare",
    "compare_periods",
    "density",
    "ei_index",
    "island_ties",
    "weaving_stage",
]

SECTORS: tuple[str, ...] = ("kommune", "borger", "forening", "virksomhed")

#: ``exact_betweenness="auto"`` computes exactly while n × (2 × ties) stays at or below this
#: (2,000 actors / 10,000 ties is 4·10⁷), and samples sources above it.
AUTO_EXACT_WORK = 5 * 10**7
#: Sources drawn for sampled betweenness unless the caller says otherwise.
DEFAULT_SAMPLE_SOURCES = 512
#: Connectors per island always considered for a suggested tie, besides shared context.
_TOP_CONNECTORS = 10
#: Actors per context key and island considered for a suggested tie.
_PER_KEY = 20
_BROKERS = 10

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """A node: a municipal unit, an association, a business or a citizen group."""

    id: str
    sector: str
    label: str = ""
    department: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"an actor needs a non-empty string id, got {self.id!r}")
        if self.sector not in SECTORS:
            raise ValueError(
                f"actor {self.id!r} has unknown sector {self.sector!r}; "
                f"expected one of {', '.join(SECTORS)}"
            )


@dataclass(frozen=True)
class Tie:
    """An undirected, dated tie between two actors; ``weight`` > 0 (e.g. how often)."""

    a: str
    b: str
    on: date
    weight: float = 1.0
    kind: str = ""

    def __post_init__(self) -> None:
        if self.a == self.b:
            raise ValueError(f"a tie needs two different actors, got a self-tie on {self.a!r}")
        if not isinstance(self.on, date):
            raise ValueError(f"tie {self.a!r}–{self.b!r} needs a date, got {self.on!r}")
        w = self.weight
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w):
            raise ValueError(f"tie {self.a!r}–{self.b!r} needs a finite weight, got {w!r}")
        if w <= 0:
            raise ValueError(f"tie {self.a!r}–{self.b!r} needs a positive weight, got {w!r}")


@dataclass(frozen=True)
class Period:
    """A period of days, both ends inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise ValueError(f"a period needs two dates, got {self.start!r} and {self.end!r}")
        if self.end < self.start:
            raise ValueError(
                f"the period is reversed: it ends {self.end.isoformat()} "
                f"before it starts {self.start.isoformat()}"
            )

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Network:
    """Actors (by id) and their dated ties; build with :meth:`build`, cut with :meth:`within`."""

    actors: Mapping[str, Actor]
    ties: tuple[Tie, ...]

    @classmethod
    def build(cls, actors: Iterable[Actor], ties: Iterable[Tie]) -> Network:
        """Check and collect the input.

        Raises:
            ValueError: on a repeated actor id or a tie to an unknown actor.
        """
        by_id: dict[str, Actor] = {}
        for actor in actors:
            if actor.id in by_id:
                raise ValueError(f"actor id {actor.id!r} appears twice")
            by_id[actor.id] = actor
        kept = tuple(ties)
        for tie in kept:
            for end in (tie.a, tie.b):
                if end not in by_id:
                    raise ValueError(f"tie {tie.a!r}–{tie.b!r} names unknown actor {end!r}")
        return cls(by_id, kept)

    def within(self, period: Period, *, keep_isolated: bool = False) -> Network:
        """The network of one period: its ties, and the actors with a tie in it (all actors
        when ``keep_isolated``)."""
        ties = tuple(t for t in self.ties if t.on in period)
        if keep_isolated:
            return Network(self.actors, ties)
        active = {t.a for t in ties} | {t.b for t in ties}
        return Network({k: a for k, a in self.actors.items() if k in active}, ties)

    def pairs(self) -> dict[tuple[str, str], float]:
        """Summed weight per tied pair, keyed (smaller id, larger id)."""
        out: dict[tuple[str, str], float] = {}
        for t in self.ties:
            key = (t.a, t.b) if t.a < t.b else (t.b, t.a)
            out[key] = out.get(key, 0.0) + float(t.weight)
        return out


@dataclass(frozen=True)
class _Graph:
    ids: tuple[str, ...]
    sectors: IntArray
    weights: sp.csr_matrix

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return int(self.weights.nnz // 2)

    def degree(self) -> IntArray:
        out: IntArray = np.diff(self.weights.indptr).astype(np.int64)
        return out


def _compile(network: Network) -> _Graph:
    ids = tuple(sorted(network.actors))
    index = {k: i for i, k in enumerate(ids)}
    code = {s: i for i, s in enumerate(SECTORS)}
    sectors = np.array([code[network.actors[k].sector] for k in ids], dtype=np.int64)
    pairs = network.pairs()
    u = np.array([index[a] for a, _ in pairs], dtype=np.int64)
    v = np.array([index[b] for _, b in pairs], dtype=np.int64)
    w = np.array(list(pairs.values()), dtype=np.float64)
    n = len(ids)
    weights = sp.csr_matrix((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n))
    weights.sort_indices()
    return _Graph(ids, sectors, weights)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Island:
    """A connected component: its members (sorted ids)."""

    members: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Community:
    """A Louvain community, named by its most connected member (Graph Commons' practice): the
    member with most ties inside the community, then most ties in all, then the largest summed
    weight inside, then the smallest id."""

    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class BetweennessInfo:
    """How betweenness was computed and how far it may be off.

    ``max_standard_error`` / ``mean_standard_error``: the largest and the mean per-actor
    standard error of a sampled value, estimated from the spread of the sampled sources'
    dependencies (see :func:`samskab.analysis.network_measures.betweenness`); 0 when exact.
    ``measured_max_error`` / ``measured_mean_error``: when asked (``check_error``), the largest
    and the mean absolute difference between the sampled and the exact normalised values over
    all actors; ``None`` otherwise.
    """

    exact: bool
    sources: int
    seed: int
    max_standard_error: float
    mean_standard_error: float
    measured_max_error: float | None = None
    measured_mean_error: float | None = None


@dataclass(frozen=True)
class EIIndex:
    """Krackhardt & Stern's (1988) E–I index by sector, (E − I) / (E + I) over tied pairs.

    −1: all ties stay within a sector; +1: all ties cross sectors. ``None`` where there is no
    tie to count. Whole network: E and I are the cross- and within-sector ties. Per sector s:
    E = ties with exactly one end in s, I = ties with both ends in s, each tie counted once.
    Per actor: E and I are the actor's ties to other sectors and to its own.
    """

    whole: float | None
    external: int
    internal: int
    per_sector: Mapping[str, float | None]
    per_actor: Mapping[str, float | None]


@dataclass(frozen=True)
class WeavingThresholds:
    """Thresholds of the weaving-stage rule ([design]: ours, after Krebs & Holley's stages).

    * ``coherent``: the largest island's share of actors at or above which the network is no
      longer scattered clusters;
    * a hub is an actor of the largest island with degree ≥ max(``hub_min_degree``,
      ``hub_factor`` × that island's mean degree);
    * ``star_reach``: a hub tied directly to at least this share of the rest of its island
      makes the network hub-and-spokes even when there are other hubs;
    * core and periphery: at least ``core_min_hubs`` hubs whose ties among themselves have
      density ≥ ``core_density``, with at least ``periphery_reach`` of the island's other
      actors tied directly to a hub.
    """

    coherent: float = 0.5
    hub_factor: float = 2.0
    hub_min_degree: int = 3
    star_reach: float = 0.5
    core_min_hubs: int = 3
    core_density: float = 0.5
    periphery_reach: float = 0.5


DEFAULT_WEAVING = WeavingThresholds()

WeavingStageName = Literal[
    "empty", "scattered_clusters", "hub_and_spokes", "multi_hub", "core_periphery"
]


@dataclass(frozen=True)
class WeavingStage:
    """The network-weaving stage (Krebs & Holley, "Building Smart Communities through Network
    Weaving", 2006): scattered clusters → hub and spokes → multi-hub small world → core and
    periphery; ``reason`` is a stable key for the rule that decided, ``facts`` the measured
    values it looked at, ``thresholds`` the values it compared them with."""

    stage: WeavingStageName
    reason: str
    facts: Mapping[str, float]
    thresholds: WeavingThresholds
    hubs: tuple[str, ...]


@dataclass(frozen=True)
class TieReason:
    """Why a tie is suggested: the context the two actors share, their sectors, and how many
    ties each already has in its own island (well-tied actors carry an introduction further)."""

    shared_context: tuple[str, ...]
    sectors: tuple[str, str]
    complementary_sectors: bool
    degree_a: int
    degree_b: int


@dataclass(frozen=True)
class SuggestedTie:
    """A tie whose introduction would join island ``island_a`` to island ``island_b`` (indices
    into :attr:`NetworkAnalysis.islands`). ``score`` = shared context keys + 0.5 if the sectors
    differ."""

    island_a: int
    island_b: int
    actor_a: str
    actor_b: str
    score: float
    why: TieReason


@dataclass(frozen=True)
class NetworkAnalysis:
    """Everything :func:`analyse` measures. Mappings are keyed by actor id, in id order.
    ``timings`` (seconds per step) does not take part in equality."""

    actors: int
    ties: int
    density: float
    islands: tuple[Island, ...]
    coherence: float
    betweenness: Mapping[str, float]
    betweenness_info: BetweennessInfo
    brokers: tuple[str, ...]
    bridges: tuple[tuple[str, str], ...]
    articulation_points: tuple[str, ...]
    constraint: Mapping[str, float | None]
    effective_size: Mapping[str, float | None]
    communities: tuple[Community, ...]
    modularity: float
    ei: EIIndex
    weaving: WeavingStage
    suggestions: tuple[SuggestedTie, ...]
    timings: Mapping[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class PeriodChange:
    """How the network changed from one period to the next."""

    actors_added: tuple[str, ...]
    actors_removed: tuple[str, ...]
    ties_added: tuple[tuple[str, str], ...]
    ties_removed: tuple[tuple[str, str], ...]
    islands_before: int
    islands_after: int
    coherence_before: float
    coherence_after: float


# --------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------


def density(n: int, ties: int) -> float:
    """2m / (n(n − 1)) over distinct tied pairs (Wasserman & Faust 1994, §4.2); 0 for n < 2."""
    return 0.0 if n < 2 else 2.0 * ties / (n * (n - 1))


def _islands(graph: _Graph) -> tuple[tuple[Island, ...], IntArray]:
    count, labels = components(graph.weights)
    members: list[list[str]] = [[] for _ in range(count)]
    for i, label in enumerate(labels.tolist()):
        members[label].append(graph.ids[i])
    return tuple(Island(tuple(m)) for m in members), labels


def _coherence(islands: tuple[Island, ...], n: int) -> float:
    """Largest component's share of the actors (METHODS.md; Provan et al. 2005); 0 if empty."""
    return islands[0].size / n if n else 0.0


def _ei(external: int, internal: int) -> float | None:
    total = external + internal
    return None if total == 0 else (external - internal) / total


def ei_index(network: Network) -> EIIndex:
    """The E–I index of a network by sector (Krackhardt & Stern 1988); see :class:`EIIndex`."""
    return _ei_index(_compile(network))


def _ei_index(graph: _Graph) -> EIIndex:
    coo = sp.triu(graph.weights, k=1).tocoo()
    su, sv = graph.sectors[coo.row], graph.sectors[coo.col]
    cross = su != sv
    external, internal = int(cross.sum()), int((~cross).sum())
    per_sector: dict[str, float | None] = {}
    for code, name in enumerate(SECTORS):
        touches = (su == code) | (sv == code)
        inside = (su == code) & (sv == code)
        per_sector[name] = _ei(int((touches & ~inside).sum()), int(inside.sum()))
    full = graph.weights.tocoo()
    other = (graph.sectors[full.row] != graph.sectors[full.col]).astype(np.int64)
    ext = np.bincount(full.row, weights=other, minlength=graph.n).astype(np.int64)
    deg = graph.degree()
    per_actor = {graph.ids[i]: _ei(int(ext[i]), int(deg[i] - ext[i])) for i in range(graph.n)}
    return EIIndex(_ei(external, internal), external, internal, per_sector, per_actor)


def _weaving(
    graph: _Graph, islands: tuple[Island, ...], labels: IntArray, t: WeavingThresholds
) -> WeavingStage:
    n = graph.n
    if n == 0:
        return WeavingStage("empty", "no_actors", {}, t, ())
    coherence = _coherence(islands, n)
    facts: dict[str, float] = {
        "coherence": coherence,
        "islands": float(len(islands)),
        "largest_island": float(islands[0].size),
    }
    if coherence < t.coherent:
        return WeavingStage("scattered_clusters", "no_island_holds_enough", facts, t, ())
    if islands[0].size <= t.hub_min_degree:
        # Too few actors for anyone to be a hub: nothing has been woven yet.
        return WeavingStage("scattered_clusters", "islands_too_small", facts, t, ())
    inside = np.flatnonzero(labels == 0)
    deg = graph.degree()
    size = len(inside)
    mean_degree = float(deg[inside].mean())
    cut = max(float(t.hub_min_degree), t.hub_factor * mean_degree)
    hub_idx = inside[deg[inside] >= cut]
    hub_idx = hub_idx[np.lexsort((hub_idx, -deg[hub_idx]))]
    hubs = tuple(graph.ids[i] for i in hub_idx.tolist())
    facts |= {"mean_degree": mean_degree, "hub_degree": cut, "hubs": float(len(hubs))}
    if not hubs:
        return WeavingStage("multi_hub", "connected_without_hubs", facts, t, hubs)
    reach = float(deg[hub_idx[0]]) / max(size - 1, 1)
    facts["top_hub_reach"] = reach
    if len(hubs) == 1:
        return WeavingStage("hub_and_spokes", "one_hub", facts, t, hubs)
    if reach >= t.star_reach:
        return WeavingStage("hub_and_spokes", "one_hub_reaches_most", facts, t, hubs)
    among = graph.weights[hub_idx][:, hub_idx]
    hub_density = density(len(hubs), int(among.nnz // 2))
    is_hub = np.zeros(n, dtype=bool)
    is_hub[hub_idx] = True
    rest = inside[~is_hub[inside]]
    near_hub = np.asarray(graph.weights[rest][:, hub_idx].getnnz(axis=1)) > 0
    periphery = float(near_hub.mean()) if len(rest) else 1.0
    facts |= {"hub_density": hub_density, "periphery_reach": periphery}
    dense_core = len(hubs) >= t.core_min_hubs and hub_density >= t.core_density
    if dense_core and periphery >= t.periphery_reach:
        return WeavingStage("core_periphery", "dense_core_of_hubs", facts, t, hubs)
    return WeavingStage("multi_hub", "several_hubs", facts, t, hubs)


def weaving_stage(
    network: Network, thresholds: WeavingThresholds = DEFAULT_WEAVING
) -> WeavingStage:
    """The network-weaving stage and the rule that chose it (see :class:`WeavingThresholds`).

    Rules, in order: no actors → ``empty``/``no_actors``; coherence below ``coherent`` →
    ``scattered_clusters``/``no_island_holds_enough``; a largest island of at most
    ``hub_min_degree`` actors (no one could be a hub) → ``scattered_clusters``/
    ``islands_too_small``; in the largest island, no hub →
    ``multi_hub``/``connected_without_hubs`` (ties spread without anyone at the centre); one
    hub → ``hub_and_spokes``/``one_hub``; the top hub reaching ``star_reach`` of its island →
    ``hub_and_spokes``/``one_hub_reaches_most``; a dense core of hubs with a periphery tied to
    it → ``core_periphery``/``dense_core_of_hubs``; otherwise ``multi_hub``/``several_hubs``.
    """
    graph = _compile(network)
    islands, labels = _islands(graph)
    return _weaving(graph, islands, labels, thresholds)


def _suggestions(
    graph: _Graph,
    islands: tuple[Island, ...],
    context: Mapping[str, Collection[str]],
    *,
    max_islands: int,
    per_pair: int,
    min_island_size: int,
) -> tuple[SuggestedTie, ...]:
    index = {k: i for i, k in enumerate(graph.ids)}
    deg = graph.degree()
    chosen = [i for i, isl in enumerate(islands) if isl.size >= min_island_size][:max_islands]
    ctx = {k: frozenset(v) for k, v in context.items() if k in index}

    def rank(members: Iterable[str]) -> list[str]:
        return sorted(members, key=lambda a: (-int(deg[index[a]]), a))

    top: dict[int, list[str]] = {}
    by_key: dict[int, dict[str, list[str]]] = {}
    for i in chosen:
        ordered = rank(islands[i].members)
        top[i] = ordered[:_TOP_CONNECTORS]
        keyed: dict[str, list[str]] = {}
        for a in ordered:
            for key in ctx.get(a, ()):
                bucket = keyed.setdefault(key, [])
                if len(bucket) < _PER_KEY:
                    bucket.append(a)
        by_key[i] = keyed
    out: list[SuggestedTie] = []
    for i, j in combinations(chosen, 2):
        candidates = {(a, b) for a in top[i] for b in top[j]}
        for key in sorted(by_key[i].keys() & by_key[j].keys()):
            candidates |= {(a, b) for a in by_key[i][key] for b in by_key[j][key]}
        scored: list[tuple[float, int, str, str, SuggestedTie]] = []
        for a, b in candidates:
            shared = tuple(sorted(ctx.get(a, frozenset()) & ctx.get(b, frozenset())))
            sa, sb = SECTORS[graph.sectors[index[a]]], SECTORS[graph.sectors[index[b]]]
            da, db = int(deg[index[a]]), int(deg[index[b]])
            score = len(shared) + (0.5 if sa != sb else 0.0)
            why = TieReason(shared, (sa, sb), sa != sb, da, db)
            scored.append((-score, -(da + db), a, b, SuggestedTie(i, j, a, b, score, why)))
        scored.sort(key=lambda s: s[:4])
        out.extend(s[4] for s in scored[:per_pair])
    return tuple(out)


def island_ties(
    network: Network,
    context: Mapping[str, Collection[str]] | None = None,
    *,
    max_islands: int = 5,
    per_pair: int = 3,
    min_island_size: int = 2,
) -> tuple[SuggestedTie, ...]:
    """The ties that would join the islands ([design]: ours; METHODS.md "Network coherence").

    For each pair of the ``max_islands`` largest islands with at least ``min_island_size``
    actors, candidate pairs (one actor from each island) are the ``_TOP_CONNECTORS`` most tied
    actors of each island crossed with each other, plus actors of both islands that share a
    context key (a challenge or category in ``context``: actor id → keys). Candidates are ranked
    by score (shared keys + 0.5 for complementary, i.e. different, sectors), then by the two
    actors' summed degree, then by id; the best ``per_pair`` are returned.
    """
    graph = _compile(network)
    islands, _ = _islands(graph)
    return _suggestions(
        graph,
        islands,
        context or {},
        max_islands=max_islands,
        per_pair=per_pair,
        min_island_size=min_island_size,
    )


def _communities(graph: _Graph, seed: int) -> tuple[tuple[Community, ...], float]:
    labels = louvain(graph.weights, seed=seed)
    q = modularity(graph.weights, labels)
    coo = graph.weights.tocoo()
    same = labels[coo.row] == labels[coo.col]
    inner_deg = np.bincount(coo.row[same], minlength=graph.n)
    inner_w = np.bincount(coo.row[same], weights=coo.data[same], minlength=graph.n)
    deg = graph.degree()
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(i)
    out = []
    for members in groups.values():
        best = min(
            members,
            key=lambda i: (-int(inner_deg[i]), -int(deg[i]), -float(inner_w[i]), graph.ids[i]),
        )
        out.append(Community(graph.ids[best], tuple(graph.ids[i] for i in members)))
    out.sort(key=lambda c: (-len(c.members), c.name))
    return tuple(out), q


def _nan_to_none(values: FloatArray, ids: tuple[str, ...]) -> dict[str, float | None]:
    return {k: (None if math.isnan(x) else x) for k, x in zip(ids, values.tolist(), strict=True)}


def analyse(
    network: Network,
    *,
    seed: int,
    exact_betweenness: bool | Literal["auto"] = "auto",
    sample_sources: int = DEFAULT_SAMPLE_SOURCES,
    check_error: bool = False,
    context: Mapping[str, Collection[str]] | None = None,
    weaving: WeavingThresholds = DEFAULT_WEAVING,
    max_islands: int = 5,
    suggestions_per_pair: int = 3,
) -> NetworkAnalysis:
    """All measures of a network (already cut to its period) in one result.

    ``exact_betweenness``: True computes exact betweenness, False samples ``sample_sources``
    sources drawn with ``seed``, "auto" is exact while n × 2m ≤ :data:`AUTO_EXACT_WORK`.
    ``check_error`` (sampled only) also computes exact betweenness to state the measured error.
    ``context`` (actor id → challenge/category keys) feeds the suggested ties. The same input
    and seed give the same result.
    """
    clock = time.perf_counter
    timings: dict[str, float] = {}
    t0 = clock()
    graph = _compile(network)
    ids = graph.ids
    timings["build"] = clock() - t0

    t0 = clock()
    islands, labels = _islands(graph)
    timings["islands"] = clock() - t0

    t0 = clock()
    work = graph.n * graph.weights.nnz
    exact = work <= AUTO_EXACT_WORK if exact_betweenness == "auto" else bool(exact_betweenness)
    est = betweenness(graph.weights, k=None if exact else sample_sources, seed=seed)
    measured_max = measured_mean = None
    if check_error and not est.exact:
        truth = betweenness(graph.weights).values
        diff = np.abs(est.values - truth)
        measured_max, measured_mean = float(diff.max()), float(diff.mean())
    se = est.standard_error
    info = BetweennessInfo(
        exact=est.exact,
        sources=len(est.sources),
        seed=seed,
        max_standard_error=float(se.max()) if len(se) else 0.0,
        mean_standard_error=float(se.mean()) if len(se) else 0.0,
        measured_max_error=measured_max,
        measured_mean_error=measured_mean,
    )
    bc = est.values
    order = np.lexsort((np.arange(graph.n), -bc))
    brokers = tuple(ids[i] for i in order[:_BROKERS].tolist() if bc[i] > 0)
    timings["betweenness"] = clock() - t0

    t0 = clock()
    bridge_idx, cut_idx = bridges_and_cut_nodes(graph.weights)
    bridges = tuple(
        sorted((ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a]) for a, b in bridge_idx)
    )
    timings["bridges"] = clock() - t0

    t0 = clock()
    holes = structural_holes(graph.weights)
    timings["structural_holes"] = clock() - t0

    t0 = clock()
    communities, q = _communities(graph, seed)
    timings["communities"] = clock() - t0

    t0 = clock()
    ei = _ei_index(graph)
    stage = _weaving(graph, islands, labels, weaving)
    suggestions = _suggestions(
        graph,
        islands,
        context or {},
        max_islands=max_islands,
        per_pair=suggestions_per_pair,
        min_island_size=2,
    )
    timings["ei_weaving_suggestions"] = clock() - t0

    return NetworkAnalysis(
        actors=graph.n,
        ties=graph.m,
        density=density(graph.n, graph.m),
        islands=islands,
        coherence=_coherence(islands, graph.n),
        betweenness=dict(zip(ids, bc.tolist(), strict=True)),
        betweenness_info=info,
        brokers=brokers,
        bridges=bridges,
        articulation_points=tuple(ids[i] for i in cut_idx),
        constraint=_nan_to_none(holes.constraint, ids),
        effective_size=_nan_to_none(holes.effective_size, ids),
        communities=communities,
        modularity=q,
        ei=ei,
        weaving=stage,
        suggestions=suggestions,
        timings=timings,
    )


def compare(before: Network, after: Network) -> PeriodChange:
    """Change between two networks (e.g. two periods): actors and tied pairs added and
    removed, and islands and coherence before and after."""
    pairs_before, pairs_after = set(before.pairs()), set(after.pairs())
    isl_before, _ = _islands(_compile(before))
    isl_after, _ = _islands(_compile(after))
    return PeriodChange(
        actors_added=tuple(sorted(after.actors.keys() - before.actors.keys())),
        actors_removed=tuple(sorted(before.actors.keys() - after.actors.keys())),
        ties_added=tuple(sorted(pairs_after - pairs_before)),
        ties_removed=tuple(sorted(pairs_before - pairs_after)),
        islands_before=len(isl_before),
        islands_after=len(isl_after),
        coherence_before=_coherence(isl_before, len(before.actors)),
        coherence_after=_coherence(isl_after, len(after.actors)),
    )


def compare_periods(network: Network, before: Period, after: Period) -> PeriodChange:
    """:func:`compare` of the network cut to ``before`` and to ``after``."""
    return compare(network.within(before), network.within(after))
