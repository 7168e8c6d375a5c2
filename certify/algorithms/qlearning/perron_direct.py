"""Perron pair of a member of the direct Q-learning family by inverse iteration.

A member is A_pi = I - alpha M_pi with M_pi = D (I - gamma P S_pi) (theory.md section 3).
When alpha d_max <= 1, A_pi is nonnegative and its Perron root is 1 - alpha mu, where mu is
the eigenvalue of M_pi of smallest real part (M_pi is a nonsingular M-matrix, so mu is real
and positive with a nonnegative eigenvector).  Inverse iteration x <- M_pi^{-1} x converges
to that eigenvector at the rate mu / |mu_2|; on mixing transition graphs the other
eigenvalues of M_pi are far from mu (its row sums are d (1 - gamma)), so a few dozen steps
suffice.  Each step is one solve with M_pi^{-1} = (I - gamma P S_pi)^{-1} D^{-1}, reduced
by the push-through identity (I - gamma P S)^{-1} = I + gamma P (I - gamma S P)^{-1} S to
an |S| x |S| system solved by BiCGSTAB (GMRES as the backup), warm-started from the
previous step's solution.

The iteration stops on the Collatz-Wielandt bracket (Horn and Johnson, Matrix Analysis,
Thm 8.1.26): for x > 0, min_i (A x)_i / x_i <= rho(A) <= max_i (A x)_i / x_i, so the
bracket width measures the accuracy of both the root and the vector directly (the exact
certificates of :mod:`certify.jsr.policy_iteration` re-check it in rationals).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from certify.errors import SolverError
from certify.krylov import bicgstab, gmres

SHIFT = 0.95
RESTART = 20


def direct_perron(P: sp.csr_matrix, d: np.ndarray, alpha: float, gamma: float, k: int,
                  pi: np.ndarray, v0: np.ndarray | None = None, rtol: float = 2e-15,
                  max_iter: int = 300) -> tuple[float, np.ndarray]:
    """Perron root and vector (max entry 1) of A_pi = I - alpha D (I - gamma P S_pi).

    Parameters
    ----------
    P : sparse (n, S)
        Pair-to-next-state transition matrix, n = S k.
    d : array (n,)
        Positive sampling distribution.
    alpha, gamma : float
    k : int
        Actions per state.
    pi : array (S,)
        The member's policy.
    v0 : array (n,), optional
        Starting vector (e.g. the previous member's Perron vector).
    rtol : float
        Stop when the Collatz-Wielandt bracket of rho has width <= rtol * rho.
    max_iter : int

    Raises
    ------
    SolverError
        When the bracket stagnates above the tolerance or an inner solve fails; the caller
        falls back to another eigen-solver.
    """
    n, S = P.shape
    rows = np.arange(S) * k + np.asarray(pi)
    sp_rows = P[rows]  # S_pi P: the chosen pairs' rows, |S| x |S|
    d_min = float(d.min())

    def m_times(x: np.ndarray) -> np.ndarray:
        return d * (x - gamma * (P @ x[rows]))

    x = np.ones(n) if v0 is None else np.maximum(np.asarray(v0, dtype=float), 0.0)
    if not (x > 0).all():
        x = x + 1e-3 * max(float(x.max()), 1e-300)
    x = x / x.max()
    z = None
    best_width = np.inf
    stall = 0
    for _ in range(max_iter):
        mx = m_times(x)
        ratios = mx / x
        lo_mu, hi_mu = float(ratios.min()), float(ratios.max())
        width = alpha * (hi_mu - lo_mu)
        rho = 1.0 - alpha * 0.5 * (lo_mu + hi_mu)
        if width <= rtol * max(rho, 1e-300):
            return rho, x
        if width < 0.5 * best_width:
            best_width, stall = width, 0
        else:
            stall += 1
            if stall >= 6:  # rounding floor reached: the vector is as good as floats allow
                if width <= 1e-11 * max(rho, 1e-300):
                    return rho, x
                raise SolverError(f"inverse iteration stalled at bracket width {width:.3g}")
        # shift sigma <= lo_mu <= mu (Collatz-Wielandt), so M - sigma I stays a nonsingular
        # M-matrix with a nonnegative inverse; the step contracts by (mu - s) / (mu_2 - s)
        sigma = max(0.0, min(SHIFT * lo_mu - 0.05 * (hi_mu - lo_mu), 0.5 * d_min))
        e = d - sigma
        f = (d / e)[rows]
        c = x / e
        inner = min(1e-4, max(1e-14, 1e-3 * (hi_mu - lo_mu) / max(lo_mu, 1e-300)))

        def op(v: np.ndarray, f: np.ndarray = f) -> np.ndarray:
            return v - gamma * f * (sp_rows @ v)

        z_new, ok, _ = bicgstab(op, c[rows], x0=z, rtol=inner, max_iter=1000)
        if not ok:  # BiCGSTAB is the cheaper step; GMRES the steadier backup
            z_new, ok, _ = gmres(op, c[rows], x0=z, rtol=inner, restart=RESTART, max_cycles=60)
        if not ok:
            raise SolverError("inner Krylov solve did not converge")
        z = z_new
        y = c + gamma * (d / e) * (P @ z)
        top = float(y.max())
        if not (np.isfinite(top) and top > 0 and (y > 0).all()):
            raise SolverError("inverse iteration lost positivity")
        x = y / top
        z = z / top
    raise SolverError(f"inverse iteration did not converge in {max_iter} steps")
