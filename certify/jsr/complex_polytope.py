"""Search for a :class:`~certify.certificates.complex_balanced.ComplexBalancedCertificate`.

When the candidate product A_w has a complex leading eigenvalue lambda, the balanced
complex polytope algorithm (Guglielmi and Protasov, Found. Comput. Math. 13, 2013;
Guglielmi and Zennaro, SIAM J. Matrix Anal. Appl. 31, 2009) starts from the leading
eigenvector v (here the exact adjugate column of lambda I - A_w, evaluated in floating
point), adds the chain of w, and iterates B_i = A_i / rho on the vertices: an image whose
complex gauge min{sum |c_k| : V c = u} (a second-order cone program, Clarabel)
is above 1 + ``ADD`` becomes a vertex; the conjugates of v (and of the chain end) are
vertices from the start.  When the vertices span only a common invariant subspace, small
real dyadic vectors completing it are added as padding vertices (sizes 1e-2, 1e-4, 1e-6)
and the iteration goes on from them.  When no image is left outside, the gauges of
the other images are solved again on the final vertex set and rounded to Gaussian
rationals (dyadic, on the non-basis vertices: the exact check solves the basis ones), or
for the interval fallback with a rational approximate inverse of a basis of vertices.
Nothing is accepted here: the certificate's check decides.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from certify.certificates.complex_balanced import (
    ComplexBalancedCertificate,
    faddeev_columns,
    trivial_columns,
)
from certify.certificates.product_word import exact_word_product
from certify.exact.polynomials import dominant_root_region
from certify.families.matrix import Family

ADD = 1e-7
"""An image becomes a vertex when its gauge exceeds 1 + ADD (boundary images must then be
exact: vertices, the eigen-relation, or conjugates)."""
MAX_DIM = 8
MAX_PAD = 3
"""Rounds of padding (vectors of size 1e-2, 1e-4, 1e-6) when the orbit spans a subspace."""


def _gauge(V: np.ndarray, u: np.ndarray) -> tuple[float, np.ndarray | None]:
    """min sum |c_k| subject to V c = u (complex): a second-order cone program for Clarabel.

    Variables x = (t, Re c, Im c); V c = u as 2n real equalities; (t_k, Re c_k, Im c_k) in
    the 3-dimensional second-order cone."""
    import clarabel
    from scipy import sparse

    n, N = V.shape
    Vr, Vi = V.real, V.imag
    eq = sparse.hstack([sparse.csc_matrix((2 * n, N)),
                        sparse.csc_matrix(np.block([[Vr, -Vi], [Vi, Vr]]))])
    rows, cols = [], []
    for k in range(N):
        rows += [3 * k, 3 * k + 1, 3 * k + 2]
        cols += [k, N + k, 2 * N + k]
    soc = sparse.csc_matrix((-np.ones(3 * N), (rows, cols)), shape=(3 * N, 3 * N))
    A = sparse.vstack([eq, soc]).tocsc()
    b = np.concatenate([u.real, u.imag, np.zeros(3 * N)])
    q = np.concatenate([np.ones(N), np.zeros(2 * N)])
    P = sparse.csc_matrix((3 * N, 3 * N))
    cones = [clarabel.ZeroConeT(2 * n)] + [clarabel.SecondOrderConeT(3)] * N
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = settings.tol_gap_rel = settings.tol_feas = 1e-12
    try:
        sol = clarabel.DefaultSolver(P, q, A, b, cones, settings).solve()
    except Exception:  # noqa: BLE001 - any solver failure: no gauge
        return np.inf, None
    if str(sol.status) not in ("Solved", "AlmostSolved"):
        return np.inf, None
    x = np.asarray(sol.x)
    c = x[N:2 * N] + 1j * x[2 * N:]
    return float(np.abs(c).sum()), c


def _gq(z: complex, den: int = 10**14) -> tuple[Fraction, Fraction]:
    return (Fraction(z.real).limit_denominator(den), Fraction(z.imag).limit_denominator(den))


def _dyadic(z: complex, bits: int = 64) -> tuple[Fraction, Fraction]:
    s = 1 << bits
    return (Fraction(round(z.real * s), s), Fraction(round(z.imag * s), s))


def complex_search(family: Family, word: tuple[int, ...], max_vertices: int = 80,
                   deadline: float | None = None,
                   exact_first: bool = True) -> ComplexBalancedCertificate | None:
    """A certificate JSR = |lambda(A_w)|^(1/|w|) for a complex leading lambda, or None.

    The certificate asks for the exact check (``check = "exact"``); when that check fails
    on the vertex set found (``exact_first``), the certificate for the interval fallback
    check is returned instead, labelled as such."""
    n = family.dim
    if n > MAX_DIM:
        return None
    exact = family.exact_matrices()
    prod = exact_word_product(exact, tuple(word))
    _, region = dominant_root_region(prod, rel_eps=1e-24)  # narrow discs for the exact check
    if region.is_real:
        return None
    lam = complex((float(region.re_lo) + float(region.re_hi)) / 2,
                  (float(region.im_lo) + float(region.im_hi)) / 2)
    k = len(word)
    rho = abs(lam) ** (1.0 / k)
    best = None
    for col in range(n):
        _, cols = faddeev_columns(prod, col)
        v = sum(lam ** (n - 1 - j) * np.array([float(x) for x in cols[j]]) for j in range(n))
        if best is None or np.abs(v).max() > np.abs(best[1]).max():
            best = (col, v)
    col, v = best
    mats = family.float_matrices()
    B = [a / rho for a in mats]
    verts = [np.asarray(v, dtype=complex)]
    parents: list[tuple[int, int]] = []
    for t in range(k - 1):
        verts.append(B[word[t]] @ verts[-1])
        parents.append((t, word[t]))
    verts.append(np.conj(verts[0]))  # real family: the conjugate orbit belongs to P too
    parents.append((0, -1))
    if k > 1:
        verts.append(np.conj(verts[k - 1]))
        parents.append((k - 1, -1))
    todo = list(range(len(verts)))
    found: dict[tuple[int, int], np.ndarray] = {}
    free: list[tuple[tuple[Fraction, Fraction], ...]] = []
    pad = 0
    while True:
        while todo:
            j = todo.pop(0)
            for i, b in enumerate(B):
                if (i, j) in trivial_columns(tuple(word), parents):
                    continue
                if deadline is not None and time.perf_counter() > deadline:
                    return None
                u = b @ verts[j]
                t, c = _gauge(np.array(verts).T, u)
                if c is not None and t < 1 - 1e-9:
                    found[(i, j)] = c  # still valid on the final (larger) vertex set
                if t > 1 + ADD:
                    if len(verts) >= max_vertices:
                        return None
                    verts.append(u)
                    parents.append((j, i))
                    todo.append(len(verts) - 1)
        V = np.array(verts).T
        rank = int(np.linalg.matrix_rank(V))
        if rank == n:
            break
        if pad >= MAX_PAD:
            return None  # the orbit spans a common invariant subspace only
        # padding: small real vectors completing the (conjugation-closed) span, exact dyadics
        pad += 1
        _, _, vt = np.linalg.svd(np.vstack([V.real.T, V.imag.T]))
        size = 10.0 ** (-2 * pad)
        for e in vt[rank:]:
            vec = tuple(_dyadic(complex(x), 40) for x in size * e / np.abs(e).max())
            free.append(vec)
            verts.append(np.array([float(re) + 1j * float(im) for re, im in vec]))
            parents.append((len(free) - 1, -2))
            todo.append(len(verts) - 1)
    trivial = trivial_columns(tuple(word), parents)
    N = V.shape[1]
    from scipy.linalg import qr

    _, _, piv = qr(V, pivoting=True)
    basis = sorted(int(p) for p in piv[:n])
    W = V[:, basis]
    if np.linalg.cond(W) > 1e10:
        return None
    G = np.linalg.inv(W)
    cols: dict[tuple[int, int], np.ndarray] = {}
    for i, b in enumerate(B):
        for j in range(N):
            if (i, j) in trivial:
                continue
            if deadline is not None and time.perf_counter() > deadline:
                return None
            if (i, j) in found:
                c = np.concatenate([found[(i, j)], np.zeros(N - len(found[(i, j)]), dtype=complex)])
            else:
                t, c = _gauge(V, b @ verts[j])
                if c is None or t > 1 - 1e-10:
                    return None
            cols[(i, j)] = c
    info = {"method": "polytope", "search": "float balanced complex polytope, SOCP by "
            "clarabel", "vertices": N}
    # the exact check: dyadic coefficients on the non-basis vertices (the basis ones are
    # solved exactly by the verifier)
    in_basis = set(basis)
    coeffs = []
    for (i, j), c in cols.items():
        keep = np.abs(c) > 1e-13 * max(np.abs(c).max(), 1e-300)
        coeffs.append((i, j, tuple((int(q), _dyadic(c[q])) for q in np.flatnonzero(keep)
                                   if int(q) not in in_basis)))
    cert = ComplexBalancedCertificate(family, tuple(word), region, col, tuple(parents),
                                      tuple(coeffs), tuple(basis), (),
                                      dict(info, check="exact", padding=len(free)),
                                      check="exact", free=tuple(free))
    if not exact_first or free or cert.verify().certified:
        return cert  # padding vertices need the exact check: no fallback then
    # fallback: the interval check with an approximate inverse of the basis
    coeffs = []
    for (i, j), c in cols.items():
        keep = np.abs(c) > 1e-13 * max(np.abs(c).max(), 1e-300)
        coeffs.append((i, j, tuple((int(q), _gq(c[q])) for q in np.flatnonzero(keep))))
    inverse = tuple(tuple(_gq(z, 10**18) for z in row) for row in G)
    return ComplexBalancedCertificate(family, tuple(word), region, col, tuple(parents),
                                      tuple(coeffs), tuple(basis), inverse,
                                      dict(info, check="interval (fallback)"), check="interval")


__all__ = ["complex_search"]
