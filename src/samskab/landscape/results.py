"""The stored landscape document (`LandscapeRun.data`): what the task writes, and pages,
exports and the API read. JSON only (strings, numbers, booleans, null, lists, objects).

```
{
  "version": 1,
  "period": {"start": "2026-01-01", "end": "2026-12-31"},
  "min_group_size": 5,
  "seed": 0,
  "actors": [                       # sorted by id; organisations and citizen groups only
    {"id": "org:12", "label": "Kultur og Fritid", "sector": "kommune",
     "kind": "department" | "business" | "association" | "citizens",
     "department": "org:3" | null,   # the forvaltning a municipal unit belongs to
     "x": 0.0..1.0, "y": 0.0..1.0,    # layout, stable between runs (seeded)
     "island": 0, "community": 2,     # indices into "islands" / "communities"
     "degree": 5, "weight": 7.0,      # tied actors, summed tie weight
     "betweenness": 0.12, "constraint": 0.31 | null, "effective_size": 2.4 | null,
     "ei": 0.5 | null, "broker": true, "cut_point": true, "hub": false,
     "arenas": ["challenge:4", "initiative:2"]}
  ],
  "ties": [                         # one per tied pair, a < b
    {"a": "org:12", "b": "org:15", "weight": 3.0, "kinds": {"comment": 2, "partner": 1},
     "first": "2026-02-03", "last": "2026-05-01", "bridge": true}
  ],
  "arenas": {"challenge:4": {"label": "…", "kind": "challenge", "public": true, "url": "/…"}},
  "islands": [{"name": "Kultur og Fritid", "members": ["org:12", …]}],   # largest first
  "communities": [{"name": "Kultur og Fritid", "members": [...]}],
  "measures": {"actors": 40, "ties": 77, "density": 0.1, "coherence": 0.6, "modularity": 0.4,
               "ei": {"whole": 0.2, "external": 50, "internal": 27,
                      "per_sector": {"kommune": 0.1, "borger": null, …}},
               "betweenness": {"exact": true, "sources": 40, "seed": 0,
                               "max_standard_error": 0.0, "mean_standard_error": 0.0}},
  "weaving": {"stage": "scattered_clusters", "reason": "<key>", "facts": {…}, "hubs": [...]},
  "suggestions": [{"island_a": 0, "island_b": 1, "actor_a": "org:12", "actor_b": "org:30",
                   "score": 2.5, "shared_context": ["challenge:4"], "sectors": ["kommune",
                   "forening"], "complementary_sectors": true}],
  "involvement": [                  # departments (forvaltninger) and their units, top down
    {"department": "org:3", "label": "Kultur og Fritid", "level": 1, "parent": null,
     "levels": [{"staff_level": 1, "people": 6,
                 "took_part": 4 | null,        # null: the group is below min_group_size
                 "share": 0.67 | null,
                 "by_kind": {"idea": 2, "comment": 3} | null}]}
  ],
  "change": null | {"previous": {"start": …, "end": …}, "actors_added": [...], …}
}
```
A person is never named: citizens appear only as "citizens" actors, a group of at least
`min_group_size` citizens that took part in one arena; a count of people below the minimum
group size is stored as null, never as a number.

What each part holds, beyond the sketch (keys marked "added" are not in the sketch above):

- Actor ids: "org:<organisation id>" for organisations and municipal units,
  "borgere:<arena key>" (e.g. "borgere:challenge:4") for the citizens of one arena. A
  forvaltning's `department` is itself; a business's or association's is null. `label` of a
  citizens actor: "Borgere i <arena title>" ("Borgere i et lukket forløb" when the arena is
  not public). `weight` is a float.
  `arenas`: the arena keys the actor took part in (keys into "arenas").
- Tie `kinds`: summed weight per kind, whole numbers as ints. Kinds: "comment", "support"
  (directed acts between organisations), "partner", "commitment" (an initiative's partners),
  and "shared:<arena kind>" for actors active in the same arena or in an arena and its parent
  ("shared:challenge", "shared:initiative", "shared:room", "shared:workshop",
  "shared:conversation", "shared:round", "shared:experiment" – whatever kinds the capabilities
  report; see `samskab.landscape.build`). `weight` (a float) is their sum. `first`/`last`: the
  first and last day of the acts behind the tie.
- `arenas`: only those some actor took part in. A non-public arena has `label` "" and `url` ""
  (name it generically, by its kind).
- `islands[]` and `communities[]`: added `"lead"`, the actor id of the member the island or
  community is named after (most ties; `name` is its label). Members sorted by id.
- `measures`: added `"islands"` (their number), `"brokers"` (actor ids, highest betweenness
  first, at most 10, only those with betweenness > 0), `"bridges"` ([[a, b], …], a < b) and
  `"cut_points"` (actor ids).
- `weaving.facts`: the measured values the rule looked at (numbers); `weaving.hubs`: actor ids.
- `suggestions[]`: added `"degree_a"`, `"degree_b"` (each actor's ties). `shared_context`
  holds arena keys and "category:<slug>" keys. `score` is a float.
- `involvement[]`: every municipal unit (forvaltning, afdeling, team), depth first, units of
  one parent by name; `level` 1–3 is the unit's level, `levels` always the four staff levels
  1–4 (direktion, chefer, ledere, medarbejdere). A unit counts its own people and those of
  the units below it, each person once per staff level; `people` is always a number.
  `took_part`/`share`/`by_kind` are null when `people` < min_group_size. `by_kind`: the
  number of people who took part by each kind (`samskab.core.activity.KINDS`), only kinds
  someone took part in; a count between 1 and min_group_size − 1 is null.
- `change`: null, or when the previous period of the same length (ending the day before
  `period.start`) had actors: `{"previous": {"start", "end"}, "actors_added": [ids],
  "actors_removed": [ids], "ties_added": [[a, b], …], "ties_removed": [[a, b], …],
  "islands_before": int, "islands_after": int, "coherence_before": float,
  "coherence_after": float}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np

from samskab.analysis.layout import layout
from samskab.analysis.network import NetworkAnalysis, PeriodChange
from samskab.landscape.build import Built

VERSION = 1


def _number(value: float) -> float | int:
    """A whole float as an int (3.0 → 3), else rounded to 6 decimals: a compact document."""
    if float(value).is_integer():
        return int(value)
    return round(float(value), 6)


def _maybe(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def positions(
    built: Built, analysis: NetworkAnalysis, *, seed: int
) -> dict[str, tuple[float, float]]:
    """The map's layout (see samskab.analysis.layout), islands as the analysis found them."""
    ids = sorted(built.network.actors)
    index = {k: i for i, k in enumerate(ids)}
    pairs = built.network.pairs()
    edges = np.array([(index[a], index[b]) for a, b in pairs], dtype=np.int64).reshape(-1, 2)
    weights = np.array(list(pairs.values()), dtype=np.float64)
    islands = [[index[m] for m in island.members] for island in analysis.islands]
    xy = layout(len(ids), edges, weights, islands=islands, seed=seed)
    return {k: (round(float(xy[i, 0]), 5), round(float(xy[i, 1]), 5)) for k, i in index.items()}


def _lead(members: Sequence[str], degree: Mapping[str, int]) -> str:
    """An island's most connected member (most ties, then smallest id)."""
    return min(members, key=lambda a: (-degree.get(a, 0), a))


def to_document(
    built: Built,
    analysis: NetworkAnalysis,
    *,
    start: date,
    end: date,
    seed: int,
    min_group: int,
    involvement: list[dict[str, Any]],
    change: PeriodChange | None = None,
    previous: tuple[date, date] | None = None,
) -> dict[str, Any]:
    """The stored document (format above) of one period's network and its analysis."""
    network = built.network
    pairs = network.pairs()
    degree: dict[str, int] = {k: 0 for k in network.actors}
    strength: dict[str, float] = {k: 0.0 for k in network.actors}
    for (a, b), w in pairs.items():
        degree[a] += 1
        degree[b] += 1
        strength[a] += w
        strength[b] += w
    island_of = {m: i for i, isl in enumerate(analysis.islands) for m in isl.members}
    community_of = {m: i for i, c in enumerate(analysis.communities) for m in c.members}
    brokers, cuts = set(analysis.brokers), set(analysis.articulation_points)
    hubs = set(analysis.weaving.hubs)
    bridges = set(analysis.bridges)
    xy = positions(built, analysis, seed=seed)
    label = {k: a.label or k for k, a in network.actors.items()}
    actors = []
    for actor_id in sorted(network.actors):
        actor = network.actors[actor_id]
        info = built.info[actor_id]
        actors.append(
            {
                "id": actor_id,
                "label": label[actor_id],
                "sector": actor.sector,
                "kind": info.kind,
                "department": actor.department,
                "x": xy[actor_id][0],
                "y": xy[actor_id][1],
                "island": island_of[actor_id],
                "community": community_of.get(actor_id),
                "degree": degree[actor_id],
                "weight": round(float(strength[actor_id]), 6),
                "betweenness": round(float(analysis.betweenness[actor_id]), 6),
                "constraint": _maybe(analysis.constraint.get(actor_id)),
                "effective_size": _maybe(analysis.effective_size.get(actor_id)),
                "ei": _maybe(analysis.ei.per_actor.get(actor_id)),
                "broker": actor_id in brokers,
                "cut_point": actor_id in cuts,
                "hub": actor_id in hubs,
                "arenas": list(info.arenas),
            }
        )
    ties = []
    for (a, b), w in sorted(pairs.items()):
        first, last = built.dates[(a, b)]
        ties.append(
            {
                "a": a,
                "b": b,
                "weight": round(float(w), 6),
                "kinds": {k: _number(v) for k, v in sorted(built.kinds.get((a, b), {}).items())},
                "first": first.isoformat(),
                "last": last.isoformat(),
                "bridge": (a, b) in bridges,
            }
        )
    arenas = {
        key: {
            "label": arena.label if arena.public else "",
            "kind": arena.kind,
            "public": arena.public,
            "url": arena.url if arena.public else "",
        }
        for key, arena in sorted(built.arenas.items())
    }
    islands = []
    for island in analysis.islands:
        lead = _lead(island.members, degree)
        islands.append({"name": label[lead], "lead": lead, "members": list(island.members)})
    communities = [
        {"name": label.get(c.name, c.name), "lead": c.name, "members": list(c.members)}
        for c in analysis.communities
    ]
    info = analysis.betweenness_info
    measures = {
        "actors": analysis.actors,
        "ties": analysis.ties,
        "islands": len(analysis.islands),
        "density": round(analysis.density, 6),
        "coherence": round(analysis.coherence, 6),
        "modularity": round(analysis.modularity, 6),
        "ei": {
            "whole": _maybe(analysis.ei.whole),
            "external": analysis.ei.external,
            "internal": analysis.ei.internal,
            "per_sector": {k: _maybe(v) for k, v in analysis.ei.per_sector.items()},
        },
        "betweenness": {
            "exact": info.exact,
            "sources": info.sources,
            "seed": info.seed,
            "max_standard_error": round(info.max_standard_error, 6),
            "mean_standard_error": round(info.mean_standard_error, 6),
        },
        "brokers": list(analysis.brokers),
        "bridges": [list(pair) for pair in analysis.bridges],
        "cut_points": list(analysis.articulation_points),
    }
    weaving = {
        "stage": analysis.weaving.stage,
        "reason": analysis.weaving.reason,
        "facts": {k: round(float(v), 6) for k, v in analysis.weaving.facts.items()},
        "hubs": list(analysis.weaving.hubs),
    }
    suggestions = [
        {
            "island_a": s.island_a,
            "island_b": s.island_b,
            "actor_a": s.actor_a,
            "actor_b": s.actor_b,
            "score": round(float(s.score), 6),
            "shared_context": list(s.why.shared_context),
            "sectors": list(s.why.sectors),
            "complementary_sectors": s.why.complementary_sectors,
            "degree_a": s.why.degree_a,
            "degree_b": s.why.degree_b,
        }
        for s in analysis.suggestions
    ]
    return {
        "version": VERSION,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "min_group_size": min_group,
        "seed": seed,
        "actors": actors,
        "ties": ties,
        "arenas": arenas,
        "islands": islands,
        "communities": communities,
        "measures": measures,
        "weaving": weaving,
        "suggestions": suggestions,
        "involvement": involvement,
        "change": _change(change, previous),
    }


def _change(change: PeriodChange | None, previous: tuple[date, date] | None) -> Any:
    if change is None or previous is None:
        return None
    return {
        "previous": {"start": previous[0].isoformat(), "end": previous[1].isoformat()},
        "actors_added": list(change.actors_added),
        "actors_removed": list(change.actors_removed),
        "ties_added": [list(p) for p in change.ties_added],
        "ties_removed": [list(p) for p in change.ties_removed],
        "islands_before": change.islands_before,
        "islands_after": change.islands_after,
        "coherence_before": round(change.coherence_before, 6),
        "coherence_after": round(change.coherence_after, 6),
    }
