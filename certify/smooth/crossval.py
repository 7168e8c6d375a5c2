"""Smooth Q-learning certificates held against ODE and stochastic trajectories.

ODE check (sharp, deterministic): from starting points Q* + perturbations, V(Q(t)) <= V(Q(0)) e^{-ct}
for the certified p-norm certificate (relative slack 1e-6 for integration error); for Boltzmann,
||Q(t) - Q*||_inf below the invariant-set envelope (certify.smooth.invariant).  Stochastic runs
are reported (mean error first and last) and must not end above where they started.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..mdp.finite import FiniteMDP
from ..verdict import Verdict, combine
from .analysis import SmoothResult
from .ode import simulate_ode, simulate_stochastic


@dataclass(frozen=True)
class SmoothCrossval:
    """Checks of one analysis against trajectories, each with a verdict and its numbers."""

    checks: tuple[dict, ...]
    stochastic: dict | None

    @property
    def verdict(self) -> Verdict:
        return combine([Verdict(c["verdict"]) for c in self.checks])

    def to_dict(self) -> dict:
        return {"checks": list(self.checks), "stochastic": self.stochastic,
                "verdict": self.verdict.value}


def lyapunov_values(res: SmoothResult, q: np.ndarray) -> np.ndarray:
    cert = res.p_norm.certificate
    w = np.array([float(u) / float(d) for u, d in zip(cert.u, cert.d, strict=True)])
    e = (q - res.fixed_point).reshape(len(q), -1)
    return (w * e ** cert.p).sum(axis=1) / cert.p


def crossval_smooth(res: SmoothResult, alpha: float = 0.1, runs: int = 50, steps: int = 5000,
                    seed: int = 0, starts: int = 3, scale: float = 5.0) -> SmoothCrossval:
    """Cross-validate ``res`` (from :func:`analyze_smooth`) against trajectories."""
    mdp: FiniteMDP = res.mdp
    d = np.asarray(res.sampling.d)
    rng = np.random.default_rng(seed)
    center = res.fixed_point if res.fixed_point is not None else res.q_star
    checks = []
    cert = res.p_norm.certificate if res.p_norm.verdict is Verdict.CERTIFIED else None
    t_end = 10.0 / (float(d.min()) * (1 - mdp.gamma))
    for k in range(starts):
        q0 = center + scale * rng.uniform(-1, 1, size=center.shape)
        traj = simulate_ode(mdp, d, res.operator, res.temperature, q0, t_end)
        if cert is not None and res.fixed_point is not None:
            v = lyapunov_values(res, traj.q)
            bound = v[0] * np.exp(-float(cert.c) * traj.t)
            worst = float(np.max((v - bound) / (v[0] + 1e-300)))
            ok = worst <= 1e-6
            checks.append({"check": f"start {k}: V(Q(t)) <= V(Q(0)) exp(-c t)", "worst_excess": worst,
                           "final_error": float(traj.errors(res.fixed_point)[-1]),
                           "verdict": (Verdict.CERTIFIED if ok else Verdict.REFUTED).value})
        if res.invariant_set is not None:
            err = traj.errors(res.q_star)
            env = res.invariant_set.envelope(float(err[0]), traj.t)
            worst = float(np.max(err - env))
            checks.append({"check": f"start {k}: ||Q(t) - Q*||_inf under the invariant-set envelope",
                           "worst_excess": worst, "final_error": float(err[-1]),
                           "radius": res.invariant_set.radius,
                           "verdict": (Verdict.CERTIFIED if worst <= 1e-7 else Verdict.REFUTED).value})
    if not checks:
        checks.append({"check": "no certified statement to hold against trajectories",
                       "verdict": Verdict.INCONCLUSIVE.value})
    sto = None
    if runs > 0:
        q0 = center + scale * np.ones_like(center)
        sr = simulate_stochastic(mdp, d, res.operator, res.temperature, alpha, center, q0, runs,
                                 steps, seed)
        m = sr.errors.mean(axis=1)
        sto = {"alpha": alpha, "runs": runs, "steps": steps, "initial_mean_error": float(m[0]),
               "final_mean_error": float(m[-1]), **sr.summary()}
        checks.append({"check": "stochastic runs: mean error at the end <= at the start",
                       "verdict": (Verdict.CERTIFIED if m[-1] <= m[0] else Verdict.REFUTED).value,
                       "initial": float(m[0]), "final": float(m[-1])})
    return SmoothCrossval(tuple(checks), sto)
