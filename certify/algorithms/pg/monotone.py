"""The objective's monotone increase along the noiseless particle flow (seed 004).

Without noise the particle scheme of :mod:`certify.algorithms.pg.meanfield` is

    theta_n <- theta_n + eta D_n,   D_n = grad dV/dnu(nu, theta_n) - (sigma^2/2) kappa theta_n,

which is gradient ascent, with step eta N, on the N-particle objective

    G_N(theta_1..N) = V^{pi_nu}_tau(rho) - (sigma^2/2) int U dnu
                    = V^{pi_nu}_tau(rho) - (sigma^2 kappa / 4) (1/N) sum_n |theta_n|^2,

that is J^{tau,sigma}(nu) = V - (sigma^2/2) KL(nu | e^{-U}) without the entropy term (only the
noise acts on the entropy), since grad_{theta_n} G_N = D_n / N.  **Derived** (checked in
``certify/proofs/pg_constants.py``, step 7): with C2 and L the bounds of
:mod:`certify.algorithms.pg.constants` and W1(nu, nu') <= (1/N) sum_n |theta_n - theta'_n|, grad G_N is
(Lam / N)-Lipschitz on R^{N d}, Lam = C2 + L + sigma^2 kappa / 2, so the ascent lemma gives,
for every step,

    G_N(next) - G_N(now) >= eta (1 - eta Lam / 2) (1/N) sum_n |D_n|^2   (>= 0 if eta < 2/Lam).

The run is held against this inequality step by step (floating point, so a small rounding
allowance): ``consistent`` when every step meets it, ``violated`` when one does not,
``inconclusive`` when eta >= 2 / Lam (no prediction).  Cross-validation is evidence, not a
certificate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from certify.algorithms.pg.constants import bound_constants
from certify.algorithms.pg.meanfield import MeanField, full_drift, initial_particles
from certify.algorithms.pg.params import check_count, check_positive, warn_few_particles
from certify.exact import as_fraction, round_down_float
from certify.verdict import Evidence

CONSISTENT, VIOLATED, INCONCLUSIVE = (Evidence.CONSISTENT.value, Evidence.VIOLATED.value,
                                      Evidence.INCONCLUSIVE.value)

#: Relative allowance for rounding in the computed objective (linear solves in doubles).
ROUNDING_RTOL: float = 1e-10


def objective(mf: MeanField, value: float, theta: np.ndarray) -> float:
    """G_N = V(rho) - (sigma^2 kappa / 4) (1/N) sum_n |theta_n|^2 (module docstring)."""
    sq = float((theta.reshape(len(theta), -1) ** 2).sum(axis=1).mean())
    return value - 0.25 * mf.sigma**2 * mf.kappa * sq


def check_increase(objectives: np.ndarray, guaranteed: np.ndarray,
                   rtol: float = ROUNDING_RTOL) -> tuple[int, int, float]:
    """(steps that decrease G, steps short of the guaranteed increase, worst shortfall).

    Step k is short when G_{k+1} - G_k < guaranteed_k - rtol (1 + |G_k|); the shortfall is
    guaranteed_k - (G_{k+1} - G_k) (<= 0 when the step meets the prediction).
    """
    g = np.asarray(objectives, dtype=float)
    inc = np.diff(g)
    slack = rtol * (1.0 + np.abs(g[:-1]))
    shortfall = np.asarray(guaranteed, dtype=float) - inc
    decreases = int(np.sum(inc < -slack))
    short = int(np.sum(shortfall > slack))
    return decreases, short, float(shortfall.max()) if len(shortfall) else 0.0


@dataclass(frozen=True)
class MonotoneResult:
    """Noiseless flow: objective G_N per step, the predicted increase per step, the verdict."""

    eta: float
    lam: float
    step_limit: float
    objectives: np.ndarray
    guaranteed: np.ndarray
    decreases: int
    shortfalls: int
    worst_shortfall: float
    verdict: str
    reason: str

    def to_dict(self) -> dict:
        return {"eta": self.eta, "steps": int(len(self.objectives) - 1), "lam_bound": self.lam,
                "step_limit": self.step_limit, "objective_initial": float(self.objectives[0]),
                "objective_final": float(self.objectives[-1]),
                "min_increase": float(np.diff(self.objectives).min()),
                "min_guaranteed_increase": float(self.guaranteed.min()),
                "decreases": self.decreases, "shortfalls": self.shortfalls,
                "worst_shortfall": self.worst_shortfall, "verdict": self.verdict,
                "reason": self.reason}


def flow_monotonicity(mf: MeanField, particles: int, eta: float, steps: int, seed: int = 0,
                      shift: float = 0.0, drift_lip=None) -> MonotoneResult:
    """Run the noiseless particle scheme from N(shift, I) and check the ascent inequality.

    Parameters
    ----------
    mf : MeanField
        The mean-field problem.
    particles : int
        Number of particles N.
    eta : float
        Step size.
    steps : int
    seed : int
        Seed of the initial particles.
    shift : float
        Mean of the initial particles.
    drift_lip : Fraction, optional
        An exact upper bound on Lam = C2 + L + sigma^2 kappa/2 (e.g. from the
        problem-specific constants) that replaces the closed-form one when given.
    """
    n = check_count(particles, "particles", 1)
    warn_few_particles(n, "the mean-field approximation")
    eta = check_positive(eta, "eta")
    steps = check_count(steps, "steps")
    theta = initial_particles(mf, n, np.random.default_rng(seed), shift)
    lam_exact = bound_constants(mf).drift_lip if drift_lip is None else drift_lip
    step_ok = as_fraction(eta) * lam_exact < 2
    factor = eta * (1.0 - eta * float(lam_exact) / 2.0)
    objectives, guaranteed = [], []
    for k in range(steps + 1):
        drift, value = full_drift(mf, theta)
        objectives.append(objective(mf, value, theta))
        if k == steps:
            break
        guaranteed.append(factor * float((drift.reshape(n, -1) ** 2).sum(axis=1).mean()))
        theta = theta + eta * drift
    g, gu = np.array(objectives), np.array(guaranteed)
    decreases, short, worst = check_increase(g, gu)
    limit = round_down_float(2 / lam_exact)
    if not step_ok:
        verdict = INCONCLUSIVE
        reason = (f"eta = {eta:g} >= 2/Lam = {limit:.6g}: the ascent lemma predicts nothing "
                  f"({decreases} decreasing steps seen)")
    elif short:
        verdict = VIOLATED
        reason = (f"{short} steps increase G_N less than eta (1 - eta Lam/2) mean|D|^2 "
                  f"({decreases} decrease it); worst shortfall {worst:.3g}")
    else:
        verdict = CONSISTENT
        reason = (f"G_N increased at every one of {steps} steps by at least the predicted "
                  f"eta (1 - eta Lam/2) mean|D|^2 (eta < 2/Lam = {limit:.6g})")
    return MonotoneResult(eta, float(lam_exact), limit, g, gu, decreases, short, worst,
                          verdict, reason)
