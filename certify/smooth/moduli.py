"""Sup-norm contraction moduli of the smoothed Bellman map F_h(Q) = R + gamma P H(Q).

The Jacobian of F_h at Q is gamma P J_H(Q), J_H block diagonal with the gradients of h, so
(theory.md section 1; Lee and Na, arXiv 2404.14442)

    ||F_h||_{Lip, inf} = gamma * sup_q ||grad h(q)||_1 .

* max, lse, mellowmax, soft: grad h lies in the simplex (proofs.smooth_max_gradient), so the
  modulus is exactly gamma.
* Boltzmann: grad_a h = w_a (1 + y_a) with w = softmax(lam q), y_a = lam (q_a - h(q)).  Since
  sum_a grad_a h = 1, ||grad h||_1 = 1 + 2 sum_a w_a (-1 - y_a)_+; as w_a <= exp(y_a) and
  sup_{y} exp(y) (-1 - y) = e^{-2}, ||grad h||_1 <= 1 + 2 (m - 1) e^{-2} (proofs.boltzmann_gradient,
  a reconstruction).  For m = 2 the supremum is a 1-D maximisation in x = lam (q_1 - q_2),
    g(x) = 1 + 2 (1 - s)(x s - 1)_+,  s = 1 / (1 + e^{-x}),
  about 1.1997, independent of lam by scaling.  Where gamma * g > 1 the point Q with every row
  equal to (x*/lam, 0, ..., 0) is a witness: the Jacobian of F_bz there has sup-norm gamma g(x*)
  > 1 (checked in interval arithmetic), so F_bz is not a sup-norm contraction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import numpy as np
from scipy.optimize import minimize_scalar

from ..exact import as_fraction
from ..verdict import Verdict

SIMPLEX_OPERATORS = ("max", "lse", "mellowmax", "soft")
"""Operators whose gradient (or subgradient) lies in the probability simplex."""


def exp_lower(x: Fraction, terms: int = 40) -> Fraction:
    """A rational lower bound of exp(x) for x >= 0: the Taylor partial sum (positive terms)."""
    s, t = Fraction(0), Fraction(1)
    for k in range(terms):
        s += t
        t = t * x / (k + 1)
    return s


def boltzmann_grad_bound(m: int) -> Fraction:
    """Rational B >= 1 + 2 (m - 1) e^{-2}: an upper bound of sup ||grad h_bz||_1 for m actions."""
    if m < 2:
        return Fraction(1)
    return 1 + Fraction(2 * (m - 1)) / exp_lower(Fraction(2))


def check_boltzmann_bound(b: Fraction, m: int) -> bool:
    """Exact check of B >= 1 + 2 (m - 1) e^{-2}, using a rational lower bound of e^2."""
    if m < 2:
        return b >= 1
    return (b - 1) * exp_lower(Fraction(2)) >= 2 * (m - 1)


def _g2(x: float) -> float:
    s = 1.0 / (1.0 + math.exp(-x))
    return 1.0 + 2.0 * (1.0 - s) * max(x * s - 1.0, 0.0)


def boltzmann_sup_two_actions() -> tuple[float, float]:
    """(x*, g(x*)): the maximiser and maximum of ||grad h_bz||_1 for two actions (lam = 1)."""
    res = minimize_scalar(lambda x: -_g2(x), bounds=(1.0, 20.0), method="bounded",
                          options={"xatol": 1e-12})
    return float(res.x), _g2(float(res.x))


def boltzmann_grad_norm_interval(q: np.ndarray, temperature: float) -> mpmath.ctx_iv.ivmpf:
    """Interval enclosure of ||grad h_bz(q)||_1 at the exact (float) point q."""
    iv = mpmath.iv
    lam = iv.mpf(as_fraction(temperature).numerator) / as_fraction(temperature).denominator
    qs = [iv.mpf(float(v)) for v in q]
    top = max(float(v) for v in q)
    z = [iv.exp(lam * (v - top)) for v in qs]
    tot = sum(z[1:], z[0])
    w = [zi / tot for zi in z]
    h = sum((wi * vi for wi, vi in zip(w[1:], qs[1:], strict=True)), w[0] * qs[0])
    return sum((abs(wi * (1 + lam * (vi - h))) for wi, vi in zip(w, qs, strict=True)), iv.mpf(0))


@dataclass(frozen=True)
class SupNormModulus:
    """Sup-norm Lipschitz modulus of F_h.

    Attributes
    ----------
    value : float
        gamma * sup ||grad h||_1 (computed; for Boltzmann with m > 2 the best value found).
    theory : str
        Where the value comes from.
    upper : Fraction
        A rigorous upper bound of the modulus (exact rational).
    verdict : Verdict
        CERTIFIED when ``upper`` < 1 (a contraction), REFUTED when a witness point has
        Jacobian sup-norm > 1, INCONCLUSIVE otherwise.
    witness : dict
        For Boltzmann: the point q (one state's row, repeated on every state), the rigorous
        lower bound of gamma ||grad h(q)||_1 there.
    """

    value: float
    theory: str
    upper: Fraction
    verdict: Verdict
    witness: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"value": self.value, "upper": str(self.upper), "upper_float": float(self.upper),
                "theory": self.theory, "verdict": self.verdict.value, "witness": self.witness}


def sup_norm_modulus(operator: str, gamma: float, n_actions: int,
                     temperature: float | None = None) -> SupNormModulus:
    """Sup-norm contraction modulus of F_h (see module docstring)."""
    g = as_fraction(gamma)
    if operator in SIMPLEX_OPERATORS:
        v = Verdict.CERTIFIED if g < 1 else Verdict.INCONCLUSIVE
        return SupNormModulus(float(gamma), "gamma: grad h lies in the simplex", g, v,
                              {"argument": "proofs.smooth_max_gradient"})
    m = n_actions
    b = boltzmann_grad_bound(m)
    upper = g * b
    if m == 1:
        return SupNormModulus(float(gamma), "one action: h(q) = q", g, Verdict.CERTIFIED)
    x, gx = boltzmann_sup_two_actions()
    if m == 2:
        q = np.array([x / temperature, 0.0])
        theory = "gamma * max_x g(x), g(x) = 1 + 2(1 - s)(x s - 1)_+ (1-D, temperature-free)"
    else:
        q, gx = _boltzmann_search(m, temperature)
        theory = (f"gamma * best ||grad h||_1 found over two-level points (m = {m}); "
                  f"rigorous upper bound 1 + 2(m-1)e^-2")
    enc = boltzmann_grad_norm_interval(q, temperature) * mpmath.iv.mpf(float(gamma))
    lo = float(enc.a)
    witness = {"q_row": q.tolist(), "temperature": temperature,
               "jacobian_sup_norm_lower": lo, "grad_l1_sup_bound": float(b),
               "note": "Q(s, .) = q_row for every state s; Jacobian sup-norm = gamma ||grad h(q_row)||_1"}
    if upper < 1:
        verdict = Verdict.CERTIFIED
    elif enc.a > 1:
        verdict = Verdict.REFUTED
    else:
        verdict = Verdict.INCONCLUSIVE
    return SupNormModulus(float(gamma) * gx, theory, upper, verdict, witness)


def _boltzmann_search(m: int, temperature: float) -> tuple[np.ndarray, float]:
    """Best ||grad h_bz||_1 over points with k actions at x and m - k at 0 (a lower bound)."""
    from ..mdp.bellman import smooth_max_grad

    best = (np.zeros(m), 1.0)
    for k in range(1, m):
        def neg(x: float, k: int = k) -> float:
            q = np.r_[np.full(k, x), np.zeros(m - k)]
            return -float(np.abs(smooth_max_grad(q, "boltzmann", 1.0)).sum())
        r = minimize_scalar(neg, bounds=(0.0, 30.0), method="bounded", options={"xatol": 1e-10})
        if -r.fun > best[1]:
            best = (np.r_[np.full(k, r.x), np.zeros(m - k)] / temperature, float(-r.fun))
    return best
