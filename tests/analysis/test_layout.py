"""The network map's layout (`samskab.analysis.layout`): deterministic, in the unit square,
islands apart."""

from __future__ import annotations

import numpy as np
import pytest

from samskab.analysis.layout import EXACT_REPULSION, components, layout


def _islands(sizes: list[int], seed: int = 0) -> tuple[int, np.ndarray]:
    """Islands of the given sizes: a ring through each plus a few random chords."""
    rng = np.random.default_rng(seed)
    edges = []
    base = 0
    for size in sizes:
        nodes = np.arange(base, base + size)
        if size > 1:
            edges += [(int(nodes[i]), int(nodes[(i + 1) % size])) for i in range(size)]
            if size > 2:
                edges = [e for e in edges if e[0] != e[1]]
        for _ in range(size // 3):
            a, b = rng.choice(nodes, 2, replace=False)
            edges.append((int(a), int(b)))
        base += size
    unique = sorted({(min(a, b), max(a, b)) for a, b in edges if a != b})
    return base, np.array(unique, dtype=np.int64).reshape(-1, 2)


def _boxes(pos: np.ndarray, groups: list[list[int]]) -> list[tuple[float, float, float, float]]:
    return [(pos[g, 0].min(), pos[g, 1].min(), pos[g, 0].max(), pos[g, 1].max()) for g in groups]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def test_the_same_input_and_seed_give_the_same_positions():
    n, edges = _islands([30, 12, 5, 3, 2, 1, 1])
    first = layout(n, edges, seed=4)
    assert np.array_equal(first, layout(n, edges, seed=4))
    assert not np.array_equal(first, layout(n, edges, seed=5))


def test_positions_lie_in_the_unit_square():
    n, edges = _islands([50, 20, 8, 2, 1])
    pos = layout(n, edges, seed=0)
    assert pos.shape == (n, 2)
    assert np.isfinite(pos).all()
    assert pos.min() >= 0.0 and pos.max() <= 1.0


@pytest.mark.parametrize("sizes", [[40, 30, 20, 10], [7] * 12, [120, 3, 3, 2, 1, 1, 1], [5, 5]])
def test_islands_bounding_boxes_do_not_overlap(sizes):
    n, edges = _islands(sizes)
    groups = components(n, edges)
    boxes = _boxes(layout(n, edges, seed=1), groups)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not _overlap(boxes[i], boxes[j]), (i, j)


def test_given_islands_are_used_in_their_order():
    n, edges = _islands([4, 4])
    groups = components(n, edges)
    pos = layout(n, edges, islands=groups, seed=0)
    # The first (largest, then lowest node) island is placed first: left or above.
    assert pos[groups[0], 0].mean() < pos[groups[1], 0].mean() or (
        pos[groups[0], 1].mean() < pos[groups[1], 1].mean()
    )


def test_tied_nodes_end_closer_than_untied_ones():
    # A path of 20 nodes: neighbours sit closer together than the ends.
    edges = np.array([(i, i + 1) for i in range(19)], dtype=np.int64)
    pos = layout(20, edges, seed=0)
    step = np.linalg.norm(pos[1:] - pos[:-1], axis=1).mean()
    assert step < np.linalg.norm(pos[0] - pos[19])


def test_components_are_largest_first():
    edges = np.array([(0, 1), (3, 4), (4, 5)], dtype=np.int64)
    assert components(7, edges) == [[3, 4, 5], [0, 1], [2], [6]]


def test_empty_and_bad_input():
    assert layout(0, []).shape == (0, 2)
    assert layout(1, []).tolist() == [[0.5, 0.5]]
    with pytest.raises(ValueError, match="outside"):
        layout(2, [(0, 2)])
    with pytest.raises(ValueError, match="itself"):
        layout(2, [(1, 1)])
    with pytest.raises(ValueError, match="weights"):
        layout(2, [(0, 1)], [1.0, 2.0])
    with pytest.raises(ValueError, match="every node"):
        layout(3, [(0, 1)], islands=[[0, 1]])


def test_two_thousand_nodes_lay_out():
    """Not a benchmark: a large island (sampled push) and many small ones complete and stay
    apart."""
    rng = np.random.default_rng(3)
    big = EXACT_REPULSION * 3
    edges = rng.integers(0, big, (big * 4, 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    ring = np.array([(i, (i + 1) % big) for i in range(big)])
    n_small, small_edges = _islands([8] * ((2000 - big) // 8))
    all_edges = np.vstack([edges, ring, small_edges + big])
    n = big + n_small
    pos = layout(n, all_edges, seed=0)
    assert pos.shape == (n, 2) and np.isfinite(pos).all()
    groups = components(n, all_edges)
    boxes = _boxes(pos, groups)
    assert not any(_overlap(boxes[0], b) for b in boxes[1:])
