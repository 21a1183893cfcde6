"""Worked examples by hand for samskab.analysis.network (islands, brokers, Burt, E–I, weaving,
suggested ties, change, bad input). Agreement with networkx: test_network_networkx.py."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from samskab.analysis.network import (
    Actor,
    Network,
    Period,
    SuggestedTie,
    Tie,
    analyse,
    compare_periods,
    density,
    ei_index,
    island_ties,
    weaving_stage,
)

DAY = date(2025, 3, 1)


def make(
    edges: list[tuple[str, str]],
    sectors: dict[str, str] | None = None,
    extra: tuple[str, ...] = (),
) -> Network:
    """A network from an edge list; every actor is kommune unless ``sectors`` says otherwise."""
    sectors = sectors or {}
    names = sorted({x for e in edges for x in e} | set(extra))
    actors = [Actor(a, sectors.get(a, "kommune")) for a in names]
    return Network.build(actors, [Tie(a, b, DAY) for a, b in edges])


PATH = make([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
STAR = make([("hub", x) for x in ("p", "q", "r", "s")])
TWO_TRIANGLES = make(
    [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("d", "f")]
)


def test_path() -> None:
    r = analyse(PATH, seed=1)
    # Ordered pairs through b: a→c, a→d, a→e and back: 6 of (n−1)(n−2) = 12.
    assert r.betweenness == pytest.approx({"a": 0, "b": 0.5, "c": 8 / 12, "d": 0.5, "e": 0})
    assert r.brokers == ("c", "b", "d")
    assert r.bridges == (("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"))
    assert r.articulation_points == ("b", "c", "d")
    assert r.density == pytest.approx(4 / 10)
    assert len(r.islands) == 1 and r.coherence == 1.0
    # An end has one contact (constraint 1); b's two contacts are not tied: 2 × (1/2)².
    assert r.constraint["a"] == pytest.approx(1.0)
    assert r.constraint["b"] == pytest.approx(0.5)
    assert r.effective_size["b"] == pytest.approx(2.0)
    assert r.betweenness_info.exact and r.betweenness_info.max_standard_error == 0


def test_star() -> None:
    r = analyse(STAR, seed=1)
    assert r.betweenness["hub"] == pytest.approx(1.0)
    assert all(r.betweenness[x] == 0 for x in "pqrs")
    assert r.articulation_points == ("hub",)
    assert len(r.bridges) == 4
    assert r.constraint["hub"] == pytest.approx(4 * (1 / 4) ** 2)
    assert r.effective_size["hub"] == pytest.approx(4.0)
    assert r.weaving.stage == "hub_and_spokes" and r.weaving.reason == "one_hub"
    assert r.weaving.hubs == ("hub",)


def test_two_triangles_joined_by_a_bridge() -> None:
    r = analyse(TWO_TRIANGLES, seed=1)
    assert r.bridges == (("c", "d"),)
    assert r.articulation_points == ("c", "d")
    # c lies on every path from {a, b} to {d, e, f}: 2 × 6 ordered pairs of 5 × 4.
    assert r.betweenness["c"] == pytest.approx(0.6)
    # c: contacts a, b, d with p = 1/3; a–b tied, so c_ca = (1/3 + 1/3 · 1/2)² = 1/4.
    assert r.constraint["c"] == pytest.approx(1 / 4 + 1 / 4 + 1 / 9)
    # Borgatti: n − 2t/n = 3 − 2/3.
    assert r.effective_size["c"] == pytest.approx(3 - 2 / 3)
    assert [(c.name, c.members) for c in r.communities] == [
        ("c", ("a", "b", "c")),
        ("d", ("d", "e", "f")),
    ]
    assert r.modularity == pytest.approx(2 * (3 / 7 - (7 / 14) ** 2))


def test_barbell() -> None:
    k4 = [(f"l{i}", f"l{j}") for i in range(4) for j in range(i + 1, 4)]
    k4b = [(f"r{i}", f"r{j}") for i in range(4) for j in range(i + 1, 4)]
    r = analyse(make([*k4, *k4b, ("l3", "mid"), ("mid", "r0")]), seed=1)
    assert r.bridges == (("l3", "mid"), ("mid", "r0"))
    assert r.articulation_points == ("l3", "mid", "r0")
    # mid lies on all 4 × 4 paths between the two cliques: 2 × 16 / (8 × 7).
    assert r.betweenness["mid"] == pytest.approx(32 / 56)
    assert [c.members for c in r.communities] == [
        ("l0", "l1", "l2", "l3", "mid"),
        ("r0", "r1", "r2", "r3"),
    ] or [c.members for c in r.communities] == [
        ("l0", "l1", "l2", "l3"),
        ("mid", "r0", "r1", "r2", "r3"),
    ]


def test_isolated_actor_and_empty_network() -> None:
    net = make([("a", "b")], extra=("lone",))
    r = analyse(net, seed=0)
    assert [i.members for i in r.islands] == [("a", "b"), ("lone",)]
    assert r.coherence == pytest.approx(2 / 3)
    assert r.constraint["lone"] is None and r.effective_size["lone"] is None
    assert r.ei.per_actor["lone"] is None
    empty = analyse(Network.build([], []), seed=0)
    assert empty.actors == 0 and empty.coherence == 0 and empty.islands == ()
    assert empty.weaving.stage == "empty" and empty.suggestions == ()
    assert density(1, 0) == 0.0


def test_multiple_ties_are_summed_within_a_period() -> None:
    actors = [Actor("a", "kommune"), Actor("b", "forening"), Actor("c", "borger")]
    ties = [
        Tie("a", "b", date(2025, 1, 5), 2.0),
        Tie("b", "a", date(2025, 1, 20), 1.5),
        Tie("a", "c", date(2025, 1, 9)),
        Tie("a", "b", date(2025, 2, 2), 10.0),
    ]
    jan = Network.build(actors, ties).within(Period(date(2025, 1, 1), date(2025, 1, 31)))
    assert jan.pairs() == {("a", "b"): 3.5, ("a", "c"): 1.0}
    r = analyse(jan, seed=0)
    assert r.ties == 2
    # Weighted: p_ab = 3.5 / 4.5, p_ac = 1 / 4.5, b and c untied.
    assert r.constraint["a"] == pytest.approx((3.5 / 4.5) ** 2 + (1 / 4.5) ** 2)


def test_ei_index_by_hand() -> None:
    sectors = {
        "k1": "kommune",
        "k2": "kommune",
        "f1": "forening",
        "v1": "virksomhed",
        "b1": "borger",
        "b2": "borger",
    }
    net = make([("k1", "k2"), ("k1", "f1"), ("f1", "v1"), ("v1", "b1"), ("b1", "b2")], sectors)
    ei = ei_index(net)
    assert (ei.external, ei.internal) == (3, 2)
    assert ei.whole == pytest.approx(1 / 5)
    assert ei.per_sector == {"kommune": 0.0, "borger": 0.0, "forening": 1.0, "virksomhed": 1.0}
    assert ei.per_actor == {"k1": 0.0, "k2": -1.0, "f1": 1.0, "v1": 1.0, "b1": 0.0, "b2": -1.0}
    only_kommune = ei_index(make([("a", "b")]))
    assert only_kommune.whole == -1.0 and only_kommune.per_sector["borger"] is None


# ------------------------------------------------------------------------------ weaving


def stars(hubs: int, leaves: int, hub_ties: list[tuple[int, int]]) -> Network:
    edges = [(f"h{h}", f"h{h}x{i}") for h in range(hubs) for i in range(leaves)]
    return make(edges + [(f"h{a}", f"h{b}") for a, b in hub_ties])


def test_weaving_scattered_clusters() -> None:
    tri = [("a", "b"), ("b", "c"), ("a", "c")]
    net = make([*tri, *[(x + "2", y + "2") for x, y in tri], *[(x + "3", y + "3") for x, y in tri]])
    w = weaving_stage(net)
    assert (w.stage, w.reason) == ("scattered_clusters", "no_island_holds_enough")
    assert w.facts["coherence"] == pytest.approx(1 / 3) and w.facts["islands"] == 3


def test_weaving_too_small_to_have_hubs() -> None:
    assert weaving_stage(make([], extra=("a",))).reason == "islands_too_small"
    w = weaving_stage(make([("a", "b"), ("b", "c")]))
    assert (w.stage, w.reason) == ("scattered_clusters", "islands_too_small")


def test_weaving_multi_hub_and_core_periphery() -> None:
    chain = weaving_stage(stars(5, 4, [(0, 1), (1, 2), (2, 3), (3, 4)]))
    assert (chain.stage, chain.reason) == ("multi_hub", "several_hubs")
    assert set(chain.hubs) == {"h0", "h1", "h2", "h3", "h4"}
    assert chain.facts["hub_density"] == pytest.approx(4 / 10)
    clique = [(a, b) for a in range(5) for b in range(a + 1, 5)]
    core = weaving_stage(stars(5, 4, clique))
    assert (core.stage, core.reason) == ("core_periphery", "dense_core_of_hubs")
    assert core.facts["hub_density"] == 1.0 and core.facts["periphery_reach"] == 1.0
    ring = weaving_stage(make([(f"n{i}", f"n{(i + 1) % 10}") for i in range(10)]))
    assert (ring.stage, ring.reason) == ("multi_hub", "connected_without_hubs")
    # One hub reaching most of its island, beside a smaller second hub.
    lopsided = make(
        [("h0", f"x{i}") for i in range(12)] + [("h1", f"y{i}") for i in range(4)] + [("h0", "h1")]
    )
    w = weaving_stage(lopsided)
    assert (w.stage, w.reason) == ("hub_and_spokes", "one_hub_reaches_most")
    assert w.hubs == ("h0", "h1")


# ------------------------------------------------------------------------------ suggested ties


def three_islands() -> tuple[Network, dict[str, set[str]]]:
    sectors = {
        "k1": "kommune",
        "k2": "kommune",
        "k3": "kommune",
        "k4": "kommune",
        "f1": "forening",
        "f2": "forening",
        "f3": "forening",
        "v1": "virksomhed",
        "v2": "virksomhed",
        "b1": "borger",
    }
    edges = [
        ("k1", "k2"),
        ("k2", "k3"),
        ("k3", "k1"),
        ("k3", "k4"),
        ("f1", "f2"),
        ("f2", "f3"),
        ("v1", "v2"),
        ("v2", "b1"),
    ]
    context = {
        "k1": {"klima", "trafik"},
        "f3": {"klima", "trafik"},
        "f1": {"klima"},
        "k4": {"ældre"},
        "b1": {"ældre"},
        "v1": {"idræt"},
        "f2": {"idræt"},
    }
    return make(edges, sectors), context


def test_ties_that_would_join_three_islands() -> None:
    net, context = three_islands()
    r = analyse(net, seed=0, context=context)
    assert [i.members for i in r.islands] == [
        ("k1", "k2", "k3", "k4"),
        ("b1", "v1", "v2"),  # equal sizes: the island with the smallest id first
        ("f1", "f2", "f3"),
    ]
    first: dict[tuple[int, int], SuggestedTie] = {}
    for s in r.suggestions:
        first.setdefault((s.island_a, s.island_b), s)
    assert set(first) == {(0, 1), (0, 2), (1, 2)}
    s02 = first[(0, 2)]
    assert (s02.actor_a, s02.actor_b) == ("k1", "f3")
    assert s02.why.shared_context == ("klima", "trafik")
    assert s02.why.sectors == ("kommune", "forening") and s02.why.complementary_sectors
    assert s02.score == 2.5
    s01 = first[(0, 1)]
    assert (s01.actor_a, s01.actor_b) == ("k4", "b1") and s01.why.shared_context == ("ældre",)
    s12 = first[(1, 2)]
    assert (s12.actor_a, s12.actor_b) == ("v1", "f2")
    assert s12.why.degree_a == 1 and s12.why.degree_b == 2
    # Three per pair at most, best first.
    for pair in first:
        scores = [s.score for s in r.suggestions if (s.island_a, s.island_b) == pair]
        assert 1 <= len(scores) <= 3 and scores == sorted(scores, reverse=True)


def test_suggestions_without_context_prefer_connectors_across_sectors() -> None:
    net, _ = three_islands()
    s = island_ties(net, per_pair=1)
    assert [(x.actor_a, x.actor_b) for x in s] == [("k3", "v2"), ("k3", "f2"), ("v2", "f2")]
    assert all(x.why.shared_context == () and x.score == 0.5 for x in s)
    assert island_ties(net, max_islands=1) == ()


# ------------------------------------------------------------------------------ change, determinism


def test_change_between_two_periods() -> None:
    actors = [Actor(x, "kommune") for x in "abcde"]
    ties = [
        Tie("a", "b", date(2025, 1, 10)),
        Tie("c", "d", date(2025, 1, 11)),
        Tie("a", "b", date(2025, 2, 3)),
        Tie("b", "c", date(2025, 2, 4)),
        Tie("c", "d", date(2025, 2, 5)),
        Tie("d", "e", date(2025, 2, 6)),
    ]
    net = Network.build(actors, ties)
    jan = Period(date(2025, 1, 1), date(2025, 1, 31))
    feb = Period(date(2025, 2, 1), date(2025, 2, 28))
    ch = compare_periods(net, jan, feb)
    assert ch.actors_added == ("e",) and ch.actors_removed == ()
    assert ch.ties_added == (("b", "c"), ("d", "e")) and ch.ties_removed == ()
    assert (ch.islands_before, ch.islands_after) == (2, 1)
    assert (ch.coherence_before, ch.coherence_after) == (0.5, 1.0)
    back = compare_periods(net, feb, jan)
    assert back.actors_removed == ("e",) and back.ties_removed == (("b", "c"), ("d", "e"))


def test_same_seed_same_result() -> None:
    net, context = three_islands()
    a = analyse(net, seed=7, context=context)
    b = analyse(net, seed=7, context=context)
    assert a == b
    assert a.timings and set(a.timings) >= {"betweenness", "communities"}


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Actor("a", "kommunen"), "unknown sector 'kommunen'"),
        (lambda: Actor("", "kommune"), "non-empty string id"),
        (lambda: Tie("a", "a", DAY), "self-tie on 'a'"),
        (lambda: Tie("a", "b", DAY, -1.0), "positive weight, got -1.0"),
        (lambda: Tie("a", "b", DAY, 0), "positive weight, got 0"),
        (lambda: Tie("a", "b", DAY, float("nan")), "finite weight"),
        (lambda: Tie("a", "b", "2025-01-01"), "needs a date"),  # type: ignore[arg-type]
        (
            lambda: Period(date(2025, 2, 1), date(2025, 1, 1)),
            "reversed: it ends 2025-01-01 before it starts 2025-02-01",
        ),
        (
            lambda: Network.build([Actor("a", "borger")], [Tie("a", "x", DAY)]),
            "unknown actor 'x'",
        ),
        (
            lambda: Network.build([Actor("a", "borger"), Actor("a", "kommune")], []),
            "'a' appears twice",
        ),
    ],
)
def test_bad_input_raises_value_error(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]


def test_same_result_whatever_the_hash_seed() -> None:
    """Set iteration order varies with PYTHONHASHSEED; the result must not."""
    here = os.path.dirname(os.path.abspath(__file__))
    code = (
        f"import sys; sys.path.insert(0, {here!r}); "
        "from test_network import three_islands; "
        "from samskab.analysis.network import analyse; "
        "net, ctx = three_islands(); r = analyse(net, seed=3, context=ctx); "
        "print(repr((r.communities, r.suggestions, r.betweenness, r.weaving)))"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(h)},
        ).stdout
        for h in (1, 2, 3)
    }
    assert len(outs) == 1
