"""Wiki-survey ranking from pairwise votes: a Bradley–Terry fit with uncertainty.

A participant is shown two ideas and picks one, or answers "can't decide". From all votes of a
challenge we estimate, for each idea, how strong it is and how sure we are.

Model (Bradley & Terry 1952; Hunter 2004, "MM algorithms for generalized Bradley–Terry models",
Ann. Statist. 32(1)): idea ``i`` has log-strength ``θ_i`` and beats idea ``j`` with probability

    P(i beats j) = σ(θ_i − θ_j),   σ(x) = 1 / (1 + e^(−x)).

Prior (our design choice, documented here because it decides how little-voted ideas behave):
every idea gets α = ``prior_strength`` virtual wins *and* α virtual losses against a virtual
average idea with θ = 0, i.e. log-density ``α·(log σ(θ) + log σ(−θ))``. Equivalently, the chance
p = σ(θ) that the idea beats the average idea has a Beta(α, α) prior (θ = logit p then has
exactly this density). α = 1 is the uniform prior behind All Our Ideas' Laplace smoothing
``(wins+1)/(wins+losses+2)``; our default α = 2, Beta(2, 2), is still weakly informative (prior
sd of θ = √(2ψ′(2)) ≈ 1.14, so a priori 95 % of ideas have odds between about 1:10 and 10:1
against the average idea) and in the benchmark (bench/results/pairwise.md) ranks better and gives
better-calibrated intervals than α = 1 when ideas have only 3–10 votes each; with tens of votes
per idea the data dominate either way. The prior keeps an idea with only wins (or only losses)
finite and makes the fit unique even on a disconnected comparison graph. Unlike a Gaussian prior
its tails are linear, so an idea that truly wins almost always can still move far out.

Ties ("can't decide"): a tie between i and j counts as half a win for each (the usual convention
in chess ratings, and the Bradley–Terry special case of Davidson 1970 with its tie parameter
fixed). A tie therefore pulls the two scores towards each other and adds information, but never
makes either idea look better than the other. All Our Ideas itself ignores "I can't decide", so
:func:`aoi_score` ignores ties too.

Fit: maximum a posteriori (MAP) by Newton's method with a backtracking (Armijo) line search on the
log-posterior, which is strictly concave, so the optimum is unique and Newton converges in a
handful of steps. Votes are first aggregated per unordered pair with ``np.bincount``; every
iteration then costs O(pairs) plus one linear solve with the negative Hessian, a weighted graph
Laplacian plus the prior's diagonal. Up to ``DENSE_LIMIT`` ideas we solve it densely (Cholesky);
above that we use conjugate gradients on the sparse matrix.

Uncertainty: Laplace approximation (MacKay 2003, "Information Theory, Inference, and Learning
Algorithms", ch. 27): the posterior is approximated by a Gaussian at the MAP with covariance
``Σ = H⁻¹``, H the negative Hessian (observed Fisher information plus the prior's curvature). The
reported score is the log-strength relative to the average idea, ``θ_i − mean(θ)``, with variance
``(e_i − 1/n)ᵀ Σ (e_i − 1/n)``; the interval is ``score ± z·sd`` (z = 1.96 for 95 %). Above
``DENSE_LIMIT`` ideas the full Σ is not formed and the variance is approximated by ``1 / H_ii``
(this ignores correlations; on a well-connected comparison graph it is within a few per
cent of the exact width, see the tests).

Adaptive next pair: see :func:`next_pair`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import scipy.linalg  # type: ignore[import-untyped]
import scipy.linalg.lapack  # type: ignore[import-untyped]
import scipy.sparse  # type: ignore[import-untyped]
import scipy.sparse.linalg  # type: ignore[import-untyped]
from numpy.typing import ArrayLike, NDArray

try:  # Optional; see _blas_single_thread().
    from threadpoolctl import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
        threadpool_limits as _threadpool_limits,
    )
except ImportError:  # pragma: no cover - depends on the environment
    _threadpool_limits = None

__all__ = [
    "DENSE_LIMIT",
    "PairwiseFit",
    "aoi_score",
    "fit_bradley_terry",
    "next_pair",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Largest number of ideas for which the Hessian is solved and inverted densely. 2,000 ideas is a
#: 32 MB matrix and a Cholesky factorisation of well under a second; beyond that memory and cubic
#: time grow quickly, so we switch to sparse conjugate gradients.
DENSE_LIMIT = 2000

# Below this many distinct pair keys (n²) we count votes with a direct bincount over all n² keys,
# which is faster than sorting; above it we sort with np.unique to keep memory at O(votes).
_BINCOUNT_KEY_LIMIT = 40_000_000


def _blas_single_thread(n_items: int) -> contextlib.AbstractContextManager[Any]:
    """Run the fit's dense linear algebra on one BLAS thread, when threadpoolctl is installed.

    Why: OpenBLAS spin-waits between its threads. When the CPU is shared (web workers, a busy
    host) a multi-threaded Cholesky of a 1,000 × 1,000 matrix was measured 3–10× *slower* than
    on one thread, which takes about 20 ms for it anyway. Setting OPENBLAS_NUM_THREADS=1 in the
    service environment has the same effect without threadpoolctl.
    """
    if _threadpool_limits is None or n_items < 64:
        return contextlib.nullcontext()
    limiter: contextlib.AbstractContextManager[Any] = _threadpool_limits(limits=1, user_api="blas")
    return limiter


@dataclass(frozen=True, eq=False)
class PairwiseFit:
    """Result of :func:`fit_bradley_terry`. Every array has one entry per idea (index = idea).

    Attributes:
        score: log-strength relative to the average idea, θ_i − mean(θ). exp(score) is the odds
            of beating an idea of average log-strength.
        score_low, score_high: Laplace-approximation interval for ``score`` at ``level``.
        win_probability: chance (0–100) to beat an idea drawn at random from the others under
            the fitted model, mean_{j≠i} σ(θ_i − θ_j)·100. Comparable in meaning to All Our
            Ideas' score, but it accounts for *which* ideas an idea met.
        win_probability_low, win_probability_high: the score interval mapped through the same
            function (other ideas held at their estimates).
        wins, losses: observed wins and losses, a tie counting half to each side.
        n_comparisons: votes (ties included) in which the idea took part.
        needs_more_votes: ``n_comparisons < min_comparisons`` or the score interval is wider
            than ``2·max_half_width`` (see :func:`fit_bradley_terry`).
        theta: raw MAP log-strengths (identified by the prior, close to mean 0).
        theta_variance: Laplace variance of each θ_i (diagonal of Σ).
        covariance: full Σ when the dense solver ran (by default ``n_items <= DENSE_LIMIT``),
            else ``None``.
        level: confidence level of the intervals.
        iterations: Newton iterations used; converged: whether the step tolerance was met.
    """

    score: FloatArray
    score_low: FloatArray
    score_high: FloatArray
    win_probability: FloatArray
    win_probability_low: FloatArray
    win_probability_high: FloatArray
    wins: FloatArray
    losses: FloatArray
    n_comparisons: IntArray
    needs_more_votes: BoolArray
    theta: FloatArray
    theta_variance: FloatArray
    covariance: FloatArray | None
    level: float
    iterations: int
    converged: bool

    @property
    def n_items(self) -> int:
        """Number of ideas."""
        return int(self.score.shape[0])

    def ranking(self) -> IntArray:
        """Idea indices from strongest to weakest (ties broken by the lower index)."""
        return np.argsort(-self.score, kind="stable").astype(np.int64)


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------


def _as_index_array(values: ArrayLike, name: str, n_items: int) -> IntArray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional array, got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    # Accept floats only when they hold whole numbers (e.g. data read from JSON).
    if arr.dtype.kind not in "iu" and (
        arr.dtype.kind != "f" or not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr))
    ):
        raise ValueError(f"{name} must hold integer idea indices, got dtype {arr.dtype}")
    out = arr.astype(np.int64)
    bad = (out < 0) | (out >= n_items)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name}[{k}] = {out[k]} is not a valid idea index; indices must be in "
            f"0..{n_items - 1} (n_items = {n_items})"
        )
    return out


def _validate_votes(
    n_items: int,
    winners: ArrayLike,
    losers: ArrayLike,
    ties: ArrayLike | None,
) -> tuple[IntArray, IntArray, BoolArray]:
    if isinstance(n_items, bool) or not isinstance(n_items, int | np.integer):
        raise ValueError(f"n_items must be an integer, got {n_items!r}")
    n_items = int(n_items)
    if n_items < 0:
        raise ValueError(f"n_items must be non-negative, got {n_items}")
    w = _as_index_array(winners, "winners", n_items)
    loser_arr = _as_index_array(losers, "losers", n_items)
    if w.shape != loser_arr.shape:
        raise ValueError(
            f"winners and losers must have the same length, got {w.shape[0]} and "
            f"{loser_arr.shape[0]}"
        )
    if ties is None:
        t = np.zeros(w.shape[0], dtype=np.bool_)
    else:
        t_raw = np.asarray(ties)
        if t_raw.ndim != 1 or t_raw.shape[0] != w.shape[0]:
            raise ValueError(
                f"ties must be a one-dimensional array with one flag per vote "
                f"({w.shape[0]}), got shape {t_raw.shape}"
            )
        if t_raw.dtype != np.bool_ and not np.isin(t_raw, (0, 1)).all():
            raise ValueError("ties must hold booleans (or 0/1)")
        t = t_raw.astype(np.bool_)
    same = w == loser_arr
    if same.any():
        k = int(np.flatnonzero(same)[0])
        raise ValueError(
            f"vote {k} compares idea {w[k]} with itself (winner == loser); a pair must hold "
            "two different ideas"
        )
    return w, loser_arr, t


def _tally(
    n_items: int, lo: IntArray, hi: IntArray, a: FloatArray, m: FloatArray
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Per-idea wins, losses (ties half each) and number of comparisons, from the pair totals."""
    b = m - a  # how often `hi` won
    wins = np.bincount(lo, weights=a, minlength=n_items) + np.bincount(
        hi, weights=b, minlength=n_items
    )
    losses = np.bincount(lo, weights=b, minlength=n_items) + np.bincount(
        hi, weights=a, minlength=n_items
    )
    n_cmp = np.bincount(lo, weights=m, minlength=n_items) + np.bincount(
        hi, weights=m, minlength=n_items
    )
    return wins.astype(np.float64), losses.astype(np.float64), np.rint(n_cmp).astype(np.int64)


def _aggregate_pairs(
    n_items: int, w: IntArray, loser_arr: IntArray, t: BoolArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Collapse votes to unordered pairs (lo < hi).

    Returns ``lo, hi, a, m`` where ``a`` is how often ``lo`` won (ties half) and ``m`` how many
    votes the pair got.
    """
    lo = np.minimum(w, loser_arr)
    hi = np.maximum(w, loser_arr)
    lo_wins = np.where(t, 0.5, (w == lo).astype(np.float64))
    n = np.int64(n_items)
    keys = lo * n + hi
    if n_items * n_items <= _BINCOUNT_KEY_LIMIT:
        m_all = np.bincount(keys, minlength=n_items * n_items)
        a_all = np.bincount(keys, weights=lo_wins, minlength=n_items * n_items)
        nz = np.flatnonzero(m_all)
        uniq = nz.astype(np.int64)
        m = m_all[nz].astype(np.float64)
        a = a_all[nz].astype(np.float64)
    else:
        uniq, inv = np.unique(keys, return_inverse=True)
        uniq = uniq.astype(np.int64)
        m = np.bincount(inv).astype(np.float64)
        a = np.bincount(inv, weights=lo_wins).astype(np.float64)
    return (uniq // n).astype(np.int64), (uniq % n).astype(np.int64), a, m


# --------------------------------------------------------------------------------------------
# Fit
# --------------------------------------------------------------------------------------------


def _sigmoid(x: FloatArray) -> FloatArray:
    # Written via tanh so that it neither overflows nor loses precision for large |x|.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass(frozen=True)
class _Evaluation:
    """Log-posterior at θ with its gradient, the pair curvature weights p(1−p)·m and the
    diagonal of the negative Hessian."""

    objective: float
    grad: FloatArray
    pair_weights: FloatArray
    diag: FloatArray


def _evaluate(
    theta: FloatArray, lo: IntArray, hi: IntArray, a: FloatArray, m: FloatArray, alpha: float
) -> _Evaluation:
    n = theta.shape[0]
    d = theta[lo] - theta[hi]
    # One exp serves both log(1 + e^d) and σ(d), computed without overflow for large |d|.
    e = np.exp(-np.abs(d))
    q = 1.0 / (1.0 + e)
    p = np.where(d >= 0.0, q, e * q)  # σ(d)
    softplus = np.maximum(d, 0.0) + np.log1p(e)  # log(1 + e^d)
    # a·log σ(d) + (m − a)·log σ(−d) = a·d − m·log(1 + e^d)
    ll = float(np.sum(a * d - m * softplus))
    prior = -alpha * float(np.sum(np.logaddexp(0.0, -theta) + np.logaddexp(0.0, theta)))
    r = a - m * p
    s = _sigmoid(theta)
    grad = (
        np.bincount(lo, weights=r, minlength=n)
        - np.bincount(hi, weights=r, minlength=n)
        + alpha * (1.0 - 2.0 * s)
    ).astype(np.float64)
    w = m * p * (1.0 - p)
    diag = (
        np.bincount(lo, weights=w, minlength=n)
        + np.bincount(hi, weights=w, minlength=n)
        + 2.0 * alpha * s * (1.0 - s)
    ).astype(np.float64)
    return _Evaluation(ll + prior, grad, w, diag)


def _dense_hessian(
    n: int, lo: IntArray, hi: IntArray, w: FloatArray, diag: FloatArray
) -> FloatArray:
    # Scatter into the flat buffer: cheaper than two-dimensional fancy indexing.
    h = np.zeros(n * n, dtype=np.float64)
    h[lo * n + hi] = -w
    h[hi * n + lo] = -w
    h[:: n + 1] = diag
    return h.reshape(n, n)


def _sparse_hessian(n: int, lo: IntArray, hi: IntArray, w: FloatArray, diag: FloatArray) -> object:
    rows = np.concatenate([lo, hi, np.arange(n)])
    cols = np.concatenate([hi, lo, np.arange(n)])
    vals = np.concatenate([-w, -w, diag])
    return scipy.sparse.csr_matrix((vals, (rows, cols)), shape=(n, n))


def _newton_step(
    dense: bool, n: int, lo: IntArray, hi: IntArray, w: FloatArray, diag: FloatArray, g: FloatArray
) -> tuple[FloatArray, tuple[FloatArray, bool] | None]:
    """Solve H·step = g; also return the Cholesky factor (dense case) for the covariance."""
    if dense:
        h = _dense_hessian(n, lo, hi, w, diag)
        factor = scipy.linalg.cho_factor(h, lower=True, overwrite_a=True, check_finite=False)
        step = scipy.linalg.cho_solve(factor, g, check_finite=False)
        return np.asarray(step, dtype=np.float64), factor
    h_sp = _sparse_hessian(n, lo, hi, w, diag)
    # Jacobi preconditioner: the matrix is a weighted Laplacian plus a positive diagonal, so
    # scaling by the diagonal removes most of the spread in its eigenvalues.
    precond = scipy.sparse.diags(1.0 / diag)
    x, _info = scipy.sparse.linalg.cg(h_sp, g, rtol=1e-10, atol=0.0, maxiter=10 * n, M=precond)
    return np.asarray(x, dtype=np.float64), None


def _inverse_from_cholesky(factor: tuple[FloatArray, bool]) -> FloatArray:
    """Σ = H⁻¹ from H's lower Cholesky factor (LAPACK potri: about half the work of solving
    against the identity)."""
    c = np.asarray(factor[0], dtype=np.float64)
    inv, info = scipy.linalg.lapack.dpotri(c, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"dpotri failed with info={info}")
    lower = np.tril(inv)
    return np.asarray(lower + np.tril(lower, -1).T, dtype=np.float64)


def _mean_win_probability(theta: FloatArray, x: FloatArray, self_theta: FloatArray) -> FloatArray:
    """mean_{j≠i} σ(x_i − θ_j) for each i, where θ_i = ``self_theta[i]`` is left out.

    F(x) = mean_j σ(x − θ_j) over *all* j is smooth and monotone, so we evaluate it exactly on a
    fine grid (step ≤ 0.01, interpolation error < 1e-5) and interpolate: O(n·grid) instead of
    O(n²), which keeps 10⁴+ ideas cheap.
    """
    n = theta.shape[0]
    if n < 2:
        return np.full(x.shape, 0.5)
    lo_x = float(min(x.min(), theta.min())) - 1.0
    hi_x = float(max(x.max(), theta.max())) + 1.0
    n_grid = int(min(max(np.ceil((hi_x - lo_x) / 0.01), 2), 20_000)) + 1
    grid = np.linspace(lo_x, hi_x, n_grid)
    f = np.empty(n_grid)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, n_grid, chunk):
        g = grid[start : start + chunk]
        f[start : start + chunk] = _sigmoid(g[:, None] - theta[None, :]).mean(axis=1)
    total = np.interp(x, grid, f) * n
    return np.asarray((total - _sigmoid(x - self_theta)) / (n - 1), dtype=np.float64)


def fit_bradley_terry(
    n_items: int,
    winners: ArrayLike,
    losers: ArrayLike,
    ties: ArrayLike | None = None,
    *,
    prior_strength: float = 2.0,
    level: float = 0.95,
    min_comparisons: int = 5,
    max_half_width: float = 1.0,
    tol: float = 1e-6,
    max_iter: int = 100,
    method: Literal["auto", "dense", "sparse"] = "auto",
) -> PairwiseFit:
    """Fit a Bradley–Terry model (MAP, virtual-comparison prior) with Laplace intervals.

    Args:
        n_items: number of ideas; indices run 0..n_items−1. Ideas without votes are allowed.
        winners, losers: one entry per vote, the chosen and the rejected idea.
        ties: optional boolean per vote; True means "can't decide" (order of the pair is then
            irrelevant). A tie counts as half a win for each idea.
        prior_strength: α > 0, virtual wins and virtual losses per idea against an average
            idea (a Beta(α, α) prior on its chance to beat it); see the module docstring.
        level: confidence level of the intervals, in (0, 1).
        min_comparisons, max_half_width: the ``needs_more_votes`` rule: an idea needs more votes
            when it took part in fewer than ``min_comparisons`` votes **or** the half-width of
            its score interval exceeds ``max_half_width`` (log-odds units; 1.0 means its odds of
            beating an average idea are known only to within a factor e ≈ 2.7 either way,
            which for an idea of average strength takes about 12 votes at 95 % with α = 2).
        tol: stop after a full Newton step whose largest component is below ``tol``; by
            quadratic convergence θ is then accurate to about ``tol²``.
        max_iter: cap on Newton iterations.
        method: linear algebra, "dense" (Cholesky, exact intervals), "sparse" (conjugate
            gradients, diagonal-approximation intervals) or "auto" (dense up to DENSE_LIMIT).

    Raises:
        ValueError: on indices that are negative or ≥ n_items, non-integer indices, mismatched
            lengths, a vote with winner == loser, or invalid options.
    """
    w, loser_arr, t = _validate_votes(n_items, winners, losers, ties)
    n = int(n_items)
    if not prior_strength > 0 or not np.isfinite(prior_strength):
        raise ValueError(f"prior_strength must be a positive number, got {prior_strength}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if max_iter < 1 or not tol > 0:
        raise ValueError(f"need max_iter >= 1 and tol > 0, got {max_iter} and {tol}")
    if method not in ("auto", "dense", "sparse"):
        raise ValueError(f"method must be 'auto', 'dense' or 'sparse', got {method!r}")
    alpha = float(prior_strength)
    dense = method == "dense" or (method == "auto" and n <= DENSE_LIMIT)
    with _blas_single_thread(n):
        return _fit(
            n, w, loser_arr, t, alpha, dense, level, min_comparisons, max_half_width, tol, max_iter
        )


def _fit(
    n: int,
    w: IntArray,
    loser_arr: IntArray,
    t: BoolArray,
    alpha: float,
    dense: bool,
    level: float,
    min_comparisons: int,
    max_half_width: float,
    tol: float,
    max_iter: int,
) -> PairwiseFit:

    if n == 0:
        empty = np.zeros(0, dtype=np.float64)
        return PairwiseFit(
            score=empty,
            score_low=empty,
            score_high=empty,
            win_probability=empty,
            win_probability_low=empty,
            win_probability_high=empty,
            wins=empty,
            losses=empty,
            n_comparisons=np.zeros(0, dtype=np.int64),
            needs_more_votes=np.zeros(0, dtype=np.bool_),
            theta=empty,
            theta_variance=empty,
            covariance=np.zeros((0, 0)),
            level=level,
            iterations=0,
            converged=True,
        )
    lo, hi, a, m = _aggregate_pairs(n, w, loser_arr, t)
    wins, losses, n_cmp = _tally(n, lo, hi, a, m)

    # Start from the smoothed log win/loss ratio: the exact answer when every idea met only
    # average opponents, and usually within a step or two of the MAP.
    theta = np.log((wins + alpha) / (losses + alpha))
    ev = _evaluate(theta, lo, hi, a, m, alpha)
    converged = False
    iterations = 0
    factor: tuple[FloatArray, bool] | None = None
    for iterations in range(1, max_iter + 1):  # noqa: B007 - used after the loop
        step, factor = _newton_step(dense, n, lo, hi, ev.pair_weights, ev.diag, ev.grad)
        # slope = gᵀH⁻¹g is the squared Newton decrement λ² (Boyd & Vandenberghe 2004, "Convex
        # Optimization", §9.5). Armijo backtracking keeps every step an ascent step; the full
        # Newton step is almost always accepted at once. Each candidate's evaluation already
        # holds the gradient and curvature for the next iteration.
        slope = float(ev.grad @ step)
        scale = 1.0
        while True:
            cand = theta + scale * step
            cand_ev = _evaluate(cand, lo, hi, a, m, alpha)
            # Below λ² ~ 1e-8 the objective change is at rounding level and cannot be measured;
            # there the quadratically convergent full step is taken as is.
            if (
                slope <= 1e-8
                or cand_ev.objective >= ev.objective + 1e-4 * scale * slope
                or scale < 1e-10
            ):
                break
            scale *= 0.5
        theta, ev = cand, cand_ev
        # Quadratic convergence: after a full step of size δ the remaining error is O(δ²), so a
        # full step below `tol` (default 1e-6) leaves θ accurate to about 1e-12.
        if scale == 1.0 and float(np.max(np.abs(step), initial=0.0)) < tol:
            converged = True
            break

    covariance: FloatArray | None = None
    if not converged and dense:
        # Curvature at the final point. When converged, the last factor was taken less than
        # `tol` away, which changes the covariance far less than its own approximation error,
        # so it is reused.
        h = _dense_hessian(n, lo, hi, ev.pair_weights, ev.diag)
        factor = scipy.linalg.cho_factor(h, lower=True, overwrite_a=True, check_finite=False)
    if dense and factor is not None:
        covariance = _inverse_from_cholesky(factor)
        theta_var = np.diag(covariance).copy()
        # Var(θ_i − mean θ) = Σ_ii − 2·mean_j Σ_ij + mean(Σ)
        row_mean = covariance.mean(axis=1)
        score_var = theta_var - 2.0 * row_mean + float(row_mean.mean())
    else:
        theta_var = 1.0 / ev.diag
        # Diagonal approximation: Var(θ_i − mean) ≈ (1 − 2/n)·v_i + mean(v)/n.
        n_safe = max(n, 1)
        score_var = (1.0 - 2.0 / n_safe) * theta_var + float(theta_var.sum()) / n_safe**2
    score_sd = np.sqrt(np.maximum(score_var, 0.0))

    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    center = float(theta.mean())
    score = theta - center
    half = z * score_sd
    win_p = _mean_win_probability(theta, theta, theta) * 100.0
    win_lo = _mean_win_probability(theta, theta - half, theta) * 100.0
    win_hi = _mean_win_probability(theta, theta + half, theta) * 100.0

    needs_more = (n_cmp < min_comparisons) | (half > max_half_width)
    return PairwiseFit(
        score=score,
        score_low=score - half,
        score_high=score + half,
        win_probability=win_p,
        win_probability_low=win_lo,
        win_probability_high=win_hi,
        wins=wins,
        losses=losses,
        n_comparisons=n_cmp,
        needs_more_votes=needs_more,
        theta=theta,
        theta_variance=theta_var,
        covariance=covariance,
        level=level,
        iterations=iterations,
        converged=converged,
    )


def aoi_score(
    n_items: int, winners: ArrayLike, losers: ArrayLike, ties: ArrayLike | None = None
) -> FloatArray:
    """All Our Ideas' score: (wins + 1) / (wins + losses + 2) · 100.

    Source: Salganik & Levy 2015, "Wiki Surveys: Open and Quantifiable Social Data Collection",
    PLoS ONE 10(5) — the estimated chance that the idea beats a randomly chosen other idea, with
    Laplace's +1/+2 smoothing. All Our Ideas records "I can't decide" as a skip, so ties are
    ignored here. The same input checks as :func:`fit_bradley_terry` apply.
    """
    w, loser_arr, t = _validate_votes(n_items, winners, losers, ties)
    keep = ~t
    n = int(n_items)
    won = np.bincount(w[keep], minlength=n).astype(np.float64)
    lost = np.bincount(loser_arr[keep], minlength=n).astype(np.float64)
    return np.asarray((won + 1.0) / (won + lost + 2.0) * 100.0, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Adaptive choice of the next pair
# --------------------------------------------------------------------------------------------


def next_pair(
    fit: PairwiseFit,
    rng: np.random.Generator | int | None = None,
    *,
    answered: Iterable[tuple[int, int]] | None = None,
    max_candidates: int = 20_000,
    top_k: int = 10,
) -> tuple[int, int] | None:
    """Choose the next pair to show a participant: the one whose answer is expected to teach most.

    Utility of pair (i, j): the expected information gain (in nats) about the parameters from one
    more vote, under the Laplace posterior. One vote adds Fisher information ``p(1−p)·c cᵀ`` with
    ``c = e_i − e_j`` and ``p = σ(θ_i − θ_j)``; the entropy of a Gaussian posterior then drops by

        U(i, j) = ½ · log(1 + p(1−p) · Var(θ_i − θ_j))

    (rank-one update of the precision; e.g. Chaloner & Verdinelli 1995, "Bayesian experimental
    design: a review", Statist. Sci. 10(3), on D-optimality). U is large when the two ideas are
    close (p ≈ ½) *and* their difference is uncertain, which is exactly where a vote can change
    the ranking. Var(θ_i − θ_j) = Σ_ii + Σ_jj − 2Σ_ij, with Σ_ij = 0 when the fit has no full
    covariance.

    Candidates are all pairs when there are at most ``max_candidates`` of them, else
    ``max_candidates`` pairs drawn at random. Pairs in ``answered`` (either order) are skipped.
    The pair is drawn from the ``top_k`` best candidates with probability proportional to U, so
    that concurrent participants do not all see the same pair; with a seeded generator (or an
    int seed) the choice is deterministic. The order within the pair is random too, so neither
    side of the screen is favoured.

    Returns ``None`` when every pair has been answered.

    Raises:
        ValueError: when there are fewer than two ideas, or on invalid options / answered pairs.
    """
    n = fit.n_items
    if n < 2:
        raise ValueError(f"need at least two ideas to form a pair, got {n}")
    if max_candidates < 1 or top_k < 1:
        raise ValueError("max_candidates and top_k must be at least 1")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)

    answered_keys = np.zeros(0, dtype=np.int64)
    if answered is not None:
        pairs = np.asarray(list(answered), dtype=np.int64).reshape(-1, 2)
        if pairs.size and ((pairs < 0).any() or (pairs >= n).any()):
            raise ValueError(f"answered pairs must hold idea indices in 0..{n - 1}")
        if (pairs[:, 0] == pairs[:, 1]).any():
            raise ValueError("an answered pair holds the same idea twice")
        lo = np.minimum(pairs[:, 0], pairs[:, 1])
        hi = np.maximum(pairs[:, 0], pairs[:, 1])
        answered_keys = np.unique(lo * n + hi)

    total_pairs = n * (n - 1) // 2
    if answered_keys.size >= total_pairs:
        return None

    if total_pairs <= max_candidates:
        i, j = np.triu_indices(n, k=1)
        i = i.astype(np.int64)
        j = j.astype(np.int64)
    else:
        # Random candidates; i < j after sorting, i ≠ j by construction.
        i = gen.integers(0, n, size=max_candidates, dtype=np.int64)
        j = gen.integers(0, n - 1, size=max_candidates, dtype=np.int64)
        j = np.where(j >= i, j + 1, j)
        i, j = np.minimum(i, j), np.maximum(i, j)
    keys = i * n + j
    if answered_keys.size:
        keep = ~np.isin(keys, answered_keys)
        i, j, keys = i[keep], j[keep], keys[keep]
        if i.size == 0:
            # Every sampled candidate was answered already (only possible with many answers):
            # fall back to all unanswered pairs.
            ii, jj = np.triu_indices(n, k=1)
            all_keys = ii.astype(np.int64) * n + jj
            rest = all_keys[~np.isin(all_keys, answered_keys)]
            if rest.size == 0:
                return None
            i, j = rest // n, rest % n

    theta = fit.theta
    p = _sigmoid(theta[i] - theta[j])
    var_d = fit.theta_variance[i] + fit.theta_variance[j]
    if fit.covariance is not None:
        var_d = var_d - 2.0 * fit.covariance[i, j]
    utility = 0.5 * np.log1p(p * (1.0 - p) * np.maximum(var_d, 0.0))

    k = min(top_k, utility.shape[0])
    # Random tie-break before ranking, so equal utilities (e.g. before any vote) do not always
    # favour low indices.
    order = gen.permutation(utility.shape[0])
    top = order[np.argsort(-utility[order], kind="stable")[:k]]
    weights = utility[top]
    probs = weights / weights.sum() if weights.sum() > 0 else None
    pick = int(top[gen.choice(k, p=probs)])
    first, second = int(i[pick]), int(j[pick])
    if gen.random() < 0.5:
        first, second = second, first
    return first, second
