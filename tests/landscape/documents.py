"""Valid landscape documents (`samskab.landscape.results`) of any size, for tests.

`make_document(actors=40, islands=4, seed=0)` builds a network of organisations in `islands`
islands (largest first), each island a few clusters joined by single ties so that there are
brokers, bridges and cut points; the measures come from `samskab.analysis.network.analyse`, so
the document is consistent with itself. Nothing here reads the database.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Any

from samskab.analysis.network import Actor, Network, Tie, analyse

SECTORS = ("kommune", "borger", "forening", "virksomhed")
KIND = {
    "kommune": "department",
    "borger": "citizens",
    "forening": "association",
    "virksomhed": "business",
}
NAMES = {
    "kommune": ["Kultur og Fritid", "Børn og Unge", "Ældre og Sundhed", "Teknik og Miljø"],
    "borger": ["Borgergruppen ved havnen", "Beboerne i Nordby", "Forældregruppen"],
    "forening": ["Idrætsforeningen", "Spejderne", "Lokalhistorisk forening", "Kunstforeningen"],
    "virksomhed": ["Bageriet", "Byggefirmaet", "Cykelværkstedet", "Tømreren"],
}


def _sizes(actors: int, islands: int) -> list[int]:
    """Island sizes, largest first, summing to `actors` (each at least 1)."""
    islands = max(1, min(islands, actors))
    weights = [1.0 / (i + 1) for i in range(islands)]
    total = sum(weights)
    sizes = [max(1, int(actors * w / total)) for w in weights]
    sizes[0] += actors - sum(sizes)
    while sizes[0] < 1:  # pragma: no cover - only for absurd inputs
        j = max(range(1, islands), key=lambda i: sizes[i])
        sizes[j] -= 1
        sizes[0] += 1
    return sorted(sizes, reverse=True)


def make_document(
    actors: int = 40,
    islands: int = 4,
    seed: int = 0,
    *,
    departments: int = 3,
    ties_per_actor: float = 2.0,
    suggestions: bool = True,
    involvement: bool = True,
    start: str = "2026-01-01",
    end: str = "2026-12-31",
    min_group_size: int = 5,
    weaving: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A document with `actors` actors in `islands` islands (0 actors: an empty landscape).

    `departments` forvaltninger are the first actors of the largest island (sector kommune);
    other municipal units belong to one of them. `weaving` replaces the computed weaving stage
    (to test the words for each stage and reason). `involvement`: per department and staff level
    (1 direktion … 4 medarbejdere), with some groups below `min_group_size` stored as null.
    """
    rng = random.Random(seed)
    first = date.fromisoformat(start)
    days = max((date.fromisoformat(end) - first).days, 1)
    sizes = _sizes(actors, islands) if actors else []
    people: list[dict[str, Any]] = []
    ties: dict[tuple[str, str], dict[str, Any]] = {}
    island_of: dict[str, int] = {}
    dept_ids: list[str] = []
    counter = 0

    def tie(a: str, b: str) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        on = first + timedelta(days=rng.randrange(days))
        kind = rng.choice(["comment", "partner", "support", "room", "workshop"])
        found = ties.get(key)
        if found is None:
            ties[key] = {"kinds": {kind: 1}, "first": on, "last": on, "weight": 1.0}
        else:
            found["kinds"][kind] = found["kinds"].get(kind, 0) + 1
            found["weight"] += 1.0
            found["first"] = min(found["first"], on)
            found["last"] = max(found["last"], on)

    for number, size in enumerate(sizes):
        members: list[str] = []
        for _ in range(size):
            counter += 1
            if len(dept_ids) < departments and number == 0:
                sector = "kommune"
            else:
                sector = SECTORS[rng.randrange(len(SECTORS))]
            ident = f"org:{counter:05d}"
            base = NAMES[sector][counter % len(NAMES[sector])]
            label = f"{base} {counter}"
            department = None
            if sector == "kommune":
                if len(dept_ids) < departments and number == 0:
                    dept_ids.append(ident)
                    label = f"{base}s forvaltning {counter}"
                elif dept_ids:
                    department = dept_ids[counter % len(dept_ids)]
            people.append(
                {
                    "id": ident,
                    "label": label,
                    "sector": sector,
                    "kind": KIND[sector],
                    "department": department,
                }
            )
            island_of[ident] = number
            members.append(ident)
        # Clusters of about six, each a little dense, joined in a chain by single ties: the
        # joining actors are brokers and cut points, the joining ties bridges.
        clusters = [members[i : i + 6] for i in range(0, len(members), 6)]
        for cluster in clusters:
            for i in range(1, len(cluster)):
                tie(cluster[i], cluster[rng.randrange(i)])
            extra = int(len(cluster) * max(ties_per_actor - 1.0, 0.0))
            for _ in range(extra):
                if len(cluster) > 2:
                    a, b = rng.sample(cluster, 2)
                    tie(a, b)
        for left, right in zip(clusters, clusters[1:], strict=False):
            tie(left[0], right[0])

    # Arenas: one challenge per island, and a few shared categories across islands, so that
    # the suggested ties have something in common to point to.
    arenas: dict[str, dict[str, Any]] = {}
    context: dict[str, list[str]] = {}
    for number in range(len(sizes)):
        key = f"challenge:{number + 1}"
        arenas[key] = {
            "label": f"Udfordring {number + 1}: Flere unge i foreningslivet",
            "kind": "challenge",
            "public": number % 3 != 2,
            "url": f"/kommuner/test/udfordringer/{number + 1}/",
        }
    shared = ["category:grøn-omstilling", "category:fællesskaber"]
    arenas[shared[0]] = {"label": "Grøn omstilling", "kind": "category", "public": True, "url": ""}
    arenas[shared[1]] = {"label": "Fællesskaber", "kind": "category", "public": True, "url": ""}
    for person in people:
        keys = [f"challenge:{island_of[person['id']] + 1}"]
        if rng.random() < 0.3:
            keys.append(shared[rng.randrange(2)])
        context[person["id"]] = keys
        person["arenas"] = keys

    network = Network.build(
        (Actor(p["id"], p["sector"], p["label"], p["department"]) for p in people),
        (Tie(a, b, t["first"], t["weight"], "x") for (a, b), t in ties.items()),
    )
    result = analyse(network, seed=seed, context=context if suggestions else None)

    # Layout: islands on a grid of cells, each island's clusters on a circle in its cell.
    cols = max(1, math.ceil(math.sqrt(len(result.islands) or 1)))
    rows = max(1, math.ceil((len(result.islands) or 1) / cols))
    island_index: dict[str, int] = {}
    position: dict[str, tuple[float, float]] = {}
    for number, found in enumerate(result.islands):
        cx = (number % cols + 0.5) / cols
        cy = (number // cols + 0.5) / rows
        radius = 0.42 / max(cols, rows)
        count = len(found.members)
        for j, member in enumerate(found.members):
            island_index[member] = number
            angle = 2 * math.pi * j / max(count, 1)
            r = radius * (0.35 + 0.65 * rng.random()) if count > 1 else 0.0
            x = min(max(cx + r * math.cos(angle), 0.0), 1.0)
            y = min(max(cy + r * math.sin(angle), 0.0), 1.0)
            position[member] = (round(x, 4), round(y, 4))
    community_index = {m: i for i, c in enumerate(result.communities) for m in c.members}
    degree: dict[str, int] = {p["id"]: 0 for p in people}
    weight: dict[str, float] = {p["id"]: 0.0 for p in people}
    for (a, b), t in ties.items():
        for end_ in (a, b):
            degree[end_] += 1
            weight[end_] += t["weight"]
    brokers = set(result.brokers)
    cuts = set(result.articulation_points)
    hubs = set(result.weaving.hubs)
    bridges = set(result.bridges)
    label_of = {p["id"]: p["label"] for p in people}

    out_actors = []
    for p in sorted(people, key=lambda p: p["id"]):
        ident = p["id"]
        x, y = position[ident]
        out_actors.append(
            p
            | {
                "x": x,
                "y": y,
                "island": island_index[ident],
                "community": community_index[ident],
                "degree": degree[ident],
                "weight": weight[ident],
                "betweenness": result.betweenness[ident],
                "constraint": result.constraint[ident],
                "effective_size": result.effective_size[ident],
                "ei": result.ei.per_actor.get(ident),
                "broker": ident in brokers,
                "cut_point": ident in cuts,
                "hub": ident in hubs,
            }
        )
    out_ties = [
        {
            "a": a,
            "b": b,
            "weight": t["weight"],
            "kinds": t["kinds"],
            "first": t["first"].isoformat(),
            "last": t["last"].isoformat(),
            "bridge": (a, b) in bridges,
        }
        for (a, b), t in sorted(ties.items())
    ]
    info = result.betweenness_info
    stage = {
        "stage": result.weaving.stage,
        "reason": result.weaving.reason,
        "facts": dict(result.weaving.facts),
        "hubs": list(result.weaving.hubs),
    }
    return {
        "version": 1,
        "period": {"start": start, "end": end},
        "min_group_size": min_group_size,
        "seed": seed,
        "actors": out_actors,
        "ties": out_ties,
        "arenas": arenas,
        "islands": [
            {"name": label_of[_name(i.members, degree)], "members": list(i.members)}
            for i in result.islands
        ],
        "communities": [
            {"name": label_of[c.name], "members": list(c.members)} for c in result.communities
        ],
        "measures": {
            "actors": result.actors,
            "ties": result.ties,
            "density": result.density,
            "coherence": result.coherence,
            "modularity": result.modularity,
            "ei": {
                "whole": result.ei.whole,
                "external": result.ei.external,
                "internal": result.ei.internal,
                "per_sector": dict(result.ei.per_sector),
            },
            "betweenness": {
                "exact": info.exact,
                "sources": info.sources,
                "seed": info.seed,
                "max_standard_error": info.max_standard_error,
                "mean_standard_error": info.mean_standard_error,
            },
        },
        "weaving": weaving if weaving is not None else stage,
        "suggestions": [
            {
                "island_a": s.island_a,
                "island_b": s.island_b,
                "actor_a": s.actor_a,
                "actor_b": s.actor_b,
                "score": s.score,
                "shared_context": list(s.why.shared_context),
                "sectors": list(s.why.sectors),
                "complementary_sectors": s.why.complementary_sectors,
            }
            for s in result.suggestions
        ]
        if suggestions
        else [],
        "involvement": _involvement(dept_ids, label_of, rng, min_group_size) if involvement else [],
        "change": None,
    }


def _name(members: tuple[str, ...], degree: dict[str, int]) -> str:
    return min(members, key=lambda m: (-degree[m], m))


def _involvement(
    dept_ids: list[str], label_of: dict[str, str], rng: random.Random, min_group_size: int
) -> list[dict[str, Any]]:
    rows = []
    for dept in dept_ids:
        levels = []
        for staff_level in (1, 2, 3, 4):
            people = rng.choice([0, 2, 6, 12, 40]) if staff_level > 1 else rng.choice([1, 6])
            if people == 0:
                continue
            if people < min_group_size:
                levels.append(
                    {
                        "staff_level": staff_level,
                        "people": people,
                        "took_part": None,
                        "share": None,
                        "by_kind": None,
                    }
                )
                continue
            took = rng.randrange(people + 1)
            small = False
            levels.append(
                {
                    "staff_level": staff_level,
                    "people": people,
                    "took_part": None if small else took,
                    "share": None if small else round(took / people, 4),
                    "by_kind": None if small else {"idea": took // 2, "comment": took},
                }
            )
        rows.append(
            {
                "department": dept,
                "label": label_of[dept],
                "level": 1,
                "parent": None,
                "levels": levels,
            }
        )
    return rows


def empty_document(start: str = "2026-01-01", end: str = "2026-12-31") -> dict[str, Any]:
    """A computed landscape of a period in which nothing was registered."""
    return make_document(0, 0, start=start, end=end)
