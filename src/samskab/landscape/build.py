"""From what people and organisations did (core.activity) to the co-creation network.

Pure Python over plain records: the activity report of a period and the municipality's
directory (organisations and affiliations, as `samskab.accounts.directory` gives them). No
queries here, so it is tested with hand-made records.

Actors
    Every organisation that took part is an actor, id "org:<id>": a municipal unit (sector
    "kommune", each unit at each level its own actor; its `department` is its forvaltning, the
    level-1 unit above it or itself), a business ("virksomhed"), an association ("forening").
    A person acts for every organisation they are affiliated with; an act that names its
    organisation (`Activity.organisation_id`: a partner, an idea posted on behalf of an
    association) counts for that organisation only. People with no affiliation are citizens:
    the citizens of one challenge (or initiative, with its rooms, rounds and workshops) become
    one actor, "borgere:<arena key>" (sector "borger"), only when at least `min_group`
    distinct citizens took part there; smaller groups are left out
    of the network entirely, so no actor ever stands for fewer people. Anonymous acts (no
    person, no organisation) count for no actor.

Ties (each a `Tie` with a kind; one per pair, kind and arena, dated by its latest act)
    * ``shared:<arena kind>`` ("shared:challenge", "shared:room", …): two actors active in the
      same arena, or one in an arena and the other in its parent (a room on a challenge). Weight:
      the smaller of the two actors' numbers of acts there, capped at :data:`WEIGHT_CAP`.
      Large arenas: all pairs among the arena's :data:`CORE_SIZE` most active actors (most acts,
      then id) are tied, and every other actor is tied to each of those core actors only, so an
      arena of n actors gives at most CORE_SIZE·n ties instead of n²/2. For an arena of at most
      CORE_SIZE actors this is every pair.
    * ``comment`` / ``support``: the actor(s) of the person who commented or supported, to the
      actor(s) of the person or organisation the act was directed at, when they differ.
      Weight: the number of such acts (capped at WEIGHT_CAP).
    * ``partner`` / ``commitment``: an organisation that is a partner of, or committed to, an
      initiative, to every other actor of that initiative (its owner and other partners);
      "commitment" when either side committed money or hours. Weight 1 per pair and
      initiative (a pair of partners counts once).

    A room's (or other child arena's) actors are also tied to the core of its parent arena's
    actors, with the child's shared kind.

Context (for the suggested ties): each actor's arena keys and the category keys of those
arenas (the sources already write them as "category:<slug>").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from samskab.analysis.network import Actor, Network, Tie
from samskab.core.activity import ActivityReport, Arena

#: Shared-arena ties: all pairs among this many most active actors of an arena, the rest tied
#: to them only.
CORE_SIZE = 12
#: The highest weight one arena or one kind of act gives a pair.
WEIGHT_CAP = 10

SECTOR_OF_KIND = {"department": "kommune", "business": "virksomhed", "association": "forening"}
#: Act kinds that tie an organisation to the rest of an initiative.
PARTNER_KINDS = ("partner", "commitment")
#: Act kinds that tie the acting actor directly to the actor the act was directed at.
DIRECTED_KINDS = ("comment", "support")


class OrgRecord(Protocol):
    id: int
    name: str
    kind: str
    level: int | None
    parent_id: int | None


class AffiliationRecord(Protocol):
    person_id: int
    organisation_id: int
    staff_level: int | None


@dataclass(frozen=True)
class ActorInfo:
    """What the document says about an actor besides the network's `Actor`."""

    kind: str  # department, business, association, citizens
    arenas: tuple[str, ...]


@dataclass(frozen=True)
class Built:
    """The network of one period and what the document needs alongside it."""

    network: Network
    info: Mapping[str, ActorInfo]
    context: Mapping[str, frozenset[str]]
    arenas: Mapping[str, Arena]
    #: (a, b) with a < b → (first, last) day of any act behind the pair's ties.
    dates: Mapping[tuple[str, str], tuple[date, date]]
    #: (a, b) → {tie kind: summed weight}
    kinds: Mapping[tuple[str, str], Mapping[str, float]] = field(default_factory=dict)


def org_actor_id(org_id: int) -> str:
    return f"org:{org_id}"


def citizens_actor_id(arena_key: str) -> str:
    return f"borgere:{arena_key}"


def forvaltning_of(orgs: Iterable[OrgRecord]) -> dict[int, int]:
    """Each municipal unit's level-1 ancestor (itself for a forvaltning)."""
    by_id = {o.id: o for o in orgs if o.kind == "department"}
    out: dict[int, int] = {}
    for org in by_id.values():
        current, seen = org, {org.id}
        while current.parent_id is not None and current.parent_id in by_id:
            current = by_id[current.parent_id]
            if current.id in seen:  # a cycle: stop where it closes
                break
            seen.add(current.id)
        out[org.id] = current.id
    return out


class _Acc:
    """Tie accumulator: one `Tie` per (pair, kind, arena), with its weight and latest day."""

    def __init__(self) -> None:
        self.weight: dict[tuple[str, str, str, str], float] = {}
        self.last: dict[tuple[str, str, str, str], date] = {}
        self.span: dict[tuple[str, str], tuple[date, date]] = {}

    def add(
        self, a: str, b: str, kind: str, arena: str, weight: float, first: date, last: date
    ) -> None:
        if a == b:
            return
        if b < a:
            a, b = b, a
        key = (a, b, kind, arena)
        self.weight[key] = min(float(WEIGHT_CAP), self.weight.get(key, 0.0) + weight)
        self.last[key] = max(self.last.get(key, last), last)
        lo, hi = self.span.get((a, b), (first, last))
        self.span[(a, b)] = (min(lo, first), max(hi, last))

    def ties(self) -> list[Tie]:
        return [
            Tie(a, b, self.last[key], weight, kind)
            for key, weight in sorted(self.weight.items())
            for a, b, kind, _arena in (key,)
        ]

    def kinds(self) -> dict[tuple[str, str], dict[str, float]]:
        out: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
        for (a, b, kind, _arena), weight in sorted(self.weight.items()):
            out[(a, b)][kind] = out[(a, b)].get(kind, 0.0) + weight
        return dict(out)


def build(
    report: ActivityReport,
    orgs: Iterable[OrgRecord],
    affiliations: Iterable[AffiliationRecord],
    *,
    min_group: int,
    citizen_label: Any = None,
) -> Built:
    """The network, its actors' details and context from one period's activity.

    `citizen_label(arena)`: the label of an arena's citizens actor (default "Borgere i
    <arena label>"; the caller passes a translated one).
    """
    orgs = list(orgs)
    org_by_id = {o.id: o for o in orgs}
    forvaltning = forvaltning_of(orgs)
    acting_for: dict[int, list[int]] = defaultdict(list)
    for aff in affiliations:
        if aff.organisation_id in org_by_id:
            acting_for[aff.person_id].append(aff.organisation_id)
    arenas = {a.key: a for a in report.arenas}

    def root(key: str) -> str:
        # The challenge (or initiative) an arena belongs to: its rooms, rounds and workshops
        # share one citizens actor with it, instead of one per round.
        seen = {key}
        while key in arenas and arenas[key].parent in arenas and arenas[key].parent not in seen:
            key = arenas[key].parent
            seen.add(key)
        return key

    # Who took part in each arena: the citizens, then every act's actors.
    citizens: dict[str, set[int]] = defaultdict(set)
    for act in report.activities:
        person = act.person_id
        if act.organisation_id is None and person is not None and person not in acting_for:
            citizens[root(act.arena)].add(person)
    citizen_groups = {key for key, people in citizens.items() if len(people) >= min_group}

    def actors_of(person_id: int | None, organisation_id: int | None, arena: str) -> list[str]:
        if organisation_id is not None:
            return [org_actor_id(organisation_id)] if organisation_id in org_by_id else []
        if person_id is None:
            return []
        if person_id in acting_for:
            return [org_actor_id(o) for o in sorted(set(acting_for[person_id]))]
        home = root(arena)
        return [citizens_actor_id(home)] if home in citizen_groups else []

    # Per arena: each actor's number of acts and first and last day there.
    acts: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    directed: list[tuple[str, str, str, str, date]] = []
    partners: dict[str, dict[str, tuple[str, date]]] = defaultdict(dict)
    for act in report.activities:
        mine = actors_of(act.person_id, act.organisation_id, act.arena)
        for actor in mine:
            seen = acts[act.arena].setdefault(actor, [0, act.on, act.on])
            seen[0] += 1
            seen[1] = min(seen[1], act.on)
            seen[2] = max(seen[2], act.on)
            if act.kind in PARTNER_KINDS:
                was = partners[act.arena].get(actor)
                committed = act.kind == "commitment" or (was is not None and was[0] == "commitment")
                kind = "commitment" if committed else "partner"
                partners[act.arena][actor] = (kind, max(act.on, was[1]) if was else act.on)
        if act.kind in DIRECTED_KINDS and mine:
            targets = actors_of(act.target_person_id, act.target_organisation_id, act.arena)
            for a in mine:
                for b in targets:
                    directed.append((a, b, act.kind, act.arena, act.on))

    acc = _Acc()
    for key, members in acts.items():
        kind = arenas[key].kind if key in arenas else key.split(":", 1)[0]
        _tie_members(acc, f"shared:{kind}", key, members, members)
        parent = arenas[key].parent if key in arenas else ""
        if parent and parent in acts:
            _tie_members(acc, f"shared:{kind}", key, members, acts[parent], parent_tie=True)
    for a, b, kind, arena, on in directed:
        acc.add(a, b, kind, arena, 1.0, on, on)
    for arena, found in partners.items():
        for actor, (kind, on) in sorted(found.items()):
            for other in sorted(acts[arena]):
                if other == actor:
                    continue
                if other in found and other < actor:
                    continue  # a pair of partners counts once
                other_kind = found[other][0] if other in found else "partner"
                pair_kind = "commitment" if "commitment" in (kind, other_kind) else "partner"
                acc.add(actor, other, pair_kind, arena, 1.0, on, on)

    info: dict[str, ActorInfo] = {}
    actors: list[Actor] = []
    context: dict[str, set[str]] = defaultdict(set)
    present: dict[str, set[str]] = defaultdict(set)
    for key, members in acts.items():
        for actor in members:
            present[actor].add(key)
    for _a, b, _kind, arena, _on in directed:
        present[b].add(arena)  # the target's idea or comment is in that arena
    for actor_id in sorted(present):
        keys = tuple(sorted(present[actor_id]))
        for key in keys:
            context[actor_id].add(key)
            if key in arenas:
                context[actor_id].update(arenas[key].categories)
        if actor_id.startswith("org:"):
            org = org_by_id[int(actor_id[4:])]
            dept = forvaltning.get(org.id)
            actors.append(
                Actor(
                    actor_id,
                    SECTOR_OF_KIND.get(org.kind, "forening"),
                    org.name,
                    org_actor_id(dept) if dept is not None else None,
                )
            )
            info[actor_id] = ActorInfo(org.kind, keys)
        else:
            arena_key = actor_id.split(":", 1)[1]
            arena = arenas.get(arena_key)
            label = (
                citizen_label(arena)
                if citizen_label is not None
                else f"Borgere i {arena.label if arena else arena_key}"
            )
            actors.append(Actor(actor_id, "borger", str(label), None))
            info[actor_id] = ActorInfo("citizens", keys)
    ties = acc.ties()
    network = Network.build(actors, ties)
    used = {key for keys in present.values() for key in keys}
    return Built(
        network=network,
        info=info,
        context={k: frozenset(v) for k, v in context.items()},
        arenas={k: arenas[k] for k in sorted(used) if k in arenas},
        dates=dict(acc.span),
        kinds=acc.kinds(),
    )


def _core(members: Mapping[str, list[Any]]) -> list[str]:
    return sorted(members, key=lambda a: (-members[a][0], a))[:CORE_SIZE]


def _tie_members(
    acc: _Acc,
    kind: str,
    arena: str,
    members: Mapping[str, list[Any]],
    others: Mapping[str, list[Any]],
    *,
    parent_tie: bool = False,
) -> None:
    """Tie the `members` of an arena among themselves (`others` is `members`), or each of them
    to the core of its parent arena's actors `others` (`parent_tie`)."""

    def tie(a: str, seen_a: list[Any], b: str, seen_b: list[Any]) -> None:
        weight = float(min(seen_a[0], seen_b[0], WEIGHT_CAP))
        first, last = max(seen_a[1], seen_b[1]), max(seen_a[2], seen_b[2])
        acc.add(a, b, kind, arena, weight, first, last)

    core = _core(others)
    if parent_tie:
        for a in sorted(members):
            for b in core:
                if a != b:
                    tie(a, members[a], b, others[b])
        return
    in_core = set(core)
    for i, a in enumerate(core):
        for b in core[i + 1 :]:
            tie(a, members[a], b, members[b])
    for a in sorted(members):
        if a not in in_core:
            for b in core:
                tie(a, members[a], b, members[b])
