"""The invariant polytope algorithm (Guglielmi-Protasov) started from an s.m.p. candidate.

Given a candidate product A_w with rate rho = rho(A_w)^(1/k), the scaled family
B_i = A_i / rho is iterated on the leading eigenvector v of A_w: images B_i x that are not
inside the current polytope (absolute convex hull, or for nonnegative families the
monotone hull of a cone) become new vertices, until every image is inside.  If that
happens, A_i P subset rho P and JSR = rho (N. Guglielmi and V. Protasov, Found. Comput.
Math. 13, 2013; the nonnegative variant: SIAM J. Matrix Anal. Appl. 37, 2016).

The float polytope is then turned into an exact certificate at a rational rate
r = rho (1 + margin): vertices rounded to rationals, membership coefficients from an LP
(scipy's HiGHS), and for the symmetric case corrected exactly through a basis of vertices
so that A_i V = r V C_i holds in rationals.  Only the complex (non-real leading
eigenvalue) case is not handled here.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

from certify.certificates.polytope import PolytopeCertificate
from certify.exact import matmul, rationalize
from certify.families.matrix import Family
from certify.jsr.products import word_product

LP_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def _gauge(V: np.ndarray, u: np.ndarray, mode: str) -> tuple[float, np.ndarray | None]:
    """min sum|c| with V c = u (symmetric) or min sum c, c >= 0, V c >= u (cone)."""
    N = V.shape[1]
    if mode == "symmetric":
        res = linprog(np.ones(2 * N), A_eq=np.hstack([V, -V]), b_eq=u, bounds=(0, None),
                      method="highs", options=LP_OPTIONS)
        if res.status != 0:
            return np.inf, None
        return float(res.fun), res.x[:N] - res.x[N:]
    res = linprog(np.ones(N), A_ub=-V, b_ub=-u, bounds=(0, None), method="highs",
                  options=LP_OPTIONS)
    if res.status != 0:
        return np.inf, None
    return float(res.fun), res.x


def leading_vector(mats: list[np.ndarray], word: tuple[int, ...]) -> np.ndarray | None:
    """Real leading eigenvector of A_w, or None when the leading eigenvalue is not real."""
    ev, vecs = np.linalg.eig(word_product(mats, word))
    i = int(np.argmax(np.abs(ev)))
    if abs(ev[i].imag) > 1e-12 * abs(ev[i]):
        return None
    v = vecs[:, i].real
    return v / np.abs(v).max()


def polytope_search(mats: list[np.ndarray], word: tuple[int, ...], rho: float, mode: str,
                    max_vertices: int = 200, deadline: float | None = None) -> np.ndarray | None:
    """Float vertices (n, N) of an invariant polytope of {A_i / rho}, or None.

    None also when ``rho`` is not a positive finite number: the algorithm scales the family
    by 1/rho, and a candidate of rate 0 (a nilpotent product) has no invariant polytope.
    """
    if not (math.isfinite(rho) and rho > 0):
        return None
    v = leading_vector(mats, word)
    if v is None:
        return None
    if mode == "cone":
        v = np.abs(v)
    B = [a / rho for a in mats]
    verts = [v]
    for j in word[:-1]:
        verts.append(B[j] @ verts[-1])
    todo = list(range(len(verts)))
    while todo:
        x = verts[todo.pop(0)]
        for b in B:
            u = b @ x
            t, _ = _gauge(np.array(verts).T, u, mode)
            if t > 1 + 1e-9:
                verts.append(u)
                todo.append(len(verts) - 1)
                if len(verts) > max_vertices:
                    return None
            if deadline is not None and time.perf_counter() > deadline:
                return None
    V = np.array(verts).T
    if mode == "symmetric" and np.linalg.matrix_rank(V) < V.shape[0]:
        return None
    if mode == "cone" and not (V.sum(axis=1) > 0).all():
        return None
    return V


def _basis(V: np.ndarray) -> list[int]:
    from scipy.linalg import qr

    _, _, piv = qr(V.astype(float), pivoting=True)
    return sorted(int(p) for p in piv[: V.shape[0]])


def _solve_exact(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve a x = b exactly (a square Fraction matrix, b Fraction matrix)."""
    import sympy as sp

    sa = sp.Matrix(a.tolist())
    sb = sp.Matrix(b.tolist())
    x = sa.LUsolve(sb)
    return np.array([[Fraction(int(v.p), int(v.q)) for v in row] for row in x.tolist()],
                    dtype=object)


def polytope_certificate(family: Family, V: np.ndarray, rho: float, mode: str,
                         margin: float = 1e-9, rate: Fraction | None = None) -> PolytopeCertificate | None:
    """Exact certificate at rate r = rho (1 + margin) (or the given rational ``rate``) from
    float vertices (None on failure)."""
    mats = family.float_matrices()
    exact = family.exact_matrices()
    if rate is None:
        rate = Fraction(rho * (1 + margin)).limit_denominator(10**15)
    Vq = rationalize(V, 10**12)
    if mode == "cone":
        Vq = np.vectorize(lambda x: max(x, Fraction(0)), otypes=[object])(Vq)
    Vf = Vq.astype(float)
    coeffs = []
    basis = _basis(Vf) if mode == "symmetric" else None
    for a, ax in zip(mats, exact, strict=True):
        U = matmul(ax, Vq) / rate
        Uf = (a @ Vf) / float(rate)
        C = np.empty((Vq.shape[1], Vq.shape[1]), dtype=object)
        for j in range(Vq.shape[1]):
            t, c = _gauge(Vf, Uf[:, j], mode)
            if c is None or t > 1:
                return None
            C[:, j] = rationalize(np.maximum(c, 0) if mode == "cone" else c, 10**15)
        if mode == "symmetric":
            resid = U - matmul(Vq, C)
            C[basis, :] = C[basis, :] + _solve_exact(Vq[:, basis], resid)
        else:
            C = _repair_cone(Vq, U, C)
            if C is None:
                return None
        coeffs.append(C)
    info = {"solver": "scipy-highs (LP), exact rational re-check", "margin": margin,
            "vertices": int(Vq.shape[1])}
    return PolytopeCertificate(family, Vq, tuple(coeffs), rate, mode, info)


def _repair_cone(V: np.ndarray, U: np.ndarray, C: np.ndarray) -> np.ndarray | None:
    """Scale each column of C up exactly until V c >= u holds (LP feasibility slack)."""
    VC = matmul(V, C)
    for j in range(C.shape[1]):
        worst = Fraction(1)
        for k in range(V.shape[0]):
            if U[k, j] > VC[k, j]:
                if VC[k, j] <= 0:
                    return None
                worst = max(worst, U[k, j] / VC[k, j])
        if worst > 1:
            C[:, j] = C[:, j] * worst
    return C


