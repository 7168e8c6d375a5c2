"""The Boltzmann invariant set around Q* (theory.md section 1, [derived]).

For the Boltzmann operator, lse(q) - h_bz(q) = H(softmax(lam q)) / lam <= ln(m)/lam (entropy
identity), and lse >= max, so max - ln(m)/lam <= h_bz <= max (certify.proofs.smooth_max_sandwich).
Hence ||F_bz(Q) - T(Q)||_inf <= eps = gamma ln(m) / lam for every Q, with T the Bellman optimality
operator, a gamma-contraction.  Consequences (derived, not a statement quoted from the paper):

* any fixed point satisfies ||Q_bz - Q*||_inf <= eps / (1 - gamma) = gamma ln(m) / (lam (1 - gamma));
* along the ODE dQ/dt = D (F_bz(Q) - Q), where |e_i| = ||e||_inf = r, sign(e_i) de_i/dt <=
  d_i (gamma r + eps - r), so the ball B = {||Q - Q*||_inf <= eps/(1 - gamma)} is forward invariant
  and (r(t) - rho)_+ <= (r(0) - rho)_+ exp(-d_min (1 - gamma) t), rho = eps / (1 - gamma).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.exact import as_fraction, round_up_float
from certify.exact.intervals import log_enclosure
from certify.verdict import Verdict


@dataclass(frozen=True)
class InvariantSet:
    """The sup-norm ball around Q* that attracts the Boltzmann ODE (derived)."""

    norm: str
    radius: float
    center: np.ndarray
    rate: float
    verdict: Verdict
    statement: str

    def to_dict(self) -> dict:
        return {"norm": self.norm, "radius": self.radius, "center": self.center.tolist(),
                "rate": self.rate, "verdict": self.verdict.value, "statement": self.statement,
                "status": "derived (reconstruction; certify.proofs.smooth_max_sandwich)"}

    def envelope(self, r0: float, t: np.ndarray) -> np.ndarray:
        """Upper bound on ||Q(t) - Q*||_inf along the ODE from an error r0."""
        return self.radius + max(r0 - self.radius, 0.0) * np.exp(-self.rate * np.asarray(t))


def boltzmann_invariant_set(gamma: float, n_actions: int, temperature: float,
                            q_star: np.ndarray, d_min: float) -> InvariantSet:
    """Radius gamma ln(m) / (lam (1 - gamma)) (see module docstring), an upper bound: computed
    exactly from the given doubles with ln(m) enclosed from above, then rounded up to a double."""
    g, lam = as_fraction(gamma), as_fraction(temperature)
    ln_m = log_enclosure(n_actions)[1] if n_actions > 1 else Fraction(0)
    radius = round_up_float(g * ln_m / (lam * (1 - g)))
    return InvariantSet(
        "sup", radius, np.asarray(q_star), d_min * (1.0 - gamma), Verdict.CERTIFIED,
        "||Q - Q*||_inf <= gamma ln(m) / (lambda (1 - gamma)) is forward invariant and attracting "
        "for the Boltzmann ODE, and holds at every fixed point of F_bz")
