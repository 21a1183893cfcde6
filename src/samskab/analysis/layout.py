"""Positions for the network map: islands visibly apart, stable between runs.

Pure numpy; no Django. Each island (connected component) is laid out on its own with a
force-directed spring layout (Fruchterman & Reingold 1991, "Graph drawing by force-directed
placement"): ties pull, all nodes push, and a temperature that cools linearly limits each step.
The islands are then packed, largest first, into rows of square cells whose side grows with the
square root of the island's size, with a gap between cells, and the whole picture is scaled
into the unit square. An island's nodes stay inside its own cell, so two islands' bounding boxes
never overlap.

Large islands: repulsion between all pairs costs n² per iteration, so an island above
:data:`EXACT_REPULSION` nodes is pushed by a fixed random sample of :data:`REPULSION_SAMPLE`
nodes per iteration instead (scaled up to stand for all of them), drawn from a generator seeded
with ``seed``: 2,000 nodes lay out in a fraction of a second.

Deterministic: the same input and seed give the same positions, bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["EXACT_REPULSION", "REPULSION_SAMPLE", "components", "layout"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Islands up to this many nodes feel the push of every other node.
EXACT_REPULSION = 256
#: Nodes sampled per iteration for the push in a larger island.
REPULSION_SAMPLE = 160
#: Iterations for an island laid out with sampled push.
SAMPLED_ITERATIONS = 120
#: Islands up to this many nodes are laid out together in batches of similar size.
BATCH_LIMIT = 64
#: The share of a cell kept free around its island (so neighbouring islands stand apart).
CELL_PADDING = 0.2
#: The unit square's margin.
MARGIN = 0.03


def components(n: int, edges: IntArray) -> list[list[int]]:
    """The connected components of ``n`` nodes and undirected ``edges`` (m × 2), largest
    first, ties broken by the smallest node; each component's nodes in increasing order."""
    parent = np.arange(n, dtype=np.int64)

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = int(parent[root])
        while parent[i] != root:
            parent[i], i = root, int(parent[i])
        return root

    for a, b in edges.tolist():
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _start(sizes: IntArray, width: int, rng: np.random.Generator) -> FloatArray:
    """Each island on a jittered circle: deterministic and free of coincident points."""
    g = len(sizes)
    index = np.arange(width, dtype=np.float64)[None, :]
    angle = 2.0 * np.pi * index / np.maximum(sizes, 1)[:, None].astype(np.float64)
    pos = np.stack([np.cos(angle), np.sin(angle)], axis=-1)
    pos += rng.uniform(-0.05, 0.05, (g, width, 2))
    out: FloatArray = pos
    return out


def _spring(
    sizes: IntArray,
    edges: IntArray,
    weights: FloatArray,
    rng: np.random.Generator,
    iterations: int,
    sample: int | None = None,
) -> FloatArray:
    """Fruchterman–Reingold positions of a batch of islands at once, padded to the largest:
    ``sizes`` (G) nodes each, ``edges`` (m × 3: island, local node, local node). Returns
    (G × S × 2), each island centred and scaled into [-1, 1]²; padding rows are 0.

    ``sample``: push each node away from that many randomly drawn nodes per iteration (one
    island only), scaled up to stand for all of them; None: from every node."""
    g = len(sizes)
    width = int(sizes.max())
    valid = np.arange(width)[None, :] < sizes[:, None]
    pos = _start(sizes, width, rng) * valid[:, :, None]
    k = 1.0 / np.sqrt(sizes.astype(np.float64))  # the ideal distance in a unit area
    k2 = (k * k)[:, None, None]
    gravity = (0.05 * np.sqrt(sizes.astype(np.float64)))[:, None, None]
    eg, ei, ej = edges[:, 0], edges[:, 1], edges[:, 2]
    # Heavier ties pull harder, but only logarithmically so one busy pair does not collapse.
    pull = (1.0 + np.log(np.maximum(weights, 1.0))) / k[eg]
    src_flat, dst_flat = eg * width + ei, eg * width + ej
    # No push from padding or from oneself.
    blocked = ~(valid[:, None, :] & valid[:, :, None])
    blocked |= np.eye(width, dtype=bool)[None, :, :]
    scale = 1.0 if sample is None else width / sample
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        x, y = pos[:, :, 0], pos[:, :, 1]
        if sample is None:
            dx = x[:, :, None] - x[:, None, :]
            dy = y[:, :, None] - y[:, None, :]
            dist2 = dx * dx + dy * dy
            dist2[blocked] = np.inf
        else:
            picked = rng.choice(width, size=sample, replace=False)
            dx = x[:, :, None] - x[:, None, picked]
            dy = y[:, :, None] - y[:, None, picked]
            dist2 = dx * dx + dy * dy
            dist2[0, picked, np.arange(sample)] = np.inf
        np.maximum(dist2, 1e-9, out=dist2)
        inverse = np.reciprocal(dist2, out=dist2)
        # Repulsion k² / d along the unit vector: k² · delta / d².
        disp = np.stack([(dx * inverse).sum(axis=2), (dy * inverse).sum(axis=2)], axis=-1) * (
            scale * k2
        )
        if len(eg):
            d = pos[eg, ei] - pos[eg, ej]
            length = np.sqrt(np.einsum("ij,ij->i", d, d))
            # Attraction d² / k along the unit vector: d · d / k.
            force = d * (length * pull)[:, None]
            # Summed per node with bincount (much faster than np.add.at).
            cells = g * width
            for axis in (0, 1):
                net = np.bincount(dst_flat, force[:, axis], cells) - np.bincount(
                    src_flat, force[:, axis], cells
                )
                disp[:, :, axis] += net.reshape(g, width)
        # A little gravity keeps loose parts of the island together.
        disp -= gravity * pos
        length = np.sqrt(np.einsum("gij,gij->gi", disp, disp)) + 1e-12
        pos += disp * (np.minimum(length, temperature) / length)[:, :, None]
        pos *= valid[:, :, None]
        temperature -= cooling
    centre = pos.sum(axis=1, keepdims=True) / sizes[:, None, None]
    pos = (pos - centre) * valid[:, :, None]
    extent = np.abs(pos).max(axis=(1, 2), keepdims=True)
    pos = np.where(extent > 0, pos / np.where(extent > 0, extent, 1.0), pos)
    out: FloatArray = pos
    return out


def _pack(sizes: Sequence[int]) -> tuple[FloatArray, FloatArray, float, float]:
    """Cells for islands of ``sizes`` (largest first): each cell's lower-left corner and side,
    and the packing's total width and height. Shelf packing: cells fill a row until it is as
    wide as a square holding all cells would be, then a new row starts."""
    sides = np.sqrt(np.asarray(sizes, dtype=np.float64))
    target = max(float(np.sqrt((sides**2).sum())) * 1.15, float(sides.max(initial=1.0)))
    corners = np.zeros((len(sides), 2), dtype=np.float64)
    x = y = row_height = width = 0.0
    for i, side in enumerate(sides.tolist()):
        if x > 0 and x + side > target + 1e-9:
            y += row_height
            x = row_height = 0.0
        corners[i] = (x, y)
        x += side
        row_height = max(row_height, side)
        width = max(width, x)
    return corners, sides, width, y + row_height


def layout(
    n: int,
    edges: IntArray | Sequence[tuple[int, int]],
    weights: FloatArray | Sequence[float] | None = None,
    *,
    islands: Sequence[Sequence[int]] | None = None,
    seed: int = 0,
    iterations: int = 300,
) -> FloatArray:
    """Positions (n × 2) in [0, 1]² for ``n`` nodes tied by undirected ``edges`` (pairs of node
    indices) with optional ``weights`` (default 1).

    ``islands``: the connected components as lists of node indices, largest first (e.g. from
    the network analysis, so the map and the analysis agree on the order); computed when not
    given. Each island keeps to its own cell; see the module docstring.

    Raises:
        ValueError: on an edge naming a node outside 0…n−1, a self-loop, or a weight count that
        does not match the edges.
    """
    pairs = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if len(pairs) and (pairs.min() < 0 or pairs.max() >= n):
        raise ValueError(f"an edge names a node outside 0…{n - 1}")
    if len(pairs) and bool((pairs[:, 0] == pairs[:, 1]).any()):
        raise ValueError("an edge ties a node to itself")
    w = (
        np.ones(len(pairs), dtype=np.float64)
        if weights is None
        else np.asarray(weights, dtype=np.float64).reshape(-1)
    )
    if len(w) != len(pairs):
        raise ValueError(f"{len(w)} weights for {len(pairs)} edges")
    if n == 0:
        return np.zeros((0, 2), dtype=np.float64)
    groups = [list(g) for g in islands] if islands is not None else components(n, pairs)
    if sorted(i for g in groups for i in g) != list(range(n)):
        raise ValueError("the islands must hold every node exactly once")
    island_of = np.empty(n, dtype=np.int64)
    local = np.empty(n, dtype=np.int64)
    for g, members in enumerate(groups):
        island_of[members] = g
        local[members] = np.arange(len(members), dtype=np.int64)
    sizes = np.array([len(m) for m in groups], dtype=np.int64)
    corners, sides, width, height = _pack(sizes.tolist())
    # Unit positions of every island: singletons at their centre, pairs side by side, small
    # islands in batches of similar size (padding stays cheap), large ones one at a time.
    unit = np.zeros((n, 2), dtype=np.float64)
    for g in np.flatnonzero(sizes == 2).tolist():
        unit[groups[g]] = ((-0.5, 0.0), (0.5, 0.0))
    edge_island = island_of[pairs[:, 0]] if len(pairs) else np.zeros(0, dtype=np.int64)
    batches: list[list[int]] = []
    bucket = 0
    upper = 4
    small = [g for g in range(len(groups)) if 3 <= sizes[g] <= BATCH_LIMIT]
    for g in sorted(small, key=lambda g: (int(sizes[g]), g)):
        while sizes[g] > upper:
            upper *= 2
            bucket += 1
        if not batches or batches[-1][0] != bucket:
            batches.append([bucket])
        batches[-1].append(g)
    runs: list[tuple[list[int], int | None]] = [(b[1:], None) for b in batches]
    for g in range(len(groups)):
        if sizes[g] > BATCH_LIMIT:
            runs.append(([g], None if sizes[g] <= EXACT_REPULSION else REPULSION_SAMPLE))
    for chosen, sample in runs:
        slot = {g: s for s, g in enumerate(chosen)}
        mine = np.flatnonzero(np.isin(edge_island, chosen))
        batch_edges = (
            np.c_[
                [slot[g] for g in edge_island[mine].tolist()],
                local[pairs[mine, 0]],
                local[pairs[mine, 1]],
            ]
            .astype(np.int64)
            .reshape(-1, 3)
        )
        # Each batch draws from its own stream, keyed by its first node: stable between runs.
        rng = np.random.default_rng([seed, groups[chosen[0]][0]])
        steps = iterations if sample is None else min(iterations, SAMPLED_ITERATIONS)
        pos = _spring(sizes[chosen], batch_edges, w[mine], rng, steps, sample)
        for s, g in enumerate(chosen):
            unit[groups[g]] = pos[s, : sizes[g]]
    half = (sides * (1.0 - CELL_PADDING) / 2.0)[island_of][:, None]
    out = (corners + sides[:, None] / 2.0)[island_of] + unit * half
    span = max(width, height)
    usable = 1.0 - 2.0 * MARGIN
    out = MARGIN + out / span * usable
    # Centre the packing in the square's free direction.
    out[:, 0] += (usable - width / span * usable) / 2.0
    out[:, 1] += (usable - height / span * usable) / 2.0
    clipped: FloatArray = np.clip(out, 0.0, 1.0)
    return clipped
