"""Exact JSR values of signed families: a balanced (symmetric) polytope over Q(rho).

Claim: JSR(family) = rho, rho > 0 the only root of a monic rational polynomial m in a
rational interval.  Witness: an s.m.p. word w, a vector v in Q(rho)^n, vertices
v_0 = v, optional explicit vertices in Q(rho)^n (small multiples of a complement when the
orbit of v spans only a common invariant subspace), then v_j = A_{i_j} v_{p_j} / rho (a
parent index and a member for each), n vertex
indices (a basis), and for every member A_i and vertex v_j a sparse column of
coefficients c_{kj} in Q(rho).

The check, in exact arithmetic over Q(rho) = Q[x]/(m) (:mod:`certify.exact.algebraic`):

* lower side: v != 0 and A_w v = rho^|w| v, so rho^|w| is an eigenvalue of A_w and
  JSR >= rho(A_w)^(1/|w|) >= rho (Jungers 2009, Prop. 1.4);
* upper side: the basis vertices have det != 0 (they span R^n), and for every i, j
  A_i v_j = rho sum_k c_kj v_k exactly, with sum_k |c_kj| <= 1 (every sign decided
  exactly).  Then P = absconv{v_j} is a convex body with A_i P subset rho P, its gauge is
  a norm with ||A_i|| <= rho, and JSR <= rho (the balanced real polytope of
  N. Guglielmi and V. Protasov, "Exact computation of joint spectral characteristics of
  linear operators", Found. Comput. Math. 13, 2013, Thm. 3.3, with the vertices and the
  rate kept exact instead of rounded).

Together JSR = rho, proved with no rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from certify.certificates.algebraic_polytope import (
    AlgebraicRateClaim,
    _refuse,
    build_vertices,
    is_eigenvector,
)
from certify.certificates.base import Certificate, CheckResult, register
from certify.errors import InvalidCertificate
from certify.exact import (
    as_fraction,
    fraction_array,
    fraction_array_from_json,
    fraction_array_to_json,
)
from certify.exact.algebraic import RealAlgebraic, apply, int_matrix
from certify.exact.polynomials import X
from certify.families.matrix import Family, family_from_spec
from certify.verdict import Verdict

QColumn = tuple[tuple[int, tuple[Fraction, ...]], ...]
Vec = tuple[np.ndarray, int]  # (integer numerators (n, D), positive denominator)


def _lcm(values) -> int:
    out = 1
    for v in values:
        out = out * v // math.gcd(out, v)
    return out


def add(terms: list[Vec]) -> Vec:
    """Sum of vectors given as (numerators, denominator)."""
    den = _lcm(d for _, d in terms)
    out = None
    for num, d in terms:
        part = num * (den // d)
        out = part if out is None else out + part
    return out, den


def times_element(rate: RealAlgebraic, q: tuple[Fraction, ...], vec: Vec) -> Vec:
    """q(rho) * vec in Q(rho)^n, q given by its D rational coefficients."""
    qden = _lcm(c.denominator for c in q)
    qint = [int(c * qden) for c in q]
    cur = vec
    acc: list[Vec] = []
    for t, c in enumerate(qint):
        if c:
            acc.append((cur[0] * c, cur[1] * qden))
        if t + 1 < len(qint):
            cur = rate.times_x(*cur)
    if not acc:
        return vec[0] * 0, 1
    return add(acc)


def is_zero(rate: RealAlgebraic, vec: Vec) -> bool:
    return not any(rate.sign(row) for row in vec[0])


def det_sign(rate: RealAlgebraic, verts: list[Vec], basis: list[int]) -> int:
    """Sign of det[v_b for b in basis] at rho (a polynomial determinant reduced modulo m)."""
    cols = []
    for b in basis:
        num, den = verts[b]
        cols.append([sum(sp.Rational(int(c), den) * X**t for t, c in enumerate(row)) for row in num])
    det = sp.Matrix(cols).T.det(method="berkowitz")
    rem = sp.Poly(sp.expand(det), X, domain="QQ").rem(rate.sympy_poly())
    coeffs = [Fraction(int(c.p), int(c.q)) for c in reversed(rem.all_coeffs())]
    return rate.sign(np.array(coeffs + [Fraction(0)] * (rate.degree - len(coeffs)), dtype=object))


@register
@dataclass(frozen=True, eq=False)
class AlgebraicBalancedCertificate(AlgebraicRateClaim, Certificate):
    """JSR = rho exactly (rho algebraic), by an s.m.p. and a balanced polytope over Q(rho)."""

    family: Family
    rate: RealAlgebraic
    word: tuple[int, ...]
    vector: np.ndarray  # (n, D) Fractions: coefficients of v in 1, rho, ..., rho^(D-1)
    parents: tuple[tuple[int, int], ...]
    basis: tuple[int, ...]
    columns: tuple[tuple[QColumn, ...], ...]  # columns[i][j]: sparse c_{.j} for member i
    _solver: dict | None = None
    extra: tuple[np.ndarray, ...] = ()  # explicit vertices (n, D) after v_0 (any, e.g. padding)

    kind = "algebraic-balanced-polytope"

    def verify(self) -> CheckResult:
        try:  # a private copy in exact rationals (refining the interval mutates it)
            r = self.rate
            rate = RealAlgebraic(tuple(as_fraction(c) for c in r.poly), as_fraction(r.lo),
                                 as_fraction(r.hi))
            vector = fraction_array(self.vector)
            columns = [[[(int(k), tuple(as_fraction(c) for c in q)) for k, q in col] for col in cols]
                       for cols in self.columns]
            basis = [int(b) for b in self.basis]
            parents = [(int(p), int(i)) for p, i in self.parents]
            extra = tuple(fraction_array(e) for e in self.extra)
        except (InvalidCertificate, TypeError, ValueError) as exc:
            return _refuse(f"malformed witness ({exc})")
        why = rate.problem()
        if why:
            return _refuse(why)
        exact = self.family.exact_matrices()
        m, n, D = len(exact), self.family.dim, rate.degree
        if vector.shape != (n, D):
            return _refuse(f"vector has shape {vector.shape}, expected ({n}, {D})")
        word = tuple(int(i) for i in self.word)
        if not word or any(not 0 <= i < m for i in word):
            return _refuse(f"word {list(word)} must use indices 0..{m - 1}")
        mats = [int_matrix(a) for a in exact]
        try:
            if any(e.shape != (n, D) for e in extra):
                return _refuse(f"extra vertices must have shape ({n}, {D})")
            verts = build_vertices(rate, mats, vector, parents, extra)
        except (IndexError, ZeroDivisionError) as exc:
            return _refuse(str(exc))
        N = len(verts)
        # lower side: A_w v = rho^|w| v, v != 0
        if is_zero(rate, verts[0]):
            return _refuse("the eigenvector is zero")
        if not is_eigenvector(rate, mats, verts[0], word):
            return _refuse("A_w v != rho^|w| v")
        # upper side: a spanning balanced polytope, invariant under A_i / rho
        if len(basis) != n or len(set(basis)) != n or any(not 0 <= b < N for b in basis):
            return _refuse(f"the basis must be {n} distinct vertex indices below {N}")
        if det_sign(rate, verts, basis) == 0:
            return _refuse("the basis vertices do not span R^n")
        if len(columns) != m or any(len(cols) != N for cols in columns):
            return _refuse(f"expected {m} x {N} coefficient columns")
        for i, cols in enumerate(columns):
            for j, col in enumerate(cols):
                if any(not 0 <= k < N or len(q) != D for k, q in col):
                    return _refuse(f"column ({i}, {j}): need indices < {N} and {D} coefficients")
                total: list[Fraction] = [Fraction(0)] * D
                for _k, q in col:
                    s = rate.sign(np.array(q, dtype=object))
                    total = [t + s * c for t, c in zip(total, q, strict=True)]
                one_minus = np.array([Fraction(int(t == 0)) - c for t, c in enumerate(total)],
                                     dtype=object)
                if rate.sign(one_minus) < 0:
                    return _refuse(f"column ({i}, {j}): sum |c| > 1")
                lhs = apply(*mats[i], *verts[j])
                terms = [times_element(rate, q, verts[k]) for k, q in col]
                rhs = rate.times_x(*add(terms)) if terms else (lhs[0] * 0, 1)
                if not is_zero(rate, add([lhs, (-rhs[0], rhs[1])])):
                    return _refuse(f"A_{i} v_{j} != rho V c")
        return CheckResult(Verdict.CERTIFIED,
                           f"exact over Q(rho) (degree {D}): A_w v = rho^{len(word)} v and the "
                           f"balanced {N}-vertex polytope is invariant under A_i / rho",
                           {"vertices": N, "degree": D, "word": list(word)})

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "rate": self.rate.to_json(), "word": list(self.word),
                "vector": fraction_array_to_json(np.asarray(self.vector, dtype=object)),
                "parents": [list(p) for p in self.parents], "basis": list(self.basis),
                "extra": [fraction_array_to_json(np.asarray(e, dtype=object)) for e in self.extra],
                "columns": [[[[k, [str(c) for c in q]] for k, q in col] for col in cols]
                            for cols in self.columns]}

    @classmethod
    def from_dict(cls, data: dict) -> AlgebraicBalancedCertificate:
        w = data["witness"]
        cols = tuple(tuple(tuple((int(k), tuple(as_fraction(c) for c in q)) for k, q in col)
                           for col in cols) for cols in w["columns"])
        return cls(family_from_spec(w["family"]), RealAlgebraic.from_json(w["rate"]),
                   tuple(int(i) for i in w["word"]), fraction_array_from_json(w["vector"], "vector"),
                   tuple((int(p), int(i)) for p, i in w["parents"]),
                   tuple(int(b) for b in w["basis"]), cols, data.get("solver"),
                   tuple(fraction_array_from_json(e, "extra") for e in w.get("extra", [])))


__all__ = ["AlgebraicBalancedCertificate", "add", "build_vertices", "times_element"]
