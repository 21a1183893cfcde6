"""The numpy eigensolver and the row-stored vote matrix that replaced scipy in the opinion map."""

from __future__ import annotations

import numpy as np
import pytest

from samskab.analysis import krylov
from samskab.analysis import opinion as op


def _aligned(a: np.ndarray, b: np.ndarray) -> float:
    return abs(float(a @ b)) / float(np.linalg.norm(a) * np.linalg.norm(b))


@pytest.mark.parametrize("m", [3, 30, 400])
def test_top_eigenvectors_match_the_dense_eigenproblem(m: int) -> None:
    rng = np.random.default_rng(m)
    c = rng.standard_normal((2 * m, m))
    c[:, :2] *= 4.0  # two clear directions, as votes on a divisive pair of statements give
    a = c.T @ c
    ref = np.linalg.eigh(a)[1][:, ::-1][:, :2].T
    got = krylov.top_eigenvectors(lambda x: a @ x, rng.random(m) + 0.5, k=2, ncv=24)
    assert got.shape == (2, m)
    for i in range(2):
        assert _aligned(got[i], ref[i]) == pytest.approx(1.0, abs=1e-10)
        assert np.linalg.norm(got[i]) == pytest.approx(1.0)


def test_a_matrix_of_rank_one_still_gives_two_orthonormal_vectors() -> None:
    # Everyone votes the same way: CᵀC has rank one and the Krylov space breaks down at once.
    u = np.arange(1.0, 51.0)
    a = np.outer(u, u)
    got = krylov.top_eigenvectors(lambda x: a @ x, np.ones(50), k=2, ncv=10, seed=4)
    assert _aligned(got[0], u) == pytest.approx(1.0, abs=1e-12)
    assert abs(float(got[0] @ got[1])) < 1e-10
    assert np.linalg.norm(got[1]) == pytest.approx(1.0)
    again = krylov.top_eigenvectors(lambda x: a @ x, np.ones(50), k=2, ncv=10, seed=4)
    assert np.array_equal(got, again)


def test_too_few_restarts_is_said() -> None:
    rng = np.random.default_rng(0)
    c = rng.standard_normal((300, 200))
    a = c.T @ c  # no gap worth the name: many restarts are needed
    with pytest.raises(krylov.NoConvergence):
        krylov.top_eigenvectors(lambda x: a @ x, np.ones(200), ncv=6, max_restarts=1)


def test_row_matrix_products_equal_the_dense_ones() -> None:
    rng = np.random.default_rng(7)
    dense = np.where(rng.random((500, 40)) < 0.2, rng.choice([-1.0, 0.0, 1.0], (500, 40)), np.nan)
    dense[17] = np.nan  # a participant with no votes
    rows, cols = np.nonzero(~np.isnan(dense))
    data = dense[rows, cols] - 0.25
    # Blocks far smaller than the matrix, so products cross many block edges.
    old = op._BLOCK
    op._BLOCK = 37
    try:
        c = op.RowMatrix(rows.astype(np.int64), cols.astype(np.int64), data, 500, 40)
    finally:
        op._BLOCK = old
    full = np.zeros((500, 40))
    full[rows, cols] = data
    x = rng.standard_normal(40)
    two = rng.standard_normal((40, 2))
    assert c.times(x) == pytest.approx(full @ x)
    assert c.times(two) == pytest.approx(full @ two)
    assert c.gram_times(x) == pytest.approx(full.T @ (full @ x))
    assert c.gram() == pytest.approx(full.T @ full)


def test_group_counts_count_each_vote_in_its_group_only() -> None:
    group_of_row = np.array([0, 1, -1, 0])
    rows = np.array([0, 0, 1, 2, 3, 3])
    cols = np.array([0, 2, 2, 1, 0, 1])
    got = op.group_counts(group_of_row, rows, cols, 2, 3)
    assert got.tolist() == [[2, 1, 1], [0, 0, 1]]
