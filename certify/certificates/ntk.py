"""NTK contraction certificates (Theorem 2 of Achiam, Knight and Abbeel, arXiv 1903.08894).

Claim: the function-space update U3 Q = Q + alpha K D_rho (T*Q - Q) is a sup-norm contraction
with modulus <= b < 1.  Witness: the data (K, rho, gamma, alpha) itself and the bound b.
``verify()`` re-evaluates conditions (16), (17) and beta(K) exactly
(:func:`certify.ntk.theorem2.theorem2`) and accepts only if both hold, beta <= b and b < 1.

Numbers are stored so that they read back exactly: a JSON number when the value is a double
(json writes doubles by repr, which round-trips), else a string "p/q".
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import InvalidInput
from ..exact import as_fraction
from ..numfmt import fmt_upper, latex_number
from ..verdict import Verdict
from .base import Certificate, CheckResult, register


def exact_json(x: object) -> float | str:
    """A double as a JSON number, any other rational as "p/q" (exactly)."""
    f = as_fraction(x)  # type: ignore[arg-type]
    d = float(f)
    return d if Fraction(d) == f else str(f)


def exact_json_array(a: np.ndarray) -> list:
    arr = np.asarray(a)
    if arr.ndim == 0:
        return exact_json(arr.item())  # type: ignore[return-value]
    return [exact_json_array(r) for r in arr]


def exact_from_json(data: object) -> np.ndarray:
    """Inverse of :func:`exact_json_array`: an object array of Fractions."""
    from ..exact import fraction_array

    return fraction_array(np.asarray(data, dtype=object))


@register
@dataclass(frozen=True, eq=False)
class NTKContractionCertificate(Certificate):
    """U3 is a sup-norm contraction with modulus <= ``bound`` (Theorem 2's hypotheses hold)."""

    k: np.ndarray
    rho: np.ndarray
    gamma: Fraction
    alpha: Fraction
    bound: Fraction
    _solver: dict | None = None

    kind = "ntk-theorem2"

    def claim(self) -> str:
        what = ("a sup-norm contraction with modulus" if self.bound < 1 else
                "sup-norm Lipschitz (not a contraction: the bound is >= 1) with constant")
        return (f"U3 = I + alpha K D_rho (T* - I) is {what} <= "
                f"{fmt_upper(self.bound, 12)} (n = {np.shape(self.k)[0]}, alpha = "
                f"{float(self.alpha):g}, gamma = {float(self.gamma):g})")

    def claim_latex(self) -> str:
        return (rf"\|\mathcal U_3 Q_1 - \mathcal U_3 Q_2\|_\infty \le "
                rf"{latex_number(self.bound, 10, 'up')}\,\|Q_1 - Q_2\|_\infty")

    def verify(self) -> CheckResult:
        from ..ntk.theorem2 import theorem2

        try:
            res = theorem2(self.k, self.rho, self.gamma, self.alpha)
        except InvalidInput as exc:
            return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {exc}")
        diag = {"beta": str(res.beta), "bound": str(self.bound),
                "condition_16": res.condition_16.to_dict(),
                "condition_17": res.condition_17.to_dict()}
        if not (res.condition_16.holds and res.condition_17.holds):
            return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {res.reason}", diag)
        if not (res.beta <= self.bound < 1):
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"certificate refused: exact beta = {float(res.beta)!r} and bound "
                               f"{float(self.bound)!r} do not satisfy beta <= bound < 1", diag)
        return CheckResult(Verdict.CERTIFIED, "exact check of (16), (17) and beta(K) <= bound < 1 "
                           "passed on every row", diag)

    def witness_dict(self) -> dict:
        return {"K": exact_json_array(np.asarray(self.k)), "rho": exact_json_array(np.asarray(self.rho)),
                "gamma": exact_json(self.gamma), "alpha": exact_json(self.alpha),
                "bound": str(self.bound)}

    @classmethod
    def from_dict(cls, data: dict) -> NTKContractionCertificate:
        w = data["witness"]
        return cls(exact_from_json(w["K"]), exact_from_json(w["rho"]), as_fraction(w["gamma"]),
                   as_fraction(w["alpha"]), as_fraction(w["bound"]), data.get("solver"))

    def to_latex(self) -> str:
        return (rf"The kernel $K$ ($n = {np.shape(self.k)[0]}$) and replay distribution $\rho$ "
                rf"satisfy $\alpha K_{{ii}}\rho_i < 1$ and $(1+\gamma)\sum_{{j\ne i}}|K_{{ij}}|\rho_j "
                rf"\le (1-\gamma)K_{{ii}}\rho_i$ for every $i$ (exact check), hence "
                rf"${self.claim_latex()}$ (Achiam et al., Theorem 2).")
