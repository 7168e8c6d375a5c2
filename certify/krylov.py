"""Restarted GMRES with block Gram-Schmidt, for the large sparse solves of the main job.

GMRES(m) (Saad and Schultz, SIAM J. Sci. Stat. Comput. 7(3), 1986) minimises the 2-norm
residual over the Krylov space of each cycle.  The basis is orthogonalised by classical
Gram-Schmidt applied twice ("CGS2"; Giraud, Langou and Rozloznik, Comput. Math. Appl. 50,
2005: as stable as modified Gram-Schmidt, in two matrix-vector products with the basis),
and the small least-squares problem is kept triangular by Givens rotations, so each step
costs one operator application and four BLAS-2 calls; no Python loop runs over the
vector's length.  Used by :mod:`certify.mdp.qstar` and :mod:`certify.algorithms.qlearning.perron_direct`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def gmres(matvec: Callable[[np.ndarray], np.ndarray], b: np.ndarray,
          x0: np.ndarray | None = None, rtol: float = 1e-12, atol: float = 0.0,
          restart: int = 30, max_cycles: int = 50) -> tuple[np.ndarray, bool, int]:
    """Solve A x = b by restarted GMRES.

    Parameters
    ----------
    matvec : callable
        x -> A x.
    b : array (n,)
    x0 : array (n,), optional
        Starting guess (warm start).
    rtol, atol : float
        Stop when ||b - A x||_2 <= max(rtol ||b||_2, atol) (the true residual, recomputed
        at the start of every cycle).
    restart : int
        Krylov dimension per cycle.
    max_cycles : int

    Returns
    -------
    x : array (n,)
    converged : bool
    n_matvec : int
        Operator applications.
    """
    b = np.asarray(b, dtype=float)
    n = b.shape[0]
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float)
    target = max(rtol * float(np.linalg.norm(b)), atol)
    m = max(1, min(restart, n))
    V = np.empty((m + 1, n))
    count = 0
    for _ in range(max_cycles):
        r = b - matvec(x)
        count += 1
        beta = float(np.linalg.norm(r))
        if beta <= target or beta == 0.0:
            return x, True, count
        V[0] = r / beta
        H = np.zeros((m + 1, m))
        cs: list[float] = []
        sn: list[float] = []
        g = [beta]
        k = m
        for j in range(m):
            w = matvec(V[j])
            count += 1
            basis = V[: j + 1]
            h = basis @ w
            w = w - h @ basis
            h2 = basis @ w
            w = w - h2 @ basis
            hn = float(np.linalg.norm(w))
            col = (h + h2).tolist()
            col.append(hn)
            for i in range(j):  # the previous Givens rotations, on Python floats
                a, b_ = col[i], col[i + 1]
                col[i], col[i + 1] = cs[i] * a + sn[i] * b_, -sn[i] * a + cs[i] * b_
            denom = math.hypot(col[j], col[j + 1])
            if denom == 0.0:
                k = j
                break
            c_j, s_j = col[j] / denom, col[j + 1] / denom
            cs.append(c_j)
            sn.append(s_j)
            col[j], col[j + 1] = denom, 0.0
            H[: j + 2, j] = col
            g.append(-s_j * g[j])
            g[j] = c_j * g[j]
            if hn == 0.0 or abs(g[j + 1]) <= 0.5 * target:
                k = j + 1
                break
            V[j + 1] = w / hn
        if k == 0:
            break
        y = np.zeros(k)
        for i in range(k - 1, -1, -1):  # back substitution on the triangular H
            y[i] = (g[i] - H[i, i + 1:k] @ y[i + 1:]) / H[i, i]
        x = x + y @ V[:k]
    r = b - matvec(x)
    count += 1
    return x, bool(np.linalg.norm(r) <= target), count


def bicgstab(matvec: Callable[[np.ndarray], np.ndarray], b: np.ndarray,
             x0: np.ndarray | None = None, rtol: float = 1e-12, atol: float = 0.0,
             max_iter: int = 1000) -> tuple[np.ndarray, bool, int]:
    """Solve A x = b by BiCGSTAB (van der Vorst, SIAM J. Sci. Stat. Comput. 13(2), 1992).

    Two operator applications and a fixed number of vector operations per step (no basis
    to orthogonalise).  Same stopping rule and returns as :func:`gmres`; a breakdown
    (rho or omega = 0) returns ``converged=False`` unless the residual is already small.
    """
    b = np.asarray(b, dtype=float)
    n = b.shape[0]
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float)
    target = max(rtol * float(np.linalg.norm(b)), atol)
    r = b - matvec(x)
    count = 1
    if float(np.linalg.norm(r)) <= target:
        return x, True, count
    r_hat = r.copy()
    rho = alpha = omega = 1.0
    v = np.zeros(n)
    p = np.zeros(n)
    for _ in range(max_iter):
        rho_new = float(r_hat @ r)
        if rho_new == 0.0 or omega == 0.0:
            break
        beta = (rho_new / rho) * (alpha / omega)
        rho = rho_new
        p = r + beta * (p - omega * v)
        v = matvec(p)
        count += 1
        denom = float(r_hat @ v)
        if denom == 0.0:
            break
        alpha = rho / denom
        s = r - alpha * v
        if float(np.linalg.norm(s)) <= target:
            x = x + alpha * p
            r = s
            break
        t = matvec(s)
        count += 1
        tt = float(t @ t)
        omega = float(t @ s) / tt if tt > 0 else 0.0
        x = x + alpha * p + omega * s
        r = s - omega * t
        if float(np.linalg.norm(r)) <= target:
            break
    r = b - matvec(x)
    count += 1
    return x, bool(np.linalg.norm(r) <= target), count
