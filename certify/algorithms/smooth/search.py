"""Weighted p-norm Lyapunov certificates at one exponent p: search, rationalise, check exactly.

Two arguments (:mod:`certify.algorithms.smooth.pnorm`): ``norm-equivalence`` with plain weights u = 1 (the
plain threshold p, a n^{1/p} < 1, theory.md section 1, [derived]) and ``young`` with searched
weights (operators whose gradient lies in the simplex; reconstruction).  Each builder returns a
:class:`PNormResult` whose verdict is that of the exact check
:meth:`PNormLyapunovCertificate.verify`, never that of the float search.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.algorithms.smooth.pnorm import (
    PNormLyapunovCertificate,
    make_certificate,
    search_young,
    young_threshold_p,
)
from certify.exact.printing import safe_round
from certify.formatting import exact_text
from certify.mdp.finite import FiniteMDP
from certify.verdict import Verdict


@dataclass(frozen=True)
class PNormResult:
    """A p-norm Lyapunov certificate with its exact check (or why there is none)."""

    argument: str
    p: int | None
    certificate: PNormLyapunovCertificate | None
    verdict: Verdict
    reason: str
    threshold_theory: int | None = None

    @property
    def sup_norm_constant(self) -> float | None:
        """K = (sum w / min w)^{1/p}, w = u/d: ||e(t)||_inf <= K e^{-c t/p} ||e(0)||_inf."""
        c = self.certificate
        if c is None:
            return None
        w = np.array([float(u) / float(d) for u, d in zip(c.u, c.d, strict=True)])
        return float((w.sum() / w.min()) ** (1.0 / c.p))

    def to_dict(self) -> dict:
        c = self.certificate
        out: dict = {"argument": self.argument, "p": self.p, "verdict": self.verdict.value,
                     "reason": self.reason, "threshold_p_theory": self.threshold_theory}
        if c is not None:
            u = np.array([float(x) for x in c.u])
            d = np.array([float(x) for x in c.d])
            out.update({"weights": (u / d).tolist(), "u": u.tolist(), "modulus": c.factor(),
                        "decay_rate": safe_round(c.c, "lower", style="float"),
                        "decay_rate_exact": exact_text(c.c),
                        "norm_decay_rate": safe_round(Fraction(c.c) / c.p, "lower", style="float"),
                        "norm_decay_rate_exact": exact_text(Fraction(c.c) / c.p),
                        "sup_norm_constant": self.sup_norm_constant, "certificate": c.to_dict()})
        else:
            out.update({"weights": None, "modulus": None, "decay_rate": None})
        return out


def certify_weights(mdp: FiniteMDP, d: np.ndarray, operator: str, p: int, u: np.ndarray, c: float,
                    argument: str, grad_bound: Fraction = Fraction(1), tries: int = 8):
    """Rationalise (u, c) and check exactly; shrink c by 10% per failed try (float round-off)."""
    cert = chk = None
    for _ in range(tries):
        cert = make_certificate(mdp, d, operator, p, u, c, argument, grad_bound)
        chk = cert.verify()
        if chk.certified:
            break
        c *= 0.9
    return cert, chk


def plain_at(mdp: FiniteMDP, d: np.ndarray, operator: str, a: float, grad_bound: Fraction,
             p: int, threshold: int | None = None) -> PNormResult:
    """``norm-equivalence`` certificate with u = 1 at p: c = p d_min (1 - a n^{1/p})."""
    n = mdp.n_pairs
    k = a * n ** (1.0 / p)
    if k >= 1:
        return PNormResult("norm-equivalence", p, None, Verdict.INCONCLUSIVE,
                           f"a n^(1/p) = {k:.6g} >= 1 at p = {p}", threshold)
    cert, chk = certify_weights(mdp, d, operator, p, np.ones(n), p * d.min() * (1 - k),
                                "norm-equivalence", grad_bound)
    return PNormResult("norm-equivalence", p, cert, chk.verdict, chk.reason, threshold)


def young_at(mdp: FiniteMDP, d: np.ndarray, operator: str, p: int | None) -> PNormResult:
    """``young`` certificate with searched weights at p (default: the young threshold)."""
    p_th = young_threshold_p(mdp.gamma, mdp.n_actions)
    p_use = p if p is not None else p_th
    found = search_young(mdp, d, p_use)
    if found is None:
        return PNormResult("young", p_use, None, Verdict.INCONCLUSIVE,
                           f"no weights at p = {p_use}: needs gamma (p - 1 + |A|) < p, i.e. "
                           f"p >= {p_th}", p_th)
    cert, chk = certify_weights(mdp, d, operator, p_use, found.u, found.c, "young")
    return PNormResult("young", p_use, cert, chk.verdict, chk.reason, p_th)
