"""Smooth Q-learning certificates held against ODE and stochastic trajectories.

ODE checks (deterministic): from adversarial and random starts (:mod:`certify.algorithms.smooth.decay`),
V(Q(t)) <= V(Q(0)) e^{-ct} for the certified p-norm certificate; for Boltzmann,
||Q(t) - Q*||_inf below the invariant-set envelope (certify.algorithms.smooth.invariant).  Stochastic runs
are reported (mean error first and last) and must not end above where they started.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from certify.algorithms.smooth.analysis import SmoothResult
from certify.algorithms.smooth.decay import check_decay, decay_starts, default_t_end, slow_modes
from certify.algorithms.smooth.ode import simulate_ode, simulate_stochastic
from certify.mdp.finite import FiniteMDP
from certify.verdict import Evidence, Verdict, combine_evidence


@dataclass(frozen=True)
class SmoothCrossval:
    """Checks of one analysis against trajectories, each with a verdict and its numbers."""

    checks: tuple[dict, ...]
    stochastic: dict | None
    modes: dict | None = None

    @property
    def verdict(self) -> Evidence:
        """Cross-validation is evidence, not proof: consistent / violated / inconclusive."""
        return combine_evidence([c["verdict"] for c in self.checks])

    def to_dict(self) -> dict:
        return {"checks": list(self.checks), "stochastic": self.stochastic, "slow_modes": self.modes,
                "verdict": self.verdict.value}


def lyapunov_weights(res: SmoothResult) -> np.ndarray:
    """w_i = u_i / d_i of the certified p-norm certificate of ``res``."""
    cert = res.p_norm.certificate
    return np.array([float(u) / float(d) for u, d in zip(cert.u, cert.d, strict=True)])


def crossval_smooth(res: SmoothResult, alpha: float = 0.1, runs: int = 50, steps: int = 5000,
                    seed: int = 0, starts: int = 2, scale: float = 5.0,
                    rate: float | None = None) -> SmoothCrossval:
    """Cross-validate ``res`` (from :func:`analyze_smooth`) against trajectories.

    ``starts`` random directions are added to the four adversarial ones; ``rate`` overrides the
    certified decay rate c under test (to see a wrong claim refuted).
    """
    mdp: FiniteMDP = res.mdp
    d = np.asarray(res.sampling.d)
    center = res.fixed_point if res.fixed_point is not None else res.q_star
    modes = slow_modes(mdp, d, res.operator, res.temperature, center)
    points = decay_starts(modes, center, scale, starts, seed)
    t_end = default_t_end(modes)
    checks = []
    cert = res.p_norm.certificate if res.p_norm.verdict is Verdict.CERTIFIED else None
    if cert is not None and res.fixed_point is not None:
        c = float(cert.c) if rate is None else float(rate)
        checks += [k.to_dict() for k in check_decay(mdp, d, res.operator, res.temperature,
                                                      res.fixed_point, cert.p, lyapunov_weights(res),
                                                      c, points, t_end)]
    if res.invariant_set is not None:
        t_inv = 10.0 / (float(d.min()) * (1 - mdp.gamma))
        for label, q0 in points:
            traj = simulate_ode(mdp, d, res.operator, res.temperature, q0, t_inv)
            err = traj.errors(res.q_star)
            env = res.invariant_set.envelope(float(err[0]), traj.t)
            worst = float(np.max(err - env))
            checks.append({"check": f"{label}: ||Q(t) - Q*||_inf under the invariant-set envelope",
                           "worst_excess": worst, "final_error": float(err[-1]),
                           "radius": res.invariant_set.radius,
                           "verdict": (Evidence.CONSISTENT if worst <= 1e-7 else Evidence.VIOLATED).value})
    if not checks:
        checks.append({"check": "no certified statement to hold against trajectories",
                       "verdict": Evidence.INCONCLUSIVE.value})
    sto = None
    if runs > 0:
        q0 = center + scale * np.ones_like(center)
        sr = simulate_stochastic(mdp, d, res.operator, res.temperature, alpha, center, q0, runs,
                                 steps, seed)
        m = sr.errors.mean(axis=1)
        sto = {"alpha": alpha, "runs": runs, "steps": steps, "initial_mean_error": float(m[0]),
               "final_mean_error": float(m[-1]), **sr.summary()}
        checks.append({"check": "stochastic runs: mean error at the end <= at the start",
                       "verdict": (Evidence.CONSISTENT if m[-1] <= m[0] else Evidence.VIOLATED).value,
                       "initial": float(m[0]), "final": float(m[-1])})
    mode_doc = {"worst_policy": modes.worst_policy.tolist(), "worst_policy_rate": modes.worst_rate,
                "jacobian_rate": modes.linear_rate, "t_end": t_end}
    return SmoothCrossval(tuple(checks), sto, mode_doc)


def run_smooth_crossval(mdp: str, operator: str, temperature: float | None = None,
                        sampling: str | None = None, p: int | None = None, alpha: float = 0.1,
                        runs: int = 50, steps: int = 5000, seed: int = 0, starts: int = 2,
                        rate: float | None = None) -> dict:
    """``certify crossval smooth`` on plain parameters (claims, sweeps): its --json document."""
    from certify.algorithms.smooth.analysis import run_smooth_result

    res = run_smooth_result(mdp, operator, temperature, sampling, p)
    cv = crossval_smooth(res, alpha, runs, steps, seed, starts=starts, rate=rate)
    return {"analysis": res.to_dict(), "crossval": cv.to_dict(), "verdict": cv.verdict.value}
