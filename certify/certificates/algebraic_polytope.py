"""Exact JSR values of nonnegative families: an invariant cone at an algebraic rate.

Claim: JSR(family) = rho, rho > 0 the only root of a monic rational polynomial m in a
rational interval.  Witness: an s.m.p. word w, a vector v in Q(rho)^n, vertices
v_0 = v, v_j = A_{i_j} v_{p_j} / rho (a parent index and a member for each), and for every
member A_i and vertex v_j a sparse rational column c_{.j} >= 0 with sum <= 1.

The check, in exact arithmetic over Q(rho) = Q[x]/(m) (:mod:`certify.exact.algebraic`):

* lower side: v != 0 and A_w v = rho^|w| v, so rho^|w| is an eigenvalue of A_w and
  JSR >= rho(A_w)^(1/|w|) >= rho (Jungers 2009, Prop. 1.4);
* upper side: every A_i >= 0, every vertex >= 0, every coordinate positive in some
  vertex, and A_i v_j <= rho sum_k c_kj v_k entrywise.  The monotone norm
  ||x|| = min{t : |x| <= t V c, c >= 0, sum c <= 1} then satisfies ||A_i x|| <= rho ||x||,
  so JSR <= rho (the positive-polytope algorithm of N. Guglielmi and V. Protasov, "Invariant
  polytopes of sets of matrices with application to regularity of wavelets and
  subdivisions", SIAM J. Matrix Anal. Appl. 37, 2016; the general algorithm: Found. Comput.
  Math. 13, 2013).

Together JSR = rho, proved with no rounding: every sign is decided exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, register
from certify.errors import InvalidCertificate
from certify.exact import as_fraction, fraction_array, fraction_array_from_json, fraction_array_to_json
from certify.exact.algebraic import RealAlgebraic, apply, int_matrix
from certify.exact.printing import fmt_lower, fmt_upper
from certify.families.matrix import Family, family_from_spec
from certify.verdict import Verdict

Column = tuple[tuple[int, Fraction], ...]


def _refuse(why: str) -> CheckResult:
    return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {why}")


def _combine(terms: list[tuple[Fraction, np.ndarray, int]]) -> tuple[np.ndarray, int]:
    """sum c * num / den over the terms, as (integer numerators, denominator)."""
    den = 1
    for c, _num, d in terms:
        q = c.denominator * d
        den = den * q // math.gcd(den, q)
    out = None
    for c, num, d in terms:
        part = num * (c.numerator * (den // (c.denominator * d)))
        out = part if out is None else out + part
    return out, den


def build_vertices(rate: RealAlgebraic, mats: list[tuple[np.ndarray, int]], v: np.ndarray,
                   parents: list[tuple[int, int]], extra: tuple[np.ndarray, ...] = ()
                   ) -> list[tuple[np.ndarray, int]]:
    """v_0 = v, then the explicit ``extra`` vertices, then v_j = A_{i_j} v_{p_j} / rho, as
    (integer numerators (n, D), denominator)."""
    verts = [int_matrix(v)] + [int_matrix(e) for e in extra]
    for j, (p, i) in enumerate(parents, start=len(verts)):
        if not 0 <= p < j or not 0 <= i < len(mats):
            raise IndexError(f"vertex {j}: parent {p} or member {i} out of range")
        verts.append(rate.over_x(*apply(*mats[i], *verts[p])))
    return verts


def is_eigenvector(rate: RealAlgebraic, mats: list[tuple[np.ndarray, int]],
                   v: tuple[np.ndarray, int], word: tuple[int, ...]) -> bool:
    """A_w v = rho^|w| v exactly in Q(rho)^n (w applied right to left, as a product)."""
    img, scaled = v, v
    for i in word:
        img = apply(*mats[i], *img)
        scaled = rate.times_x(*scaled)
    diff, _ = _combine([(Fraction(1), *img), (Fraction(-1), *scaled)])
    return not any(rate.sign(row) for row in diff)


class AlgebraicRateClaim:
    """The claim shared by the certificates of an algebraic JSR: rho = rho(A_w)^(1/|w|), given
    by ``rate`` (a :class:`RealAlgebraic`) and the product ``word``."""

    rate: RealAlgebraic
    word: tuple[int, ...]
    family: Family

    def bracket(self) -> tuple[Fraction, Fraction]:
        return self.rate.lo, self.rate.hi

    @property
    def bound(self) -> Fraction:
        return self.rate.hi

    def claim(self) -> str:
        name = getattr(self.family, "name", "family")
        return (f"JSR({name}) = rho in [{fmt_lower(self.rate.lo, 15)}, {fmt_upper(self.rate.hi, 15)}], "
                f"rho the root of a degree-{self.rate.degree} polynomial = rho(A_w)^(1/{len(self.word)})")


@register
@dataclass(frozen=True, eq=False)
class AlgebraicPolytopeCertificate(AlgebraicRateClaim, Certificate):
    """JSR = rho exactly (rho algebraic), by an s.m.p. and an invariant cone over Q(rho)."""

    family: Family
    rate: RealAlgebraic
    word: tuple[int, ...]
    vector: np.ndarray  # (n, D) Fractions: coefficients of v in 1, rho, ..., rho^(D-1)
    parents: tuple[tuple[int, int], ...]
    columns: tuple[tuple[Column, ...], ...]  # columns[i][j]: sparse c_{.j} for member i
    _solver: dict | None = None

    kind = "algebraic-polytope"

    def verify(self) -> CheckResult:
        try:  # a private copy in exact rationals (refining the interval mutates it)
            r = self.rate
            rate = RealAlgebraic(tuple(as_fraction(c) for c in r.poly), as_fraction(r.lo),
                                 as_fraction(r.hi))
            vector = fraction_array(self.vector)
            columns = [[[(int(k), as_fraction(c)) for k, c in col] for col in cols]
                       for cols in self.columns]
        except (InvalidCertificate, TypeError, ValueError) as exc:
            return _refuse(f"malformed witness ({exc})")
        why = rate.problem()
        if why:
            return _refuse(why)
        exact = self.family.exact_matrices()
        m, n, D = len(exact), self.family.dim, rate.degree
        if any(x < 0 for a in exact for x in a.reshape(-1)):
            return _refuse("the cone certificate needs a nonnegative family")
        if vector.shape != (n, D):
            return _refuse(f"vector has shape {vector.shape}, expected ({n}, {D})")
        word = tuple(int(i) for i in self.word)
        if not word or any(not 0 <= i < m for i in word):
            return _refuse(f"word {list(word)} must use indices 0..{m - 1}")
        mats = [int_matrix(a) for a in exact]
        try:
            verts = build_vertices(rate, mats, vector,
                                   [(int(p), int(i)) for p, i in self.parents])
        except (IndexError, ZeroDivisionError) as exc:
            return _refuse(str(exc))
        # lower side: A_w v = rho^|w| v, v != 0
        if not any(rate.sign(row) for row in verts[0][0]):
            return _refuse("the eigenvector is zero")
        if not is_eigenvector(rate, mats, verts[0], word):
            return _refuse("A_w v != rho^|w| v")
        # upper side: a cone of nonnegative vertices, invariant under A_i / rho
        positive = [False] * n
        for j, (vn, _d) in enumerate(verts):
            for r, row in enumerate(vn):
                s = rate.sign(row)
                if s < 0:
                    return _refuse(f"vertex {j} has a negative coordinate {r}")
                positive[r] |= s > 0
        if not all(positive):
            return _refuse(f"coordinate {positive.index(False)} is zero in every vertex")
        N = len(verts)
        if len(columns) != m or any(len(cols) != N for cols in columns):
            return _refuse(f"expected {m} x {N} coefficient columns")
        for i, cols in enumerate(columns):
            for j, col in enumerate(cols):
                if any(not 0 <= k < N or c < 0 for k, c in col) or sum(c for _, c in col) > 1:
                    return _refuse(f"column ({i}, {j}): need indices < {N}, c >= 0, sum c <= 1")
                lhs = apply(*mats[i], *verts[j])
                rhs = _combine([(c, *verts[k]) for k, c in col]) if col else (lhs[0] * 0, 1)
                rhs = rate.times_x(*rhs)
                gap, _ = _combine([(Fraction(1), *rhs), (Fraction(-1), *lhs)])
                if any(rate.sign(row) < 0 for row in gap):
                    return _refuse(f"A_{i} v_{j} <= rho V c fails")
        return CheckResult(Verdict.CERTIFIED,
                           f"exact over Q(rho) (degree {D}): A_w v = rho^{len(word)} v and the "
                           f"{N}-vertex cone is invariant under A_i / rho",
                           {"vertices": N, "degree": D, "word": list(word)})

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "rate": self.rate.to_json(), "word": list(self.word),
                "vector": fraction_array_to_json(np.asarray(self.vector, dtype=object)),
                "parents": [list(p) for p in self.parents],
                "columns": [[[[k, str(c)] for k, c in col] for col in cols] for cols in self.columns]}

    @classmethod
    def from_dict(cls, data: dict) -> AlgebraicPolytopeCertificate:
        w = data["witness"]
        cols = tuple(tuple(tuple((int(k), as_fraction(c)) for k, c in col) for col in cols)
                     for cols in w["columns"])
        return cls(family_from_spec(w["family"]), RealAlgebraic.from_json(w["rate"]),
                   tuple(int(i) for i in w["word"]), fraction_array_from_json(w["vector"], "vector"),
                   tuple((int(p), int(i)) for p, i in w["parents"]), cols, data.get("solver"))


__all__ = ["AlgebraicPolytopeCertificate", "AlgebraicRateClaim", "build_vertices", "is_eigenvector"]
