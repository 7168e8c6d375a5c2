"""Invariant-polytope certificates (Guglielmi-Protasov): upper bounds on the JSR.

Claim: JSR(family) <= r.  Witness: rational vertices v_1..v_N (columns of V) and, for each
member A_i, a rational coefficient matrix C_i.

* ``mode = "symmetric"``: A_i V = r V C_i exactly, every column of C_i has l1-norm <= 1,
  and V has rank n.  Then P = absconv(V) is a convex body with A_i P subset r P, its gauge
  is a norm with ||A_i||_P <= r, and JSR <= r (N. Guglielmi and V. Protasov, "Exact
  computation of joint spectral characteristics of linear operators", Found. Comput.
  Math. 13, 2013).
* ``mode = "cone"`` (nonnegative families): V >= 0 with V 1 > 0, C_i >= 0 with column
  sums <= 1 and A_i V <= r V C_i entrywise, every A_i >= 0.  The monotone norm
  ||x|| = min{t : |x| <= t V c, c >= 0, sum c <= 1} then has ||A_i x|| <= r ||x||
  (|A_i x| <= A_i |x|), so JSR <= r (the positive-polytope variant: Guglielmi and
  Protasov, "Invariant polytopes of sets of matrices with application to regularity of
  wavelets and subdivisions", SIAM J. Matrix Anal. Appl. 37, 2016).

Every condition is checked in exact rational arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, register
from certify.errors import InvalidCertificate
from certify.exact import (
    as_fraction,
    fraction_array,
    fraction_array_from_json,
    fraction_array_to_json,
    matmul,
)
from certify.exact.printing import fmt_upper
from certify.families.matrix import Family, family_from_spec
from certify.verdict import Verdict

MODES = ("symmetric", "cone")


def exact_rank(v: np.ndarray) -> int:
    """Rank of a Fraction matrix by exact Gaussian elimination."""
    a = [list(row) for row in np.asarray(v, dtype=object)]
    rank, rows, cols = 0, len(a), len(a[0]) if a else 0
    for c in range(cols):
        piv = next((r for r in range(rank, rows) if a[r][c] != 0), None)
        if piv is None:
            continue
        a[rank], a[piv] = a[piv], a[rank]
        for r in range(rank + 1, rows):
            if a[r][c] != 0:
                f = a[r][c] / a[rank][c]
                a[r] = [x - f * y for x, y in zip(a[r], a[rank], strict=True)]
        rank += 1
    return rank


@register
@dataclass(frozen=True, eq=False)
class PolytopeCertificate(Certificate):
    """JSR <= rate, witnessed by an invariant polytope (or cone) and its coefficients."""

    family: Family
    vertices: np.ndarray  # (n, N) Fractions
    coefficients: tuple[np.ndarray, ...]  # one (N, N) Fraction array per member
    rate: Fraction
    mode: str = "symmetric"
    _solver: dict | None = None

    kind = "invariant-polytope"

    @property
    def bound(self) -> Fraction:
        return self.rate

    def claim(self) -> str:
        return f"JSR({getattr(self.family, 'name', 'family')}) <= {fmt_upper(self.rate, 15)}"

    def _refuse(self, why: str) -> CheckResult:
        return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {why}")

    def verify(self) -> CheckResult:
        try:  # the witness in exact rationals, whatever type it was given in
            V, rate = fraction_array(self.vertices), as_fraction(self.rate)
            coefficients = [fraction_array(c) for c in self.coefficients]
        except InvalidCertificate as exc:
            return self._refuse(str(exc))
        n = self.family.dim
        if self.mode not in MODES:
            return self._refuse(f"mode {self.mode!r} is not one of {MODES}")
        if V.ndim != 2 or V.shape[0] != n:
            return self._refuse(f"vertices have shape {V.shape}, expected ({n}, N)")
        N = V.shape[1]
        mats = self.family.exact_matrices()
        if len(coefficients) != len(mats):
            return self._refuse(f"{len(coefficients)} coefficient matrices for "
                                f"{len(mats)} members")
        if rate < 0:
            return self._refuse("negative rate")
        if self.mode == "symmetric" and exact_rank(V) < n:
            return self._refuse("the vertices do not span R^n")
        if self.mode == "cone":
            if any(v < 0 for v in V.reshape(-1)) or any(s <= 0 for s in V.sum(axis=1)):
                return self._refuse("cone vertices must be >= 0 with a positive sum")
            if any(x < 0 for a in mats for x in a.reshape(-1)):
                return self._refuse("the cone certificate needs a nonnegative family")
        for i, (a, c) in enumerate(zip(mats, coefficients, strict=True)):
            if c.shape != (N, N):
                return self._refuse(f"C_{i} has shape {c.shape}, expected ({N}, {N})")
            lhs = matmul(a, V)
            rhs = matmul(V, c) * rate
            if self.mode == "symmetric":
                if any(sum(abs(x) for x in col) > 1 for col in c.T):
                    return self._refuse(f"a column of C_{i} has l1-norm > 1")
                if not np.all(lhs == rhs):
                    return self._refuse(f"A_{i} V != r V C_{i}")
            else:
                if any(x < 0 for x in c.reshape(-1)) or any(sum(col) > 1 for col in c.T):
                    return self._refuse(f"C_{i} must be >= 0 with column sums <= 1")
                if not np.all(lhs <= rhs):
                    return self._refuse(f"A_{i} V <= r V C_{i} fails")
        return CheckResult(Verdict.CERTIFIED,
                           f"exact: A_i P subset r P for the {self.mode} polytope with {N} vertices",
                           {"vertices": N, "mode": self.mode})

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "mode": self.mode, "rate": str(self.rate),
                "vertices": fraction_array_to_json(self.vertices),
                "coefficients": [fraction_array_to_json(c) for c in self.coefficients]}

    @classmethod
    def from_dict(cls, data: dict) -> PolytopeCertificate:
        wit = data["witness"]
        coeffs = tuple(fraction_array_from_json(c, f"coefficients[{i}]")
                       for i, c in enumerate(wit["coefficients"]))
        return cls(family_from_spec(wit["family"]), fraction_array_from_json(wit["vertices"],
                   "vertices"), coeffs, as_fraction(wit["rate"]), str(wit["mode"]),
                   data.get("solver"))


__all__ = ["Fraction", "PolytopeCertificate", "exact_rank"]
