"""Weighted max-norm certificates for selection families (upper JSR bounds).

Claim: JSR(family) <= r.  Witness: w > 0 with T(w) <= r w, where
T(w)_i = sum_j |B_ij| w_j + sum_g |C_ig| max_{a} w(g k + a).  Then for every member,
||A_pi||_{w,inf} = max_i (|A_pi| w)_i / w_i <= r, and the induced norm bounds every product,
so JSR <= r.  For nonnegative families T is exactly max_pi A_pi w (theory.md section 3).
The check is exact (dyadic integers) and costs O(nnz(B) + nnz(C)).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, register
from certify.exact import as_fraction, round_up_float
from certify.exact.printing import fmt_upper
from certify.families.matrix import family_from_spec
from certify.families.selection import SelectionFamily, exact_ratios
from certify.verdict import Verdict


@register
@dataclass(frozen=True, eq=False)
class WeightedMaxNormCertificate(Certificate):
    """JSR <= bound, witnessed by weights w > 0 of an extremal weighted max-norm."""

    family: SelectionFamily
    w: np.ndarray
    bound: Fraction
    _solver: dict | None = None

    kind = "weighted-max-norm"

    def claim(self) -> str:
        return f"JSR({self.family.name}) <= {fmt_upper(self.bound, 12)}"

    def verify(self) -> CheckResult:
        w = np.asarray(self.w, dtype=float)
        if w.shape != (self.family.n,):
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"weights have shape {w.shape}, expected ({self.family.n},)")
        if not np.all(np.isfinite(w)) or not np.all(w > 0):
            i = int(np.argmin(np.where(np.isfinite(w), w, -np.inf)))
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"certificate refused: weight w[{i}] = {w[i]!r} is not > 0")
        ratios = exact_ratios(self.family.exact_parts(), self.family.k, w, None, absolute=True)
        worst, row = ratios.max_ratio()
        diag = {"max_ratio": str(worst), "max_ratio_float": round_up_float(worst),
                "worst_row": row, "bound": str(self.bound)}
        if worst <= self.bound:
            return CheckResult(Verdict.CERTIFIED,
                               "exact check T(w) <= r w passed on every row", diag)
        return CheckResult(
            Verdict.INCONCLUSIVE,
            f"certificate refused: row {row} has T(w)/w = {float(worst)!r} > bound "
            f"{float(self.bound)!r}", diag)

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "w": np.asarray(self.w, dtype=float).tolist(),
                "bound": str(self.bound)}

    @classmethod
    def from_dict(cls, data: dict) -> WeightedMaxNormCertificate:
        wit = data["witness"]
        return cls(family_from_spec(wit["family"]), np.asarray(wit["w"], dtype=float),
                   as_fraction(wit["bound"]), data.get("solver"))
