"""Sup-norm contraction moduli of the smoothed Bellman map F_h(Q) = R + gamma P H(Q).

The Jacobian of F_h at Q is gamma P J_H(Q), J_H block diagonal with the gradients of h, so
(theory.md section 1; Lee and Na, arXiv 2404.14442)

    ||F_h||_{Lip, inf} = gamma * sup_q ||grad h(q)||_1 .

* max, lse, mellowmax, soft: grad h lies in the simplex (certify.proofs.smooth_max_gradient), so the
  modulus is exactly gamma.
* Boltzmann: sup_q ||grad h_bz(q)||_1 is temperature-free (grad h_lam(q) = grad h_1(lam q)) and
  is enclosed rigorously for every m by :func:`certify.exact.boltzmann.boltzmann_grad_sup`
  (a one-variable reduction, then interval branch and bound): about 1.19968 for m = 2 and
  1.56273 for m = 6, so F_bz contracts in the sup norm iff gamma * sup < 1.  Where
  gamma * lower > 1 the point Q with every row equal to (x*/lam, 0, ..., 0) is a witness: the
  Jacobian of F_bz there has sup-norm gamma ||grad h(x*/lam, 0, ..., 0)||_1 > 1 (checked in
  interval arithmetic from the full formula, independently of the reduction), so F_bz is not a
  sup-norm contraction.  The older closed-form bound 1 + 2 (m - 1) e^{-2}
  (certify.proofs.boltzmann_gradient) is still accepted by :func:`check_boltzmann_bound`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy.optimize import minimize_scalar

from certify.certificates.pnorm import SIMPLEX_OPERATORS
from certify.exact import as_fraction, round_down_float, round_up_float
from certify.exact.boltzmann import _iv, boltzmann_grad_sup
from certify.exact.intervals import endpoints
from certify.exact.printing import fmt_lower, fmt_upper
from certify.verdict import Verdict


def boltzmann_grad_bound(m: int) -> Fraction:
    """Rational B >= sup_q ||grad h_bz(q)||_1 for m actions (certified enclosure, upper end)."""
    return boltzmann_grad_sup(m).upper


def _g2(x: float) -> float:
    s = 1.0 / (1.0 + math.exp(-x))
    return 1.0 + 2.0 * (1.0 - s) * max(x * s - 1.0, 0.0)


def boltzmann_sup_two_actions() -> tuple[float, float]:
    """(x*, g(x*)): the maximiser and maximum of ||grad h_bz||_1 for two actions (lam = 1)."""
    res = minimize_scalar(lambda x: -_g2(x), bounds=(1.0, 20.0), method="bounded",
                          options={"xatol": 1e-12})
    return float(res.x), _g2(float(res.x))


def boltzmann_grad_norm_interval(q: np.ndarray, temperature: float):
    """Interval enclosure of ||grad h_bz(q)||_1 at the exact (float) point q."""
    iv = _iv()  # a private interval context (certify never touches mpmath.iv)
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
        gamma * sup ||grad h||_1 (computed: for Boltzmann the certified witness value).
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
    lower : Fraction
        A rigorous lower bound of the modulus (for Boltzmann; gamma otherwise).
    """

    value: float
    theory: str
    upper: Fraction
    verdict: Verdict
    witness: dict = field(default_factory=dict)
    lower: Fraction | None = None

    def to_dict(self) -> dict:
        lo = self.upper if self.lower is None else self.lower
        return {"value": self.value, "upper": str(self.upper), "upper_float": round_up_float(self.upper),
                "interval": [round_down_float(lo), round_up_float(self.upper)],
                "theory": self.theory, "verdict": self.verdict.value, "witness": self.witness,
                "fragile": self.fragile}

    @property
    def fragile(self) -> bool:
        """Whether ``upper < 1`` holds within rounding of 1 (:mod:`certify.margin`)."""
        from certify.margin import margin_fields

        return margin_fields(1 - self.upper)["fragile"]


def sup_norm_modulus(operator: str, gamma: float, n_actions: int,
                     temperature: float | None = None) -> SupNormModulus:
    """Sup-norm contraction modulus of F_h (see module docstring)."""
    g = as_fraction(gamma)
    if operator in SIMPLEX_OPERATORS:
        v = Verdict.CERTIFIED if g < 1 else Verdict.INCONCLUSIVE
        return SupNormModulus(float(gamma), "gamma: grad h lies in the simplex", g, v,
                              {"argument": "certify.proofs.smooth_max_gradient"}, g)
    m = n_actions
    if m == 1:
        return SupNormModulus(float(gamma), "one action: h(q) = q", g, Verdict.CERTIFIED, {}, g)
    enc = boltzmann_grad_sup(m)
    upper, lower = g * enc.upper, g * enc.lower
    q = np.zeros(m)
    q[0] = float(enc.x_star) / temperature
    at = boltzmann_grad_norm_interval(q, temperature) * _iv().mpf(float(gamma))
    theory = (f"gamma * sup_q ||grad h_bz(q)||_1, sup in [{fmt_lower(enc.lower, 12)}, "
              f"{fmt_upper(enc.upper, 12)}] for m = {m} (reduction + interval branch and bound)")
    witness = {"q_row": q.tolist(), "temperature": temperature,
               "jacobian_sup_norm_lower": round_down_float(endpoints(at)[0]), "grad_l1_sup": enc.to_dict(),
               "note": "Q(s, .) = q_row for every state s; Jacobian sup-norm = gamma ||grad h(q_row)||_1"}
    if upper < 1:
        verdict = Verdict.CERTIFIED
    elif at.a > 1:
        verdict = Verdict.REFUTED
    else:
        verdict = Verdict.INCONCLUSIVE
    return SupNormModulus(float(gamma) * float(enc.lower), theory, upper, verdict, witness, lower)
