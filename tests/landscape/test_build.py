"""From activity records to the co-creation network (`samskab.landscape.build`), on hand-made
records: no database."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from samskab.analysis.network import analyse
from samskab.core.activity import Activity, ActivityReport, Arena
from samskab.landscape.build import CORE_SIZE, WEIGHT_CAP, build, forvaltning_of

D = date(2026, 3, 1)


@dataclass(frozen=True)
class Org:
    id: int
    name: str
    kind: str
    level: int | None = None
    parent_id: int | None = None


@dataclass(frozen=True)
class Aff:
    person_id: int
    organisation_id: int
    staff_level: int | None = None


ORGS = [
    Org(1, "Kultur og Fritid", "department", 1),
    Org(2, "Biblioteket", "department", 2, 1),
    Org(3, "Børnebiblioteket", "department", 3, 2),
    Org(4, "Roklubben", "association"),
    Org(5, "Cykelværkstedet ApS", "business"),
    Org(6, "Teknik og Miljø", "department", 1),
]
AFFS = [Aff(10, 3, 4), Aff(11, 4), Aff(12, 5), Aff(13, 6, 2), Aff(14, 4), Aff(14, 5)]
CH = Arena("challenge:1", "challenge", "Ensomhed", True, "/c/1", categories=("category:social",))
ROOM = Arena("room:7", "room", "Refleksion", False, parent="challenge:1")
INIT = Arena("initiative:2", "initiative", "Spisefællesskaber", True)


def act(kind, arena, person=None, org=None, day=D, **kw):
    return Activity(kind, day, arena, person_id=person, organisation_id=org, **kw)


def built(activities, arenas=(CH, ROOM, INIT), min_group=3, orgs=ORGS, affs=AFFS):
    return build(ActivityReport(tuple(arenas), tuple(activities)), orgs, affs, min_group=min_group)


def test_forvaltning_is_the_level_one_ancestor():
    assert forvaltning_of(ORGS) == {1: 1, 2: 1, 3: 1, 6: 6}


def test_organisations_are_actors_with_their_sector_and_forvaltning():
    b = built([act("idea", "challenge:1", 10), act("comment", "challenge:1", 11)])
    actors = b.network.actors
    assert set(actors) == {"org:3", "org:4"}
    assert actors["org:3"].sector == "kommune"
    assert actors["org:3"].department == "org:1"
    assert actors["org:4"].sector == "forening"
    assert actors["org:4"].department is None
    assert b.info["org:3"].kind == "department"
    assert b.info["org:3"].arenas == ("challenge:1",)
    assert b.context["org:3"] == frozenset({"challenge:1", "category:social"})
    (tie,) = b.network.ties
    assert (tie.a, tie.b, tie.kind) == ("org:3", "org:4", "shared:challenge")


def test_a_person_acts_for_every_affiliation_unless_the_act_names_one():
    b = built([act("idea", "challenge:1", 14), act("idea", "challenge:1", 10)])
    assert set(b.network.actors) == {"org:3", "org:4", "org:5"}
    b = built([act("idea", "challenge:1", 14, org=5), act("idea", "challenge:1", 10)])
    assert set(b.network.actors) == {"org:3", "org:5"}


def test_citizens_count_only_as_a_group_large_enough():
    small = [act("idea", "challenge:1", p) for p in (100, 101)] + [act("idea", "challenge:1", 11)]
    b = built(small)
    assert set(b.network.actors) == {"org:4"}
    large = small + [act("support", "challenge:1", 102), act("vote", "challenge:1", 102)]
    b = built(large)
    assert set(b.network.actors) == {"org:4", "borgere:challenge:1"}
    citizens = b.network.actors["borgere:challenge:1"]
    assert citizens.sector == "borger"
    assert citizens.label == "Borgere i Ensomhed"
    assert b.info["borgere:challenge:1"].kind == "citizens"


def test_a_challenges_citizens_are_one_actor_across_its_rounds_and_rooms():
    """Citizens rating in two rounds of one challenge and meeting in its room are the same
    group of people: one actor, named after the challenge, not one per round."""
    rounds = [Arena(f"round:{k}", "round", f"Ensomhed, runde {k}", True, parent="challenge:1")
              for k in (1, 2)]  # fmt: skip
    acts = [act("rating", "round:1", p) for p in (100, 101)]
    acts += [act("rating", "round:2", p) for p in (101, 102)]
    acts += [act("room", "room:7", 100), act("idea", "challenge:1", 11)]
    b = built(acts, arenas=(CH, ROOM, INIT, *rounds))
    assert set(b.network.actors) == {"org:4", "borgere:challenge:1"}
    assert b.network.actors["borgere:challenge:1"].label == "Borgere i Ensomhed"
    # Two citizens in each round alone would be too few; together the challenge has three.
    assert "borgere:round:1" not in b.network.actors


def test_anonymous_acts_count_for_no_actor():
    b = built([act("vote", "challenge:1"), act("idea", "challenge:1", 11)])
    assert set(b.network.actors) == {"org:4"}
    assert b.network.ties == ()


def test_shared_arena_weight_is_the_smaller_count_capped():
    acts = [act("comment", "challenge:1", 10)] * 3 + [act("comment", "challenge:1", 11)] * 30
    b = built(acts)
    (tie,) = b.network.ties
    assert tie.weight == 3
    acts = [act("comment", "challenge:1", 10)] * 30 + [act("comment", "challenge:1", 11)] * 30
    (tie,) = built(acts).network.ties
    assert tie.weight == WEIGHT_CAP


def test_a_room_ties_its_actors_to_the_parent_challenge():
    b = built([act("room", "room:7", 10), act("idea", "challenge:1", 12)])
    kinds = b.kinds[("org:3", "org:5")]
    assert kinds == {"shared:room": 1.0}


def test_comment_and_support_tie_the_two_organisations_directly():
    acts = [
        act("idea", "challenge:1", 12),
        act("comment", "challenge:1", 10, target_person_id=12, day=D + timedelta(days=2)),
        act("support", "challenge:1", 10, target_organisation_id=4, day=D + timedelta(days=5)),
    ]
    b = built(acts)
    assert b.kinds[("org:3", "org:5")]["comment"] == 1
    assert b.kinds[("org:3", "org:4")] == {"support": 1.0}
    # Tied from the day both had acted there, until the last act.
    assert b.dates[("org:3", "org:5")] == (D + timedelta(days=2), D + timedelta(days=5))
    # The organisation acted on is an actor, in the arena where it was acted on.
    assert b.info["org:4"].arenas == ("challenge:1",)


def test_partners_tie_to_the_rest_of_the_initiative():
    acts = [
        act("responsibility", "initiative:2", 13),
        act("partner", "initiative:2", org=4),
        act("commitment", "initiative:2", org=5),
    ]
    b = built(acts)
    assert b.kinds[("org:4", "org:6")]["partner"] == 1
    assert b.kinds[("org:5", "org:6")]["commitment"] == 1
    assert b.kinds[("org:4", "org:5")]["commitment"] == 1


def test_large_arenas_tie_members_to_the_core_only():
    orgs = [Org(i, f"Forening {i}", "association") for i in range(1, 201)]
    affs = [Aff(1000 + i, i) for i in range(1, 201)]
    acts = [act("idea", "challenge:1", 1000 + i) for i in range(1, 201)]
    b = built(acts, orgs=orgs, affs=affs)
    n = 200
    assert len(b.network.pairs()) == CORE_SIZE * (CORE_SIZE - 1) // 2 + (n - CORE_SIZE) * CORE_SIZE


def test_two_thousand_actors_build_and_analyse_quickly():
    orgs = [Org(i, f"Org {i}", "association") for i in range(2000)]
    affs = [Aff(10_000 + i, i) for i in range(2000)]
    arenas = [Arena(f"challenge:{k}", "challenge", f"U{k}", True) for k in range(400)]
    acts = [
        act("idea", f"challenge:{(i * 7 + j) % 400}", 10_000 + i)
        for i in range(2000)
        for j in range(3)
    ]
    t0 = time.perf_counter()
    b = built(acts, arenas=arenas, orgs=orgs, affs=affs)
    analyse(b.network, seed=0, context=b.context)
    assert len(b.network.actors) == 2000
    assert time.perf_counter() - t0 < 30  # sanity, not a benchmark


def test_a_tie_to_an_unknown_organisation_is_ignored():
    b = built([act("partner", "initiative:2", org=999), act("idea", "initiative:2", 11)])
    assert set(b.network.actors) == {"org:4"}


@pytest.mark.parametrize("min_group", [2, 5])
def test_no_citizen_actor_stands_for_fewer_than_the_minimum(min_group):
    acts = [act("idea", f"challenge:{k}", 100 + p) for k in range(3) for p in range(k + 1)]
    arenas = [Arena(f"challenge:{k}", "challenge", f"U{k}", True) for k in range(3)]
    b = built(acts, arenas=arenas, min_group=min_group)
    for actor_id in b.network.actors:
        arena = actor_id.split(":", 1)[1]
        assert int(arena.split(":")[1]) + 1 >= min_group
