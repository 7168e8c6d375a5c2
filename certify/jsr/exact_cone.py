"""Search for an :class:`~certify.certificates.algebraic_polytope.AlgebraicPolytopeCertificate`.

For a nonnegative family and an s.m.p. candidate word w with Perron root lambda of A_w,
the rate rho = lambda^(1/|w|) is algebraic: a root of m(x) = f(x^|w|), f the irreducible
factor of det(x I - A_w) vanishing at lambda (:func:`certify.exact.algebraic.minimal_rate`).
The eigenvector is exact: a column of adj(lambda I - A_w) = sum_j lambda^(n-1-j) C_j,
C_0 = I, C_j = A_w C_{j-1} + c_j I (Faddeev-LeVerrier; c_j the characteristic
polynomial's coefficients), a polynomial in lambda = rho^|w|.

The cone itself is found in floating point (Guglielmi and Protasov 2016, the positive
polytope algorithm): images B_i x of vertices (B_i = A_i / rho) that are not strictly
inside the current cone (LP gauge > 1 - ``STRICT``) become vertices, an image equal to a
vertex gets that vertex's unit column, and for the others the LP's coefficients are
rounded to rationals and scaled to sum exactly 1, which leaves a relative margin of
about ``STRICT`` on every positive coordinate.  Nothing is accepted here: the exact check
of the certificate decides.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from certify.certificates.algebraic_polytope import AlgebraicPolytopeCertificate
from certify.certificates.product_word import exact_word_product
from certify.exact import rationalize
from certify.exact.algebraic import RealAlgebraic, minimal_rate
from certify.exact.polynomials import dominant_root_region
from certify.families.matrix import Family
from certify.jsr.polytope import _gauge
from certify.jsr.products import word_product

STRICT = 1e-7
SAME = 1e-9


def exact_eigenvector(p: np.ndarray, coeffs: list[Fraction], rate: RealAlgebraic, k: int,
                      col: int) -> np.ndarray:
    """Column ``col`` of adj(lambda I - P) with lambda = rho^k, as an (n, D) Fraction array."""
    n, D = p.shape[0], rate.degree
    lam_num, lam_den = rate.power_x(k)
    lam = np.array([Fraction(int(c), lam_den) for c in lam_num], dtype=object)
    powers = [np.array([Fraction(1)] + [Fraction(0)] * (D - 1), dtype=object)]
    for _ in range(n - 1):  # lambda^j in Q(rho)
        powers.append(_mul_lambda(rate, powers[-1], lam))
    out = np.array([[Fraction(0)] * D for _ in range(n)], dtype=object)
    C = np.array([[Fraction(int(i == j)) for j in range(n)] for i in range(n)], dtype=object)
    for j in range(n):
        if j > 0:
            C = p.dot(C)
            for i in range(n):
                C[i, i] += coeffs[j]
        out = out + np.outer(C[:, col], powers[n - 1 - j])
    return out


def _den(v: np.ndarray) -> int:
    import math

    d = 1
    for x in v:
        d = d * x.denominator // math.gcd(d, x.denominator)
    return d


def _mul_lambda(rate: RealAlgebraic, a: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """a * lambda in Q(rho): sum_t lam_t x^t a, each x-multiplication reduced modulo m."""
    D = rate.degree
    acc = np.array([Fraction(0)] * D, dtype=object)
    den = _den(a)
    cur = (np.array([int(x * den) for x in a], dtype=object), den)
    for t in range(D):
        if lam[t] != 0:
            acc = acc + np.array([Fraction(int(c), cur[1]) for c in cur[0]], dtype=object) * lam[t]
        cur = rate.times_x(*cur)
    return acc


def _float_vector(v: np.ndarray, rho: float) -> np.ndarray:
    pw = rho ** np.arange(v.shape[1])
    return np.array([sum(float(c) * p for c, p in zip(row, pw, strict=True)) for row in v])


def exact_cone_search(family: Family, word: tuple[int, ...], max_vertices: int = 300,
                      deadline: float | None = None) -> AlgebraicPolytopeCertificate | None:
    """An exact-value certificate JSR = rho(A_w)^(1/|w|) for a nonnegative family, or None."""
    mats = family.float_matrices()
    exact = family.exact_matrices()
    if any((a < 0).any() for a in mats):
        return None
    k = len(word)
    prod = exact_word_product(exact, word)
    poly, region = dominant_root_region(prod)
    if not region.is_real or region.re_lo <= 0:
        return None
    pf = word_product(mats, word)
    ev, left = np.linalg.eig(pf.T)
    i_top = int(np.argmax(np.abs(ev)))
    rho = float(abs(ev[i_top])) ** (1.0 / k)
    rate = minimal_rate(poly, region.re_lo, region.re_hi, k, rho)
    if rate is None:
        return None
    col = int(np.argmax(np.abs(left[:, i_top])))
    coeffs = [Fraction(int(c.p), int(c.q)) for c in poly.all_coeffs()]
    v = exact_eigenvector(prod, coeffs, rate, k, col)
    vf = _float_vector(v, rho)
    if vf.sum() < 0:
        v, vf = -v, -vf
    if not np.isfinite(vf).all() or vf.max() <= 0:
        return None
    scale = vf.max()
    B = [a / rho for a in mats]
    verts = [vf / scale]
    parents: list[tuple[int, int]] = []
    columns: dict[tuple[int, int], tuple] = {}
    todo = [0]
    while todo:
        j = todo.pop(0)
        for i, b in enumerate(B):
            if deadline is not None and time.perf_counter() > deadline:
                return None
            u = b @ verts[j]
            V = np.array(verts).T
            same = np.abs(V - u[:, None]).max(axis=0) <= SAME * max(np.abs(u).max(), 1e-300)
            if same.any():
                columns[(i, j)] = ((int(np.argmax(same)), Fraction(1)),)
                continue
            t, c = _gauge(V, u, "cone")
            if c is not None and t < 1 - STRICT:
                columns[(i, j)] = _rational_column(c)
                continue
            if len(verts) >= max_vertices:
                return None
            verts.append(u)
            parents.append((j, i))
            columns[(i, j)] = ((len(verts) - 1, Fraction(1)),)
            todo.append(len(verts) - 1)
    N = len(verts)
    cols = tuple(tuple(columns[(i, j)] for j in range(N)) for i in range(len(mats)))
    info = {"method": "polytope", "search": "float positive-polytope algorithm, LP by scipy-highs",
            "vertices": N, "strict_margin": STRICT}
    return AlgebraicPolytopeCertificate(family, rate, tuple(word), v, tuple(parents), cols, info)


def _rational_column(c: np.ndarray) -> tuple[tuple[int, Fraction], ...]:
    c = np.where(c > 1e-14 * max(c.max(), 1e-300), c, 0.0)
    q = rationalize(c, 10**12)
    total = sum(q)
    if total <= 0:
        return ()
    return tuple((int(k), x / total) for k, x in enumerate(q) if x != 0)


__all__ = ["exact_cone_search", "exact_eigenvector"]
