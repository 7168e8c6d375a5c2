"""Weighted max-norm certificates for any finite list of matrices (upper JSR bounds).

Claim: JSR(family) <= r.  Witness: rational weights w > 0 with |A_i| w <= r w entrywise for
every member (|A_i| the entrywise absolute value).  Then the weighted max-norm
||x||_w = max_k |x_k| / w_k has induced norm ||A_i||_w = max_k (|A_i| w)_k / w_k <= r, so
every product has ||A_w||_w <= r^|w| and JSR <= r (Jungers 2009, Prop. 1.4; for a
nonnegative family this is the Collatz-Wielandt bound of the row-wise maximum map, exact
when the family has independent row uncertainty: Blondel and Nesterov, SIAM J. Matrix
Anal. Appl. 31, 2009).

The check is exact: rational rows, one comparison per row and member.  (The lead's
``weighted-max-norm`` kind does the same for selection families without listing members.)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, register
from certify.errors import InvalidCertificate
from certify.exact import as_fraction
from certify.exact.printing import decimal_digits, fmt_upper
from certify.families.matrix import Family, family_from_spec
from certify.verdict import Verdict


def max_weighted_ratio(exact: list[np.ndarray], w: tuple[Fraction, ...]) -> tuple[Fraction, int, int]:
    """max over members i and rows k of (|A_i| w)_k / w_k, exactly, with the (i, k) attaining it."""
    best, where = Fraction(-1), (0, 0)
    for i, a in enumerate(exact):
        for k, row in enumerate(a):
            val = sum((abs(x) * wj for x, wj in zip(row, w, strict=True)), Fraction(0)) / w[k]
            if val > best:
                best, where = val, (i, k)
    return best, where[0], where[1]


@register
@dataclass(frozen=True, eq=False)
class FamilyMaxNormCertificate(Certificate):
    """JSR <= bound, witnessed by weights w > 0 with |A_i| w <= bound * w for every member."""

    family: Family
    w: tuple[Fraction, ...]
    bound: Fraction
    _solver: dict | None = None

    kind = "family-weighted-max-norm"

    def claim(self) -> str:
        return f"JSR({getattr(self.family, 'name', 'family')}) <= {fmt_upper(self.bound, 15)}"

    def verify(self) -> CheckResult:
        n = self.family.dim
        try:  # the witness in exact rationals, whatever type it was given in
            w, bound = tuple(as_fraction(x) for x in self.w), as_fraction(self.bound)
        except InvalidCertificate as exc:
            return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {exc}")
        if len(w) != n:
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"certificate refused: {len(w)} weights, expected {n}")
        bad = [k for k, x in enumerate(w) if not x > 0]
        if bad:
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"certificate refused: weight w[{bad[0]}] = {w[bad[0]]} is not > 0")
        worst, i, k = max_weighted_ratio(self.family.exact_matrices(), w)
        diag = {"max_ratio": str(worst), "member": i, "row": k, "bound": str(bound)}
        if worst <= bound:
            return CheckResult(Verdict.CERTIFIED,
                               "exact: |A_i| w <= r w on every row of every member", diag)
        return CheckResult(Verdict.INCONCLUSIVE,
                           f"certificate refused: row {k} of member {i} has (|A| w)_k / w_k = "
                           f"{decimal_digits(worst, 17)} > bound {decimal_digits(bound, 17)}", diag)

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "w": [str(x) for x in self.w], "bound": str(self.bound)}

    @classmethod
    def from_dict(cls, data: dict) -> FamilyMaxNormCertificate:
        wit = data["witness"]
        return cls(family_from_spec(wit["family"]), tuple(as_fraction(x) for x in wit["w"]),
                   as_fraction(wit["bound"]), data.get("solver"))


__all__ = ["FamilyMaxNormCertificate", "max_weighted_ratio"]
