"""Tests for samskab.analysis.pairwise (Bradley–Terry wiki-survey ranking). No Django."""

from __future__ import annotations

import math

import numpy as np
import pytest

from samskab.analysis import pairwise
from samskab.analysis.pairwise import aoi_score, fit_bradley_terry, next_pair


def simulate(n: int, m: int, seed: int, spread: float = 1.0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, spread, n)
    i = rng.integers(0, n, m)
    j = rng.integers(0, n - 1, m)
    j = np.where(j >= i, j + 1, j)
    first = rng.random(m) < 1.0 / (1.0 + np.exp(-(theta[i] - theta[j])))
    return theta, np.where(first, i, j), np.where(first, j, i)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# ------------------------------------------------------------------------------ worked examples


def test_two_ideas_one_vote_by_hand() -> None:
    # A (0) beats B (1) once, prior α = 1 (uniform on the chance to beat an average idea). By
    # symmetry θ_B = −θ_A = −x, and the score equation
    # 1 − σ(2x) + (1 − 2σ(x)) = 0 becomes, with u = eˣ, 1/(1+u²) = (u−1)/(u+1), i.e.
    # u³ − u² − 2 = 0.
    roots = np.roots([1.0, -1.0, 0.0, -2.0])
    u = float(next(r.real for r in roots if abs(r.imag) < 1e-12))
    x = math.log(u)
    fit = fit_bradley_terry(2, [0], [1], prior_strength=1.0)
    assert fit.converged
    assert fit.theta == pytest.approx([x, -x], abs=1e-9)
    assert fit.score == pytest.approx([x, -x], abs=1e-9)
    # Chance to beat "a random other idea" = chance to beat B = σ(2x) = u²/(1+u²) ≈ 74.2 %.
    assert fit.win_probability[0] == pytest.approx(100 * u * u / (1 + u * u), abs=1e-3)
    assert fit.win_probability.sum() == pytest.approx(100.0, abs=1e-3)
    # Laplace variance of score_A = (θ_A − θ_B)/2 is 1 / (4·(w + α·s(1−s))) with
    # w = σ(2x)(1−σ(2x)) (the vote) and s = σ(x) (the prior).
    w = sigmoid(2 * x) * (1 - sigmoid(2 * x))
    s = sigmoid(x)
    sd = math.sqrt(1.0 / (4.0 * (w + s * (1 - s))))
    assert fit.score_high[0] - fit.score[0] == pytest.approx(1.959964 * sd, rel=1e-5)
    assert fit.wins.tolist() == [1.0, 0.0]
    assert fit.losses.tolist() == [0.0, 1.0]
    assert fit.n_comparisons.tolist() == [1, 1]


def test_three_ideas_cycle_is_a_three_way_tie() -> None:
    # A > B, B > C, C > A: every idea has one win and one loss against equal opponents.
    fit = fit_bradley_terry(3, [0, 1, 2], [1, 2, 0])
    assert fit.score == pytest.approx([0.0, 0.0, 0.0], abs=1e-12)
    assert fit.win_probability == pytest.approx([50.0, 50.0, 50.0], abs=1e-6)
    assert fit.score_high[0] - fit.score_low[0] == pytest.approx(
        fit.score_high[2] - fit.score_low[2]
    )


def test_three_ideas_chain_order() -> None:
    # A > B twice, B > C twice: the order must be A, B, C, with B in the middle at 0.
    fit = fit_bradley_terry(3, [0, 0, 1, 1], [1, 1, 2, 2])
    assert fit.ranking().tolist() == [0, 1, 2]
    assert fit.score[1] == pytest.approx(0.0, abs=1e-9)
    assert fit.score[0] == pytest.approx(-fit.score[2], abs=1e-9)


def test_aoi_score_by_hand() -> None:
    # A beats B twice, B beats A once: A = 3/5, B = 2/5; C never shown = 1/2.
    s = aoi_score(3, [0, 0, 1], [1, 1, 0])
    assert s.tolist() == pytest.approx([60.0, 40.0, 50.0])


def test_aoi_score_ignores_ties() -> None:
    s = aoi_score(2, [0, 0], [1, 1], ties=[False, True])
    assert s.tolist() == pytest.approx([200 / 3, 100 / 3])


# ------------------------------------------------------------------------------ properties


def test_swapping_winners_and_losers_negates_scores() -> None:
    _, w, lo = simulate(30, 600, seed=1)
    a = fit_bradley_terry(30, w, lo)
    b = fit_bradley_terry(30, lo, w)
    assert b.score == pytest.approx(-a.score, abs=1e-8)
    assert b.score_high - b.score_low == pytest.approx(a.score_high - a.score_low, abs=1e-8)


def test_relabelling_ideas_permutes_scores() -> None:
    _, w, lo = simulate(25, 500, seed=2)
    perm = np.random.default_rng(3).permutation(25)
    a = fit_bradley_terry(25, w, lo)
    b = fit_bradley_terry(25, perm[w], perm[lo])
    assert b.score[perm] == pytest.approx(a.score, abs=1e-8)


def test_vote_order_does_not_matter() -> None:
    _, w, lo = simulate(20, 300, seed=4)
    order = np.random.default_rng(5).permutation(w.shape[0])
    a = fit_bradley_terry(20, w, lo)
    b = fit_bradley_terry(20, w[order], lo[order])
    assert b.score == pytest.approx(a.score, abs=1e-10)


def test_known_order_is_recovered() -> None:
    # Ten ideas one log-odds unit apart, 200 votes per pair on average.
    n = 10
    theta = np.arange(n, dtype=float)
    rng = np.random.default_rng(6)
    i = rng.integers(0, n, 9000)
    j = (i + rng.integers(1, n, 9000)) % n
    first = rng.random(9000) < 1 / (1 + np.exp(-(theta[i] - theta[j])))
    fit = fit_bradley_terry(n, np.where(first, i, j), np.where(first, j, i))
    assert fit.ranking().tolist() == list(range(n - 1, -1, -1))
    # Differences are estimated close to the true unit spacing.
    assert np.diff(fit.score) == pytest.approx(np.ones(n - 1), abs=0.25)


def test_larger_synthetic_fit_is_accurate() -> None:
    from scipy.stats import kendalltau

    theta, w, lo = simulate(200, 40_000, seed=7)
    fit = fit_bradley_terry(200, w, lo)
    assert fit.converged
    assert kendalltau(fit.score, theta)[0] > 0.85
    # The 95 % interval should cover the (centred) truth for most ideas.
    truth = theta - theta.mean()
    coverage = np.mean((truth >= fit.score_low) & (truth <= fit.score_high))
    assert 0.88 <= coverage <= 1.0


def test_scores_are_centred() -> None:
    _, w, lo = simulate(15, 200, seed=8)
    fit = fit_bradley_terry(15, w, lo)
    assert fit.score.mean() == pytest.approx(0.0, abs=1e-12)


# ------------------------------------------------------------------------------ ties


def test_tie_counts_half_a_win_each() -> None:
    # Two ties between A and B carry the same information as one win each way.
    ties = fit_bradley_terry(3, [0, 1, 0], [1, 0, 2], ties=[True, True, False])
    split = fit_bradley_terry(3, [0, 1, 0], [1, 0, 2])
    assert ties.score == pytest.approx(split.score, abs=1e-12)
    assert ties.wins.tolist() == [2.0, 1.0, 0.0]
    assert ties.losses.tolist() == [1.0, 1.0, 1.0]


def test_tie_order_within_the_pair_is_irrelevant() -> None:
    a = fit_bradley_terry(2, [0], [1], ties=[True])
    b = fit_bradley_terry(2, [1], [0], ties=[True])
    assert a.score == pytest.approx(b.score, abs=1e-15)
    assert a.score == pytest.approx([0.0, 0.0], abs=1e-12)


def test_tie_adds_information() -> None:
    none = fit_bradley_terry(2, [], [])
    tie = fit_bradley_terry(2, [0] * 5, [1] * 5, ties=[True] * 5)
    assert (tie.score_high - tie.score_low)[0] < (none.score_high - none.score_low)[0]
    assert tie.n_comparisons.tolist() == [5, 5]


def test_tie_pulls_scores_together() -> None:
    base = fit_bradley_terry(2, [0, 0, 0], [1, 1, 1])
    with_ties = fit_bradley_terry(2, [0, 0, 0, 0, 0], [1, 1, 1, 1, 1], ties=[0, 0, 0, 1, 1])
    assert 0 < with_ties.score[0] < base.score[0]


# ------------------------------------------------------------------------------ edge cases


def test_ideas_without_comparisons() -> None:
    fit = fit_bradley_terry(4, [0, 0, 1], [1, 1, 0])
    # Idea 2 and 3 were never shown: the prior puts them exactly at the virtual average idea.
    assert fit.theta[2] == pytest.approx(0.0, abs=1e-12)
    assert fit.theta[3] == pytest.approx(0.0, abs=1e-12)
    assert fit.n_comparisons.tolist() == [3, 3, 0, 0]
    assert fit.needs_more_votes[2] and fit.needs_more_votes[3]
    width = fit.score_high - fit.score_low
    assert width[2] > width[0]
    assert np.all(np.isfinite(fit.score))


def test_no_votes_at_all() -> None:
    fit = fit_bradley_terry(3, np.array([], dtype=int), np.array([], dtype=int))
    assert fit.score == pytest.approx([0.0, 0.0, 0.0])
    assert fit.win_probability == pytest.approx([50.0, 50.0, 50.0])
    assert fit.needs_more_votes.all()


def test_zero_and_one_idea() -> None:
    empty = fit_bradley_terry(0, [], [])
    assert empty.n_items == 0 and empty.score.shape == (0,)
    one = fit_bradley_terry(1, [], [])
    assert one.score.tolist() == [0.0]
    assert one.win_probability.tolist() == [50.0]


def test_all_wins_idea_stays_finite() -> None:
    # Idea 0 wins all 300 of its votes; maximum likelihood would send it to +∞.
    rng = np.random.default_rng(9)
    losers = rng.integers(1, 6, 300)
    w = np.concatenate([np.zeros(300, dtype=int), [1, 2, 3, 4]])
    lo = np.concatenate([losers, [2, 3, 4, 5]])
    fit = fit_bradley_terry(6, w, lo)
    assert fit.converged
    assert np.all(np.isfinite(fit.score)) and np.all(np.isfinite(fit.score_high))
    assert fit.ranking()[0] == 0
    assert 90.0 < fit.win_probability[0] < 100.0
    # And the all-losses side stays finite too.
    assert np.isfinite(fit_bradley_terry(2, [1] * 1000, [0] * 1000).score).all()


def test_disconnected_groups_fit() -> None:
    # {0, 1} and {2, 3} never met: the prior still identifies every score.
    fit = fit_bradley_terry(4, [0, 0, 2], [1, 1, 3])
    assert fit.converged and np.all(np.isfinite(fit.score))
    assert fit.score[0] > fit.score[1] and fit.score[2] > fit.score[3]


# ------------------------------------------------------------------------------ uncertainty


def test_intervals_shrink_with_more_votes() -> None:
    _, w, lo = simulate(10, 100, seed=10)
    few = fit_bradley_terry(10, w, lo)
    many = fit_bradley_terry(10, np.tile(w, 20), np.tile(lo, 20))
    assert np.all((many.score_high - many.score_low) < (few.score_high - few.score_low))
    assert np.all(few.score_low <= few.score) and np.all(few.score <= few.score_high)
    assert np.all(few.win_probability_low <= few.win_probability)
    assert np.all(few.win_probability <= few.win_probability_high)


def test_level_controls_interval_width() -> None:
    _, w, lo = simulate(8, 200, seed=11)
    w95 = fit_bradley_terry(8, w, lo, level=0.95)
    w50 = fit_bradley_terry(8, w, lo, level=0.50)
    ratio = (w95.score_high - w95.score) / (w50.score_high - w50.score)
    assert ratio == pytest.approx(np.full(8, 1.959964 / 0.674490), rel=1e-5)


def test_needs_more_votes_flips() -> None:
    # Two equal ideas: after 4 votes both need more; after 400 neither does.
    few = fit_bradley_terry(2, [0, 1, 0, 1], [1, 0, 1, 0])
    assert few.needs_more_votes.tolist() == [True, True]
    many = fit_bradley_terry(2, [0, 1] * 200, [1, 0] * 200)
    assert many.needs_more_votes.tolist() == [False, False]


def test_needs_more_votes_min_comparisons_rule() -> None:
    # Tight intervals but below min_comparisons still needs votes.
    fit = fit_bradley_terry(2, [0, 1] * 200, [1, 0] * 200, min_comparisons=1000)
    assert fit.needs_more_votes.all()
    fit = fit_bradley_terry(2, [0, 1] * 200, [1, 0] * 200, max_half_width=0.01)
    assert fit.needs_more_votes.all()


# ------------------------------------------------------------------------------ solvers


def test_sparse_path_matches_dense() -> None:
    _, w, lo = simulate(60, 3000, seed=12)
    dense = fit_bradley_terry(60, w, lo, method="dense")
    sparse = fit_bradley_terry(60, w, lo, method="sparse")
    assert sparse.covariance is None and dense.covariance is not None
    assert sparse.score == pytest.approx(dense.score, abs=1e-6)
    # The diagonal approximation ignores correlations; on a well-connected graph it stays
    # within a few per cent of the exact Laplace width.
    ratio = (sparse.score_high - sparse.score) / (dense.score_high - dense.score)
    assert np.all((ratio > 0.9) & (ratio < 1.1))


def test_sort_based_aggregation_matches_bincount(monkeypatch: pytest.MonkeyPatch) -> None:
    _, w, lo = simulate(40, 2000, seed=13)
    ties = np.random.default_rng(14).random(2000) < 0.1
    a = fit_bradley_terry(40, w, lo, ties)
    monkeypatch.setattr(pairwise, "_BINCOUNT_KEY_LIMIT", 0)
    b = fit_bradley_terry(40, w, lo, ties)
    assert b.score == pytest.approx(a.score, abs=1e-12)


def test_blas_is_pinned_to_one_thread_when_threadpoolctl_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[int, str]] = []

    class FakeLimits:
        def __init__(self, limits: int, user_api: str) -> None:
            calls.append((limits, user_api))

        def __enter__(self) -> FakeLimits:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    _, w, lo = simulate(100, 1000, seed=17)
    expected = fit_bradley_terry(100, w, lo).score
    monkeypatch.setattr(pairwise, "_threadpool_limits", FakeLimits)
    assert fit_bradley_terry(100, w, lo).score == pytest.approx(expected, abs=1e-12)
    assert calls == [(1, "blas")]
    fit_bradley_terry(10, [0], [1])  # too small to bother
    assert calls == [(1, "blas")]
    monkeypatch.setattr(pairwise, "_threadpool_limits", None)
    assert fit_bradley_terry(100, w, lo).score == pytest.approx(expected, abs=1e-12)


def test_prior_strength_shrinks() -> None:
    weak = fit_bradley_terry(2, [0, 0, 0], [1, 1, 1], prior_strength=0.1)
    strong = fit_bradley_terry(2, [0, 0, 0], [1, 1, 1], prior_strength=10.0)
    assert weak.score[0] > strong.score[0] > 0


# ------------------------------------------------------------------------------ next pair


def test_next_pair_never_repeats_an_idea_and_is_deterministic() -> None:
    _, w, lo = simulate(12, 100, seed=15)
    fit = fit_bradley_terry(12, w, lo)
    pairs = [next_pair(fit, seed) for seed in range(200)]
    for p in pairs:
        assert p is not None and p[0] != p[1]
        assert 0 <= p[0] < 12 and 0 <= p[1] < 12
    assert pairs == [next_pair(fit, seed) for seed in range(200)]
    # Different participants (seeds) do not all get the same pair.
    assert len({frozenset(p) for p in pairs if p}) > 3


def test_next_pair_accepts_a_generator() -> None:
    fit = fit_bradley_terry(5, [0, 1], [1, 2])
    a = [next_pair(fit, np.random.default_rng(1)) for _ in range(3)]
    b = [next_pair(fit, np.random.default_rng(1)) for _ in range(3)]
    assert a == b


def test_next_pair_large_candidate_sampling() -> None:
    _, w, lo = simulate(500, 5000, seed=16)
    fit = fit_bradley_terry(500, w, lo)
    p = next_pair(fit, 3, max_candidates=1000)
    assert p is not None and p[0] != p[1]
    assert p == next_pair(fit, 3, max_candidates=1000)


def test_next_pair_prefers_what_teaches_most() -> None:
    # 0 vs 1 have been compared 500 times; idea 2 never. The most informative vote involves 2.
    fit = fit_bradley_terry(3, [0, 1] * 250, [1, 0] * 250)
    for seed in range(20):
        p = next_pair(fit, seed, top_k=1)
        assert p is not None and 2 in p


def test_next_pair_prefers_close_ideas() -> None:
    # Equal uncertainty everywhere, but 0 and 1 are near-equal while 2 is far weaker.
    w = [0, 1] * 50 + [0] * 100 + [1] * 100
    lo = [1, 0] * 50 + [2] * 100 + [2] * 100
    fit = fit_bradley_terry(3, w, lo)
    assert {*next_pair(fit, 0, top_k=1)} == {0, 1}  # type: ignore[misc]


def test_next_pair_avoids_answered_pairs() -> None:
    fit = fit_bradley_terry(4, [], [])
    answered = [(0, 1), (2, 0), (0, 3), (1, 2), (3, 1)]
    for seed in range(30):
        assert {*next_pair(fit, seed, answered=answered)} == {2, 3}  # type: ignore[misc]
    everything = answered + [(3, 2)]
    assert next_pair(fit, 0, answered=everything) is None


def test_next_pair_bad_input() -> None:
    with pytest.raises(ValueError, match="at least two ideas"):
        next_pair(fit_bradley_terry(1, [], []), 0)
    fit = fit_bradley_terry(3, [], [])
    with pytest.raises(ValueError, match="answered"):
        next_pair(fit, 0, answered=[(0, 5)])
    with pytest.raises(ValueError, match="same idea"):
        next_pair(fit, 0, answered=[(1, 1)])


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("n", "winners", "losers", "ties", "message"),
    [
        (3, [0, -1], [1, 2], None, "winners\\[1\\] = -1 is not a valid idea index"),
        (3, [0, 1], [1, 3], None, "losers\\[1\\] = 3 is not a valid idea index"),
        (3, [0, 1], [1], None, "same length"),
        (3, [0, 1], [1, 1], None, "vote 1 compares idea 1 with itself"),
        (3, [0], [1], [True, False], "one flag per vote"),
        (3, [0.5], [1], None, "integer idea indices"),
        (3, ["a"], [1], None, "integer idea indices"),
        (-1, [], [], None, "non-negative"),
        (3, [[0, 1]], [[1, 2]], None, "one-dimensional"),
        (3, [0], [1], [2], "booleans"),
    ],
)
def test_bad_input_raises(
    n: int, winners: object, losers: object, ties: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        fit_bradley_terry(n, winners, losers, ties)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        aoi_score(n, winners, losers, ties)  # type: ignore[arg-type]


def test_whole_float_indices_are_accepted() -> None:
    a = fit_bradley_terry(3, np.array([0.0, 1.0]), np.array([1.0, 2.0]))
    b = fit_bradley_terry(3, [0, 1], [1, 2])
    assert a.score == pytest.approx(b.score)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"prior_strength": 0.0},
        {"prior_strength": -1.0},
        {"level": 1.0},
        {"method": "magic"},
        {"max_iter": 0},
        {"tol": 0.0},
    ],
)
def test_bad_options_raise(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        fit_bradley_terry(2, [0], [1], **kwargs)  # type: ignore[arg-type]
