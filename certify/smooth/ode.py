"""Trajectories of smooth Q-learning: the ODE (scipy solve_ivp) and the stochastic iteration.

ODE (seed 000; Lee and Na, arXiv 2404.14442):  dQ/dt = D (F_h(Q) - Q),  F_h(Q) = R + gamma P H(Q).

Stochastic asynchronous smooth Q-learning, i.i.d. sampling, constant step alpha:
    (s, a) ~ d,  s' ~ P(.|s, a),  Q(s, a) <- Q(s, a) + alpha (R(s, a) + gamma h(Q(s', .)) - Q(s, a)),
vectorised over independent runs (batch axis first) with one numpy Generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from ..errors import InvalidInput, SolverError
from ..mdp.bellman import bellman_optimality, smooth_max
from ..mdp.finite import FiniteMDP
from ..mdp.validate import check_step_size


@dataclass(frozen=True)
class ODETrajectory:
    """Solution of the ODE at the times ``t``: ``q`` has shape (len(t), S, A)."""

    t: np.ndarray
    q: np.ndarray

    def errors(self, target: np.ndarray) -> np.ndarray:
        """||Q(t) - target||_inf at every recorded time."""
        return np.abs(self.q - target).reshape(len(self.t), -1).max(axis=1)


def simulate_ode(mdp: FiniteMDP, d: np.ndarray, operator: str, temperature: float | None,
                 q0: np.ndarray, t_end: float, n_points: int = 200) -> ODETrajectory:
    """Integrate dQ/dt = D (F_h(Q) - Q) from q0 on [0, t_end] (RK45, rtol 1e-10, atol 1e-12)."""
    if not np.isfinite(t_end) or t_end <= 0:
        raise InvalidInput(f"t_end = {t_end!r}; expected a finite time > 0")
    S, A = mdp.n_states, mdp.n_actions
    dd = np.asarray(d, dtype=float).reshape(S, A)

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        q = y.reshape(S, A)
        return (dd * (bellman_optimality(mdp, q, operator, temperature) - q)).reshape(-1)

    t_eval = np.linspace(0.0, t_end, n_points)
    sol = solve_ivp(rhs, (0.0, t_end), np.asarray(q0, dtype=float).reshape(-1), t_eval=t_eval,
                    rtol=1e-10, atol=1e-12)
    if not sol.success:
        raise SolverError(f"solve_ivp failed on the smooth Q-learning ODE: {sol.message}")
    return ODETrajectory(sol.t, sol.y.T.reshape(-1, S, A))


@dataclass(frozen=True)
class StochasticRuns:
    """Sup-norm errors of ``runs`` independent runs at the recorded steps.

    ``errors`` has shape (len(steps), runs).
    """

    steps: np.ndarray
    errors: np.ndarray
    final_q: np.ndarray

    def summary(self) -> dict:
        e = self.errors
        return {"steps": self.steps.tolist(), "mean": e.mean(axis=1).tolist(),
                "q10": np.quantile(e, 0.1, axis=1).tolist(),
                "q90": np.quantile(e, 0.9, axis=1).tolist()}


def simulate_stochastic(mdp: FiniteMDP, d: np.ndarray, operator: str, temperature: float | None,
                        alpha: float, target: np.ndarray, q0: np.ndarray, runs: int = 100,
                        steps: int = 10_000, seed: int = 0, n_records: int = 50) -> StochasticRuns:
    """Constant-step stochastic smooth Q-learning, ``runs`` runs at once (module docstring)."""
    alpha = check_step_size(alpha)
    if runs < 1 or steps < 1:
        raise InvalidInput(f"runs = {runs}, steps = {steps}; expected integers >= 1")
    rng = np.random.default_rng(seed)
    S, A = mdp.n_states, mdp.n_actions
    n = S * A
    cum_d = np.cumsum(np.asarray(d, dtype=float))
    cum_p = np.cumsum(mdp.P.reshape(n, S), axis=1)
    r = mdp.r_vector
    q = np.broadcast_to(np.asarray(q0, dtype=float).reshape(n), (runs, n)).copy()
    tgt = np.asarray(target, dtype=float).reshape(n)
    rec = np.unique(np.linspace(0, steps, n_records + 1).astype(int))
    out = np.empty((len(rec), runs))
    batch = np.arange(runs)
    k_rec = 0
    for k in range(steps + 1):
        if k == rec[k_rec]:
            out[k_rec] = np.abs(q - tgt).max(axis=1)
            k_rec += 1
            if k_rec == len(rec):
                break
        i = np.minimum(np.searchsorted(cum_d, rng.random(runs), side="right"), n - 1)
        s2 = np.minimum((cum_p[i] <= rng.random(runs)[:, None]).sum(axis=1), S - 1)
        nxt = q.reshape(runs, S, A)[batch, s2]
        target_i = r[i] + mdp.gamma * smooth_max(nxt, operator, temperature)
        q[batch, i] += alpha * (target_i - q[batch, i])
    return StochasticRuns(rec, out, q.reshape(runs, S, A))
