"""The largest eigenpairs of a symmetric positive semi-definite operator, in numpy alone.

Thick-restart Lanczos with full reorthogonalisation (Wu & Simon, "Thick-restart Lanczos method
for large symmetric eigenvalue problems", SIAM J. Matrix Anal. Appl. 22(2), 2000; in the
Krylov-Schur form of Stewart, SIAM J. Matrix Anal. Appl. 23(3), 2001). It is what ARPACK's
``eigsh(which="LA")`` does for the opinion map's 2-component PCA, with the same stopping rule
(each wanted Ritz pair's residual ‖Ax − θx‖ ≤ tol·|θ₁|), so the opinion map does not need
scipy: importing it costs more than the whole analysis of a real conversation
(bench/bench_analyze_cli.py).

The basis Q (m × ncv) is orthonormal and W = AQ is kept beside it, so the Rayleigh-Ritz step
is one small dense eigenproblem of QᵀW. On a restart the best ``keep`` Ritz vectors (and their
images) become the start of the new basis, and the next direction is a Ritz residual, which
for a Krylov basis is parallel to every other residual (Stewart 2001, §2).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class NoConvergence(ArithmeticError):
    """The wanted Ritz pairs did not reach the tolerance within the restarts allowed."""


def _orthogonalise(q: FloatArray, basis: FloatArray) -> FloatArray:
    # Classical Gram-Schmidt twice ("twice is enough", Giraud et al. 2005).
    for _ in range(2):
        q = q - basis @ (basis.T @ q)
    return q


def top_eigenvectors(
    apply: Callable[[FloatArray], FloatArray],
    v0: FloatArray,
    k: int = 2,
    ncv: int = 24,
    tol: float = 1e-10,
    seed: int = 0,
    max_restarts: int = 1000,
) -> FloatArray:
    """The k eigenvectors of the largest eigenvalues (k × m, unit rows, largest first).

    ``apply(x)`` is A·x for a symmetric A; ``v0`` starts the Krylov space (m entries, not all
    zero); ``ncv`` is the basis size. With ncv ≥ m the basis spans the whole space and the
    result is exact. A breakdown (an invariant subspace, e.g. a matrix of low rank) continues
    from a random direction drawn from ``seed``, so the result is deterministic.
    """
    m = len(v0)
    ncv = min(max(ncv, k + 2), m)
    keep = ncv if ncv == m else max(k + 1, ncv // 2)
    basis = np.zeros((m, ncv))
    image = np.zeros((m, ncv))
    rng = np.random.default_rng(seed)
    q = np.asarray(v0, dtype=np.float64).copy()
    j = 0
    for _ in range(max_restarts):
        while j < ncv:
            start_norm = float(np.linalg.norm(q))
            q = _orthogonalise(q, basis[:, :j])
            size = float(np.linalg.norm(q))
            if size <= 1e-12 * max(start_norm, 1e-300):
                q = _orthogonalise(rng.standard_normal(m), basis[:, :j])
                size = float(np.linalg.norm(q))
            q /= size
            basis[:, j] = q
            image[:, j] = apply(q)
            q = image[:, j].copy()
            j += 1
        h = basis.T @ image
        theta, y = np.linalg.eigh((h + h.T) / 2.0)
        theta, y = theta[::-1], y[:, ::-1]
        ritz = basis @ y[:, :keep]
        ritz_image = image @ y[:, :keep]
        residual = ritz_image - ritz * theta[:keep]
        worst = float(np.linalg.norm(residual[:, :k], axis=0).max())
        if ncv == m or worst <= tol * max(abs(float(theta[0])), 1e-300):
            return np.ascontiguousarray(ritz[:, :k].T)
        basis[:, :keep], image[:, :keep] = ritz, ritz_image
        basis[:, keep:] = 0.0
        image[:, keep:] = 0.0
        j = keep
        q = residual[:, int(np.argmax(np.linalg.norm(residual, axis=0)))].copy()
    raise NoConvergence(f"no convergence in {max_restarts} restarts")
