"""The degree-d lift A^[d] of a matrix: its action on the monomials of degree d, exactly.

For x -> A x, the homogeneous polynomials of degree d are mapped by p(x) -> p(A x); in the
basis of monomials this is the matrix A^[d] with (A B)^[d] = A^[d] B^[d] and
rho(A^[d]) = rho(A)^d, so JSR({A_i^[d]}) = JSR({A_i})^d (Parrilo and Jadbabaie, "Approximation
of the joint spectral radius using sum of squares", Linear Algebra Appl. 428, 2008).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np


def monomials(n: int, d: int) -> list[tuple[int, ...]]:
    """Exponent tuples of the degree-d monomials in n variables, in a fixed order."""
    out = []
    for combo in itertools.combinations_with_replacement(range(n), d):
        e = [0] * n
        for i in combo:
            e[i] += 1
        out.append(tuple(e))
    return sorted(out, reverse=True)


def _poly_mul(p: dict, q: dict) -> dict:
    out: dict = {}
    for a, x in p.items():
        for b, y in q.items():
            k = tuple(i + j for i, j in zip(a, b, strict=True))
            out[k] = out.get(k, Fraction(0)) + x * y
    return out


def lift_matrix(a: np.ndarray, d: int) -> np.ndarray:
    """A^[d] exactly, for a Fraction matrix ``a`` (see the module docstring)."""
    n = a.shape[0]
    mons = monomials(n, d)
    index = {m: k for k, m in enumerate(mons)}
    rows = [{tuple(int(i == j) for i in range(n)): a[r, j] for j in range(n) if a[r, j] != 0}
            for r in range(n)]
    out = np.full((len(mons), len(mons)), Fraction(0), dtype=object)
    for r, alpha in enumerate(mons):
        poly = {tuple([0] * n): Fraction(1)}
        for i, e in enumerate(alpha):
            for _ in range(e):
                poly = _poly_mul(poly, rows[i])
        for beta, c in poly.items():
            out[r, index[beta]] = c
    return out
