"""Collatz-Wielandt certificates: lower bounds on the JSR of nonnegative families.

Claim: JSR(family) >= rho(A_pi) >= r.  Witness: a member (the choice vector pi) and
x >= 0, x != 0 with A_pi x >= r x.  For nonnegative A this gives A^t x >= r^t x, hence
||A^t|| >= r^t and rho(A_pi) >= r (Collatz-Wielandt; e.g. Horn and Johnson, Matrix
Analysis, Thm 8.1.26).  Checked exactly, including the nonnegativity of B and C.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, register
from certify.exact import as_fraction, round_down_float
from certify.exact.printing import fmt_lower
from certify.families.matrix import family_from_spec
from certify.families.selection import SelectionFamily, exact_ratios
from certify.verdict import Verdict


@register
@dataclass(frozen=True, eq=False)
class CollatzLowerCertificate(Certificate):
    """JSR >= bound, witnessed by a member pi and a nonnegative vector x."""

    family: SelectionFamily
    policy: np.ndarray
    x: np.ndarray
    bound: Fraction
    _solver: dict | None = None

    kind = "collatz-lower"

    def claim(self) -> str:
        return f"JSR({self.family.name}) >= {fmt_lower(self.bound, 12)}"

    def verify(self) -> CheckResult:
        fam = self.family
        x = np.asarray(self.x, dtype=float)
        pi = np.asarray(self.policy)
        if x.shape != (fam.n,) or pi.shape != (fam.m,):
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: wrong shapes")
        if pi.dtype.kind not in "iu" or (pi < 0).any() or (pi >= fam.k).any():
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"certificate refused: policy entries must be in 0..{fam.k - 1}")
        if not np.all(np.isfinite(x)) or (x < 0).any() or not (x > 0).any():
            return CheckResult(Verdict.INCONCLUSIVE,
                               "certificate refused: x must be nonnegative, finite and nonzero")
        parts = fam.exact_parts()
        if not (parts[0].is_nonnegative() and parts[1].is_nonnegative()):
            return CheckResult(Verdict.INCONCLUSIVE,
                               "certificate refused: the family is not nonnegative, so the "
                               "Collatz-Wielandt bound does not apply")
        if self.bound < 0:
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: negative bound")
        ratios = exact_ratios(parts, fam.k, x, pi)
        worst, row = ratios.min_ratio()
        diag = {"min_ratio": str(worst), "min_ratio_float": round_down_float(worst),
                "worst_row": row, "bound": str(self.bound)}
        if worst >= self.bound:
            return CheckResult(Verdict.CERTIFIED,
                               "exact check A_pi x >= r x passed on the support of x", diag)
        return CheckResult(
            Verdict.INCONCLUSIVE,
            f"certificate refused: row {row} has (A x)/x = {float(worst)!r} < bound "
            f"{float(self.bound)!r}", diag)

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "policy": np.asarray(self.policy).tolist(),
                "x": np.asarray(self.x, dtype=float).tolist(), "bound": str(self.bound)}

    @classmethod
    def from_dict(cls, data: dict) -> CollatzLowerCertificate:
        wit = data["witness"]
        return cls(family_from_spec(wit["family"]), np.asarray(wit["policy"], dtype=int),
                   np.asarray(wit["x"], dtype=float), as_fraction(wit["bound"]),
                   data.get("solver"))
