"""NTK contraction certificates (Theorem 2 of Achiam, Knight and Abbeel, arXiv 1903.08894).

Claim: the function-space update U3 Q = Q + alpha K D_rho (T*Q - Q) is a sup-norm contraction
with modulus <= b < 1.  Witness: the data (K, rho, gamma, alpha) itself and the bound b.
``verify()`` re-evaluates conditions (16), (17) and beta(K) exactly
(:func:`certify.algorithms.ntk.theorem2.theorem2`) and accepts only if both hold, beta <= b and b < 1.

Numbers are stored so that they read back exactly: a JSON number when the value is a double
(json writes doubles by repr, which round-trips), else a string "p/q".
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, register
from certify.exact import as_fraction
from certify.exact.printing import fmt_upper
from certify.exact.rows import exact_rows
from certify.tolerance import SYMMETRY_RTOL
from certify.verdict import Verdict


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
    from certify.exact import fraction_array

    return fraction_array(np.asarray(data, dtype=object))



def _refuse(why: str, diag: dict | None = None) -> CheckResult:
    return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {why}", diag or {})


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
    subject_fields = ("K", "rho", "gamma", "alpha")

    def claim(self) -> str:
        what = ("a sup-norm contraction with modulus" if self.bound < 1 else
                "sup-norm Lipschitz (not a contraction: the bound is >= 1) with constant")
        return (f"U3 = I + alpha K D_rho (T* - I) is {what} <= "
                f"{fmt_upper(self.bound, 12)} (n = {np.shape(self.k)[0]}, alpha = "
                f"{float(self.alpha):g}, gamma = {float(self.gamma):g})")

    def verify(self) -> CheckResult:
        """Recompute (16), (17) and beta(K) on every row, exactly, from the stored K and rho.

        Achiam, Knight and Abbeel (arXiv 1903.08894), proof of Theorem 2: for any K and
        rho >= 0, ||U3 Q1 - U3 Q2||_inf <= beta ||Q1 - Q2||_inf with
        beta = max_i |1 - alpha a_i| + alpha gamma |a_i| + (1 + gamma) alpha o_i,
        a_i = K_ii rho_i, o_i = sum_{j != i} |K_ij| rho_j.  No float pre-filter: every row is
        evaluated in exact arithmetic (:func:`certify.exact.rows.exact_rows`).
        """
        k, rho, g, a = np.asarray(self.k), np.asarray(self.rho).reshape(-1), self.gamma, self.alpha
        if k.ndim != 2 or k.shape[0] != k.shape[1] or k.shape[0] == 0:
            return _refuse(f"K has shape {k.shape}; expected a non-empty square matrix")
        n = k.shape[0]
        if rho.shape != (n,):
            return _refuse(f"rho has shape {rho.shape}; expected ({n},)")
        if not (0 <= g < 1) or a <= 0:
            return _refuse(f"gamma = {g} and alpha = {a}; expected 0 <= gamma < 1 and alpha > 0")
        if any(as_fraction(r) < 0 for r in rho.tolist()):
            return _refuse("rho has a negative entry")
        try:
            kf = k.astype(float)
        except (TypeError, ValueError, OverflowError):
            return _refuse("K holds an entry that is not a finite number a double can hold")
        asym = float(np.abs(kf - kf.T).max()) if np.all(np.isfinite(kf)) else float("inf")
        if not asym <= SYMMETRY_RTOL * max(1.0, float(np.abs(kf).max())):
            return _refuse(f"K is not symmetric (max |K_ij - K_ji| = {asym:.3g}); an NTK is")
        try:
            diag, off = exact_rows(k, rho, np.arange(n))
        except (TypeError, ValueError, OverflowError) as exc:
            return _refuse(f"K or rho holds a non-finite or non-numeric entry ({exc})")
        m16 = [1 - a * ai for ai in diag]
        m17 = [(1 - g) * ai - (1 + g) * oi for ai, oi in zip(diag, off, strict=True)]
        beta = max(abs(1 - a * ai) + a * g * abs(ai) + (1 + g) * a * oi
                   for ai, oi in zip(diag, off, strict=True))
        w16 = min(range(n), key=lambda i: (m16[i], i))
        w17 = min(range(n), key=lambda i: (m17[i], i))
        diag_out = {"beta": str(beta), "bound": str(self.bound),
                    "condition_16": {"holds": m16[w16] > 0, "worst_row": w16, "margin": str(m16[w16])},
                    "condition_17": {"holds": m17[w17] >= 0, "worst_row": w17, "margin": str(m17[w17])}}
        if m16[w16] <= 0:
            return _refuse(f"(16) fails on row {w16} (alpha K_ii rho_i < 1 does not hold)", diag_out)
        if m17[w17] < 0:
            return _refuse(f"(17) fails on row {w17} ((1 + gamma) sum_(j != i) |K_ij| rho_j <= "
                           "(1 - gamma) K_ii rho_i does not hold)", diag_out)
        if not (beta <= self.bound < 1):
            return _refuse(f"exact beta = {float(beta)!r} and bound {float(self.bound)!r} do not "
                           "satisfy beta <= bound < 1", diag_out)
        return CheckResult(Verdict.CERTIFIED, "exact check of (16), (17) and beta(K) <= bound < 1 "
                           "passed on every row", diag_out)

    def witness_dict(self) -> dict:
        return {"K": exact_json_array(np.asarray(self.k)), "rho": exact_json_array(np.asarray(self.rho)),
                "gamma": exact_json(self.gamma), "alpha": exact_json(self.alpha),
                "bound": str(self.bound)}

    @classmethod
    def from_dict(cls, data: dict) -> NTKContractionCertificate:
        w = data["witness"]
        return cls(exact_from_json(w["K"]), exact_from_json(w["rho"]), as_fraction(w["gamma"]),
                   as_fraction(w["alpha"]), as_fraction(w["bound"]), data.get("solver"))
