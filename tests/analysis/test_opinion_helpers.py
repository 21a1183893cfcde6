"""Helpers for the opinion-map tests (no tests here): adjusted Rand index, planted data."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from samskab.analysis.opinion import OpinionInput, input_from_arrays


def adjusted_rand(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) from the contingency table."""
    _, ia = np.unique(np.asarray(a), return_inverse=True)
    _, ib = np.unique(np.asarray(b), return_inverse=True)
    n = len(ia)
    if n < 2:
        return 1.0
    ct = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(ct, (ia, ib), 1)

    def pairs(x: npt.NDArray[np.float64]) -> float:
        return float((x * (x - 1) / 2).sum())

    index = pairs(ct)
    sa, sb = pairs(ct.sum(axis=1)), pairs(ct.sum(axis=0))
    expected = sa * sb / (n * (n - 1) / 2)
    top = (sa + sb) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def planted(
    n: int, m: int, votes_each: int, groups: int = 3, seed: int = 0
) -> tuple[OpinionInput, npt.NDArray[np.int64]]:
    """n participants in `groups` planted groups; each votes their group's stance (p .8), the
    opposite (p .1) or passes on `votes_each` random statements."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, groups, n)
    stance = rng.choice([-1, 1], size=(groups, m))
    rows = np.repeat(np.arange(n), votes_each)
    cols = np.concatenate([rng.choice(m, votes_each, replace=False) for _ in range(n)])
    u = rng.random(len(rows))
    s = stance[truth[rows], cols]
    vals = np.where(u < 0.8, s, np.where(u < 0.9, -s, 0))
    inp = input_from_arrays(
        [str(i) for i in range(n)], [str(j) for j in range(m)], rows, cols, vals
    )
    return inp, truth
