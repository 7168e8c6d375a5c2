"""Trajectories of smooth Q-learning: the ODE (scipy solve_ivp) and the stochastic iteration.

ODE (seed 000; Lee and Na, arXiv 2404.14442):  dQ/dt = D (F_h(Q) - Q),  F_h(Q) = R + gamma P H(Q).

Stochastic asynchronous smooth Q-learning, i.i.d. sampling, constant step alpha:
    (s, a) ~ d,  s' ~ P(.|s, a),  Q(s, a) <- Q(s, a) + alpha (R(s, a) + gamma h(Q(s', .)) - Q(s, a)),
run by the shared compiled simulator (:func:`certify.algorithms.qlearning.simulate.simulate_qlearning`
with ``operator=h``): one independent random stream per run, so the same seed gives the same
runs whatever the batch size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from certify.argcheck import check_count
from certify.errors import InvalidInput, SolverError
from certify.mdp.bellman import bellman_optimality
from certify.mdp.finite import FiniteMDP
from certify.mdp.validate import check_step_size


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
                        steps: int = 10_000, seed: int = 0, n_records: int = 50,
                        progress: bool = False) -> StochasticRuns:
    """Constant-step stochastic smooth Q-learning, ``runs`` runs at once (module docstring).

    Errors ||Q_k - target||_inf are recorded at ``n_records + 1`` evenly spaced steps.
    """
    from certify.algorithms.qlearning.simulate import simulate_qlearning
    from certify.mdp.sampling import Sampling

    alpha = check_step_size(alpha)
    n_records = check_count(n_records, "n_records")
    if isinstance(steps, int) and not isinstance(steps, bool) and steps >= 1:
        times = np.unique(np.linspace(0, steps, n_records + 1).astype(np.int64))
    else:
        times = None  # simulate_qlearning rejects the bad ``steps`` with a clear message
    sampling = Sampling(np.asarray(d, dtype=float), "iid", None, "d over state-action pairs")
    sim = simulate_qlearning(mdp, alpha, sampling, runs=runs, steps=steps, seed=seed,
                             q0=np.asarray(q0, dtype=float).reshape(mdp.n_states, mdp.n_actions),
                             times=times, operator=operator,
                             temperature=None if operator == "max" else temperature,
                             target=target, progress=progress)
    return StochasticRuns(sim.times, sim.errors.T.copy(),
                          sim.q_final.reshape(runs, mdp.n_states, mdp.n_actions))
