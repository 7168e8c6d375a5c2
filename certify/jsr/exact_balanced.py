"""Search for an :class:`~certify.certificates.algebraic_balanced.AlgebraicBalancedCertificate`.

For a family of any signs and an s.m.p. candidate word w whose product A_w has a real
simple leading eigenvalue lambda (negative: w is doubled), the rate rho = |lambda|^(1/|w|)
is algebraic: a root of m(x) = f(x^|w|), f the irreducible factor of det(x I - A_w)
vanishing at lambda, and m is replaced by its irreducible factor vanishing at rho, so
Q(rho) = Q[x]/(m) is a field.  The leading eigenvector is exact
(:func:`certify.jsr.exact_cone.exact_eigenvector`).

The polytope is found in floating point (Guglielmi and Protasov, Found. Comput. Math. 13,
2013, Algorithm 1 with balanced hulls): images B_i x (B_i = A_i / rho) of vertices that
are not strictly inside the current absolutely convex hull (LP gauge > 1 - ``STRICT``)
become vertices; an image equal to +-(a vertex) gets that signed unit column.  For the
other images the LP coefficients of the vertices outside a basis W of n vertices are
rounded to rationals and the basis coefficients are solved exactly over Q(rho),
c_W = W^(-1) (A_i v_j / rho - sum c_k v_k), so the identity A_i v_j = rho V c holds
exactly and sum |c| stays about 1 - ``STRICT``.  Nothing is accepted here: the exact
check of the certificate decides.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import sympy as sp

from certify.certificates.algebraic_balanced import (
    AlgebraicBalancedCertificate,
    add,
    build_vertices,
)
from certify.certificates.product_word import exact_word_product
from certify.exact import rationalize
from certify.exact.algebraic import RealAlgebraic, apply, int_matrix, minimal_rate
from certify.exact.polynomials import X, dominant_root_region
from certify.families.matrix import Family
from certify.jsr.exact_cone import _float_vector, exact_eigenvector
from certify.jsr.polytope import _gauge
from certify.jsr.products import word_product

STRICT = 1e-7
SAME = 1e-9
MAX_DIM = 12
MAX_PAD = 2


def field_rate(rate: RealAlgebraic) -> RealAlgebraic:
    """The same rho with m replaced by its irreducible factor vanishing at rho."""
    lo, hi = sp.Rational(rate.lo), sp.Rational(rate.hi)
    for g, _ in rate.sympy_poly().factor_list()[1]:
        if g.count_roots(lo, hi) >= 1:
            g = g.monic()
            coeffs = tuple(Fraction(int(c.p), int(c.q)) for c in reversed(g.all_coeffs()))
            return RealAlgebraic(coeffs, rate.lo, rate.hi)
    return rate


def _leading(family: Family, word: tuple[int, ...]):
    """(word, charpoly, region) with a real positive simple leading eigenvalue, or None."""
    exact = family.exact_matrices()
    for w in (tuple(word), tuple(word) * 2):
        poly, region = dominant_root_region(exact_word_product(exact, w))
        if not region.is_real:
            return None
        if region.re_lo > 0:
            return w, poly, region
    return None


def balanced_search(family: Family, word: tuple[int, ...], max_vertices: int = 150,
                    deadline: float | None = None) -> AlgebraicBalancedCertificate | None:
    """An exact-value certificate JSR = rho(A_w)^(1/|w|) by a balanced polytope, or None."""
    if family.dim > MAX_DIM:
        return None
    lead = _leading(family, word)
    if lead is None:
        return None
    word, poly, region = lead
    mats = family.float_matrices()
    k = len(word)
    pf = word_product(mats, word)
    ev, left = np.linalg.eig(pf.T)
    i_top = int(np.argmax(np.abs(ev)))
    rho = float(abs(ev[i_top])) ** (1.0 / k)
    if not rho > 0:
        return None
    rate0 = minimal_rate(poly, region.re_lo, region.re_hi, k, rho)
    if rate0 is None:
        return None
    rate = field_rate(rate0)
    col = int(np.argmax(np.abs(left[:, i_top])))
    coeffs = [Fraction(int(c.p), int(c.q)) for c in poly.all_coeffs()]
    prod = exact_word_product(family.exact_matrices(), word)
    v = exact_eigenvector(prod, coeffs, rate, k, col)
    vf = _float_vector(v, rho)
    if not np.isfinite(vf).all() or np.abs(vf).max() <= 0:
        return None
    sc = float(np.abs(vf).max())
    B = [a / rho for a in mats]
    extra: list[np.ndarray] = []  # exact (n, D) padding vertices
    for pad in range(MAX_PAD + 1):
        floats = [vf / sc] + [_float_vector(e, rho) / sc for e in extra]
        grown = _grow(B, floats, max_vertices, deadline)
        if grown is None:
            return None
        verts, parents, unit = grown
        V = np.array(verts).T
        rank = np.linalg.matrix_rank(V)
        if rank == family.dim:
            break
        if pad == MAX_PAD:
            return None
        # the orbit spans a common invariant subspace: pad with small multiples of a complement
        _, _, vt = np.linalg.svd(V.T)
        size = 10.0 ** (-2 * (pad + 1))
        for e in vt[rank:]:
            q = rationalize(size * sc * e / np.abs(e).max(), 10**6)
            extra.append(np.array([[x] + [Fraction(0)] * (rate.degree - 1) for x in q], dtype=object))
    N = V.shape[1]
    basis = _basis(V)
    cols = _exact_columns(family, rate, v, parents, unit, V, basis, deadline, tuple(extra))
    if cols is None:
        return None
    info = {"method": "polytope", "search": "float balanced polytope algorithm, LP by scipy-highs, "
            "basis coefficients solved over Q(rho)", "vertices": N, "strict_margin": STRICT,
            "padding": len(extra)}
    return AlgebraicBalancedCertificate(family, rate, tuple(word), v, tuple(parents), tuple(basis),
                                        cols, info, tuple(extra))


def _grow(B: list[np.ndarray], start: list[np.ndarray], max_vertices: int, deadline: float | None):
    """The float balanced polytope algorithm from the vertices ``start`` (v_0 first)."""
    verts = list(start)
    parents: list[tuple[int, int]] = []
    unit: dict[tuple[int, int], tuple[int, int]] = {}
    todo = list(range(len(verts)))
    while todo:
        j = todo.pop(0)
        for i, b in enumerate(B):
            if deadline is not None and time.perf_counter() > deadline:
                return None
            u = b @ verts[j]
            V = np.array(verts).T
            scale = SAME * max(np.abs(u).max(), 1e-300)
            hit = None
            for sgn in (1, -1):
                same = np.abs(V - sgn * u[:, None]).max(axis=0) <= scale
                if same.any():
                    hit = (int(np.argmax(same)), sgn)
                    break
            if hit is not None:
                unit[(i, j)] = hit
                continue
            t, _ = _gauge(V, u, "symmetric")
            if t < 1 - STRICT:
                continue
            if len(verts) >= max_vertices:
                return None
            verts.append(u)
            parents.append((j, i))
            unit[(i, j)] = (len(verts) - 1, 1)
            todo.append(len(verts) - 1)
    return verts, parents, unit


def _basis(V: np.ndarray) -> list[int]:
    from scipy.linalg import qr

    _, _, piv = qr(V, pivoting=True)
    return sorted(int(p) for p in piv[: V.shape[0]])


def _exact_columns(family: Family, rate: RealAlgebraic, v: np.ndarray, parents, unit, V: np.ndarray,
                   basis: list[int], deadline: float | None, extra: tuple[np.ndarray, ...] = ()):
    N, D = V.shape[1], rate.degree
    mats = [int_matrix(a) for a in family.exact_matrices()]
    verts = build_vertices(rate, mats, v, parents, extra)
    mono = [Fraction(c) for c in rate.poly]  # m, monic, low to high (irreducible: a field)
    cols_w = []
    for b in basis:
        num, den = verts[b]
        cols_w.append([[Fraction(int(c), den) for c in row] for row in num])
    try:
        Winv = _field_inverse([list(r) for r in zip(*cols_w, strict=True)], mono)
    except sp.polys.polyerrors.NotInvertible:  # m reducible and a pivot a zero divisor
        return None
    if Winv is None:
        return None
    in_basis = {b: r for r, b in enumerate(basis)}
    one = (Fraction(1),) + (Fraction(0),) * (D - 1)
    out = []
    for i, (a_int, a_den) in enumerate(mats):
        cols = []
        for j in range(N):
            if deadline is not None and time.perf_counter() > deadline:
                return None
            if (i, j) in unit:
                k, sgn = unit[(i, j)]
                cols.append(((k, tuple(sgn * c for c in one)),))
                continue
            u = (family.float_matrices()[i] @ V[:, j]) / float(_float_rate(rate))
            t, c = _gauge(V, u, "symmetric")
            if c is None or t >= 1:
                return None
            c = np.where(np.abs(c) > 1e-15 * np.abs(c).max(), c, 0.0)
            q = rationalize(c, 10**12)
            lhs = rate.over_x(*apply(a_int, a_den, *verts[j]))
            terms = [lhs]
            col = []
            for kk in range(N):
                if kk in in_basis or q[kk] == 0:
                    continue
                num, den = verts[kk]
                terms.append((-num * q[kk].numerator, den * q[kk].denominator))
                col.append((kk, (q[kk],) + (Fraction(0),) * (D - 1)))
            rnum, rden = add(terms)
            resid = [[Fraction(int(c), rden) for c in row] for row in rnum]
            for b, r in in_basis.items():
                cb = [Fraction(0)] * D
                for t, e in enumerate(Winv[r]):
                    cb = [x + y for x, y in zip(cb, _mulmod(e, resid[t], mono), strict=True)]
                if any(cb):
                    col.append((b, tuple(cb)))
            cols.append(tuple(sorted(col)))
        out.append(tuple(cols))
    return tuple(out)


def _inv_elem(a: list[Fraction], mono: list[Fraction]) -> list[Fraction]:
    """a^(-1) in Q[x]/(m), m irreducible (extended Euclid on sympy polynomials)."""
    D = len(mono) - 1
    p = sp.Poly([sp.Rational(c.numerator, c.denominator) for c in reversed(a)], X, domain="QQ")
    m = sp.Poly([sp.Rational(c.numerator, c.denominator) for c in reversed(mono)], X, domain="QQ")
    cs = [Fraction(int(c.p), int(c.q)) for c in reversed(p.invert(m).all_coeffs())]
    return cs + [Fraction(0)] * (D - len(cs))


def _field_inverse(W: list[list[list[Fraction]]], mono: list[Fraction]):
    """W^(-1) over Q[x]/(m) by Gauss-Jordan elimination, or None when W is singular."""
    n, D = len(W), len(mono) - 1
    zero, one = [Fraction(0)] * D, [Fraction(1)] + [Fraction(0)] * (D - 1)
    aug = [list(row) + [one if r == c else zero for c in range(n)] for r, row in enumerate(W)]
    for c in range(n):
        piv = next((r for r in range(c, n) if any(aug[r][c])), None)
        if piv is None:
            return None
        aug[c], aug[piv] = aug[piv], aug[c]
        inv = _inv_elem(aug[c][c], mono)
        aug[c] = [_mulmod(inv, e, mono) for e in aug[c]]
        for r in range(n):
            if r != c and any(aug[r][c]):
                f = aug[r][c]
                aug[r] = [[x - y for x, y in zip(e, _mulmod(f, g, mono), strict=True)]
                          for e, g in zip(aug[r], aug[c], strict=True)]
    return [row[n:] for row in aug]


def _mulmod(a, b, mono: list[Fraction]) -> list[Fraction]:
    """(a * b) mod m for coefficient lists (low to high), m monic of degree D."""
    D = len(mono) - 1
    prod = [Fraction(0)] * (2 * D - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                if y:
                    prod[i + j] += x * y
    for d in range(2 * D - 2, D - 1, -1):
        c = prod[d]
        if c:
            for t in range(D + 1):
                prod[d - D + t] -= c * mono[t]
    return prod[:D]


def _float_rate(rate: RealAlgebraic) -> float:
    return (float(rate.lo) + float(rate.hi)) / 2


__all__ = ["balanced_search", "field_rate"]
