"""Exact structural facts of matrix families, used by the structure certificates.

* :func:`nilpotent_depth`: the smallest t with every product of length t equal to 0, by exact
  elimination on the images of the unit vectors (Jungers, *The joint spectral radius*, 2009,
  section 2.3: a family is nilpotent, JSR 0, iff all products of length n vanish).
* :func:`rank_one_factors` and :func:`cycle_weights`: for a family of rank-one matrices
  A_i = u_i v_i^T, every product is a scalar times u v^T and the JSR is the maximum cycle
  geometric mean of M_ij = |v_j . u_i| (Ahmadi and Parrilo's rank-one case; Gurvits 1995).
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np


def rank_one_factors(a: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Exact u, v with A = u v^T (None when A has rank > 1; u = v = 0 when A = 0)."""
    nz = np.argwhere(a != 0)
    n = a.shape[0]
    if nz.size == 0:
        zero = np.array([Fraction(0)] * n, dtype=object)
        return zero, zero
    r, c = (int(x) for x in nz[0])
    u = np.array(a[:, c], dtype=object)
    v = np.array([x / a[r, c] for x in a[r, :]], dtype=object)
    if all(a[i, j] == u[i] * v[j] for i in range(n) for j in range(n)):
        return u, v
    return None


def cycle_weights(factors: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Exact M_ij = |v_j . u_i|: the factor a step from member i to member j contributes."""
    m = len(factors)
    M = np.empty((m, m), dtype=object)
    for i, (ui, _) in enumerate(factors):
        for j, (_, vj) in enumerate(factors):
            M[i, j] = abs(sum((x * y for x, y in zip(vj, ui, strict=True)), Fraction(0)))
    return M


class OutOfTime(Exception):
    """An exact structure test passed its deadline (the structure is then left unknown)."""


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.perf_counter() > deadline:
        raise OutOfTime()


def span_basis(vectors: list[list[Fraction]], deadline: float | None = None
               ) -> list[list[Fraction]]:
    """A basis (reduced rows) of the span of exact vectors, by exact Gaussian elimination;
    :class:`OutOfTime` once ``time.perf_counter()`` passes ``deadline``."""
    basis: list[list[Fraction]] = []
    pivots: list[int] = []
    for vec in vectors:
        _check_deadline(deadline)
        v = list(vec)
        for b, p in zip(basis, pivots, strict=True):
            if v[p] != 0:
                f = v[p] / b[p]
                v = [x - f * y for x, y in zip(v, b, strict=True)]
        nz = next((i for i, x in enumerate(v) if x != 0), None)
        if nz is not None:
            basis.append(v)
            pivots.append(nz)
    return basis


def has_nonzero_trace(exact: list[np.ndarray]) -> bool:
    """True when some member has a nonzero exact trace: its eigenvalues do not all vanish, so
    the member, and the family, is not nilpotent (a cheap exact test run first)."""
    return any(sum((a[i, i] for i in range(a.shape[0])), Fraction(0)) != 0 for a in exact)


def nilpotent_depth(exact: list[np.ndarray], deadline: float | None = None) -> int | None:
    """Smallest t <= n with V_t = {0} (every product of length t vanishes), else None.

    A member with a nonzero trace settles "not nilpotent" at once; otherwise the exact
    elimination raises :class:`OutOfTime` once ``time.perf_counter()`` passes ``deadline``."""
    if has_nonzero_trace(exact):
        return None
    n = exact[0].shape[0]
    space = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    for t in range(1, n + 1):
        _check_deadline(deadline)
        images = [list(a.dot(np.array(v, dtype=object))) for a in exact for v in space]
        space = span_basis(images, deadline)
        if not space:
            return t
    return None
