"""SOS polynomial-norm certificates of degree 2d: a CQLF on the Veronese lift.

Claim: JSR(family) <= r = beta^(1/d) (rounded up to a rational).  Witness: the degree d
and a :class:`~certify.certificates.quadratic.QuadraticCertificate` (X, beta) on the lifted
family {A_i^[d]}.  The check (i) recomputes the lift exactly from the original members and
compares it with the wrapped certificate's family entry by entry, (ii) re-verifies X by
exact LDL^T, and (iii) checks r^d >= beta exactly.  Since JSR(lift) = JSR^d (Parrilo and
Jadbabaie 2008, Sec. 4; see :mod:`certify.jsr.sos`), the claim follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, certificate_from_dict, register
from certify.certificates.quadratic import QuadraticCertificate
from certify.exact import as_fraction, round_up_float
from certify.exact.lifting import lift_matrix
from certify.exact.polynomials import rational_root_ceil
from certify.exact.printing import fmt_upper
from certify.families.matrix import Family, family_from_spec
from certify.verdict import Verdict


@register
@dataclass(frozen=True, eq=False)
class SOSCertificate(Certificate):
    """JSR <= beta^(1/d) from a quadratic certificate on the degree-d lift."""

    family: Family
    degree: int
    lifted: QuadraticCertificate
    _solver: dict | None = None

    kind = "sos"

    @property
    def bound(self) -> Fraction:
        return rational_root_ceil(as_fraction(self.lifted.beta), int(self.degree))

    @property
    def bound_float(self) -> float:
        return round_up_float(self.bound)

    def claim(self) -> str:
        return (f"JSR({getattr(self.family, 'name', 'family')}) <= {fmt_upper(self.bound, 15)} "
                f"(SOS norm of degree {2 * int(self.degree)})")

    def verify(self) -> CheckResult:
        d = int(self.degree)
        if d < 1:
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: degree < 1")
        want = [lift_matrix(a, d) for a in self.family.exact_matrices()]
        have = self.lifted.family.exact_matrices()
        if len(want) != len(have) or any(x.shape != y.shape or not np.all(x == y)
                                         for x, y in zip(want, have, strict=True)):
            return CheckResult(Verdict.INCONCLUSIVE,
                               "certificate refused: the lifted family is not the degree-"
                               f"{d} Veronese lift of the family")
        check = self.lifted.verify()
        if not check.certified:
            return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused (lift): {check.reason}",
                               check.diagnostics)
        if self.bound ** d < as_fraction(self.lifted.beta):
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: r^d < beta")
        return CheckResult(Verdict.CERTIFIED,
                           f"exact: lift of degree {d} recomputed, its CQLF verified by LDL^T",
                           dict(check.diagnostics, lifted_dim=len(want[0])))

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "degree": int(self.degree),
                "lifted": self.lifted.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> SOSCertificate:
        w = data["witness"]
        lifted = certificate_from_dict(w["lifted"])
        if not isinstance(lifted, QuadraticCertificate):
            raise ValueError("sos certificate: 'lifted' must be a quadratic certificate")
        return cls(family_from_spec(w["family"]), int(w["degree"]), lifted, data.get("solver"))
