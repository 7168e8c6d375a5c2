"""Quadratic (ellipsoidal-norm) certificates: a common quadratic Lyapunov function.

Claim: JSR(family) <= beta.  Witness: a rational symmetric X > 0 with
A_i^T X A_i <= beta^2 X for every member A_i.  Then ||A_i x||_X <= beta ||x||_X for the
norm ||x||_X = sqrt(x^T X x), every product of length t has X-norm <= beta^t, and the JSR is
at most beta (e.g. Jungers, The Joint Spectral Radius, Springer 2009, Prop. 2.8).

The check is exact: X is rational and exactly symmetric; X > 0 and
beta^2 X - A_i^T X A_i >= 0 are decided by exact LDL^T factorisations in rationals, with the
members' exact entries.
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
    ldl_definiteness,
)
from certify.exact.printing import decimal_digits, fmt_upper
from certify.families.matrix import Family, family_from_spec
from certify.verdict import Verdict


@register
@dataclass(frozen=True, eq=False)
class QuadraticCertificate(Certificate):
    """JSR <= beta, witnessed by a rational X > 0 with A^T X A <= beta^2 X for all members."""

    family: Family
    X: np.ndarray  # object array of Fractions
    beta: Fraction
    _solver: dict | None = None

    kind = "quadratic"

    def claim(self) -> str:
        return f"JSR({getattr(self.family, 'name', 'family')}) <= {fmt_upper(self.beta, 12)}"

    def verify(self) -> CheckResult:
        try:  # the witness in exact rationals, whatever type it was given in
            X, beta = fraction_array(self.X), as_fraction(self.beta)
        except InvalidCertificate as exc:
            return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {exc}")
        n = self.family.dim
        if X.shape != (n, n):
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"certificate refused: X has shape {X.shape}, expected ({n}, {n})")
        if beta < 0:
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: beta < 0")
        try:
            pdx = ldl_definiteness(X)
        except ValueError as exc:
            return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {exc}")
        if not pdx.pd:
            return CheckResult(Verdict.INCONCLUSIVE,
                               "certificate refused: X is not positive definite "
                               f"(pivot {decimal_digits(pdx.min_pivot, 3)} at step {pdx.failed_at})",
                               {"min_pivot_X": str(pdx.min_pivot)})
        b2 = beta * beta
        worst: Fraction | None = None
        for i, A in enumerate(self.family.exact_matrices()):
            M = b2 * X - A.T.dot(X).dot(A)
            res = ldl_definiteness(M)
            if not res.psd:
                return CheckResult(
                    Verdict.INCONCLUSIVE,
                    f"certificate refused: beta^2 X - A^T X A is not PSD for member {i} "
                    f"(pivot {decimal_digits(res.min_pivot, 3)})",
                    {"failed_member": i, "min_pivot": str(res.min_pivot)})
            worst = res.min_pivot if worst is None else min(worst, res.min_pivot)
        return CheckResult(Verdict.CERTIFIED,
                           "exact LDL^T: X > 0 and beta^2 X - A^T X A >= 0 for every member",
                           {"min_pivot_X": str(pdx.min_pivot),
                            "min_pivot_lmi": str(worst) if worst is not None else None})

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "X": fraction_array_to_json(self.X),
                "beta": str(self.beta)}

    @classmethod
    def from_dict(cls, data: dict) -> QuadraticCertificate:
        wit = data["witness"]
        return cls(family_from_spec(wit["family"]), fraction_array_from_json(wit["X"], "X"),
                   as_fraction(wit["beta"]), data.get("solver"))
