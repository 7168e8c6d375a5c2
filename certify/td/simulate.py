"""Vectorised Monte-Carlo runs of the gradient-TD family; RMSPBE curves (seed 003, Sec. 5.3).

Each step draws, for every run at once, an i.i.d. sample s ~ mu, a ~ beta(.|s),
s' ~ P(.|s, a) (seed 003, Assumption 3) and applies the update rules of
:mod:`certify.td.algorithms` in their original heavy-ball form.  The batch axis is the run;
run r uses stream r of ``numpy.random.SeedSequence(seed)``, so a run's trajectory does not
depend on how many runs are simulated.  Step sizes: the timescale steps a_i(n) = c_i /
(n+1)^{e_i} give alpha, beta, varrho, varrho' as in :class:`~certify.td.algorithms.Algorithm`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..mdp.problem import Problem
from ..simulate.rng import check_seed
from .algorithms import get_algorithm
from .linear import LinearTD, from_problem
from .stepsizes import parse_exponents, schedule


@dataclass(frozen=True, eq=False)
class TDSimulation:
    """RMSPBE statistics over runs at recorded times and the final iterates."""

    algorithm: str
    times: np.ndarray
    rmspbe_mean: np.ndarray
    rmspbe_q10: np.ndarray
    rmspbe_q90: np.ndarray
    theta_final: np.ndarray
    theta_star: np.ndarray | None
    diverged: int

    def to_dict(self) -> dict:
        ts = self.theta_star
        err = None if ts is None else float(np.linalg.norm(self.theta_final.mean(0) - ts))
        return {"algorithm": self.algorithm, "times": self.times.tolist(),
                "rmspbe_mean": self.rmspbe_mean.tolist(), "rmspbe_q10": self.rmspbe_q10.tolist(),
                "rmspbe_q90": self.rmspbe_q90.tolist(),
                "theta_final_mean": self.theta_final.mean(0).tolist(),
                "theta_star": None if ts is None else ts.tolist(),
                "distance_to_theta_star": err, "diverged_runs": self.diverged}


def _steps(algo, a: np.ndarray) -> dict:
    """alpha, beta, varrho, varrho' arrays from the timescale steps a (N, T)."""
    if algo.momentum == 0:
        return {"alpha": a[-1], "beta": a[0] if algo.n_timescales == 2 else None}
    if algo.momentum == 1:
        return {"alpha": a[0] * a[2], "beta": a[1], "varrho": a[2]}
    return {"alpha": a[0] * a[3], "beta": a[1] * a[2], "varrho": a[3], "varrho2": a[2]}


def simulate_td(algorithm: str, problem: Problem, exponents: object, w: float = 1.0,
                scales: tuple[float, ...] | None = None, runs: int = 100, steps: int = 10_000,
                seed: int = 0, records: int = 50, td: LinearTD | None = None,
                theta0: np.ndarray | None = None) -> TDSimulation:
    """Simulate ``runs`` independent runs of ``algorithm`` for ``steps`` steps from ``theta0``
    (default 0; Baird's classic start is (1, 1, 1, 1, 1, 1, 10, 1))."""
    algo = get_algorithm(algorithm)
    ex = parse_exponents(exponents, algo.n_timescales, algo.name)
    seed = check_seed(seed)
    scales = tuple(scales) if scales is not None else (1.0,) * algo.n_timescales
    td = td if td is not None else from_problem(problem, require_full_rank=False, exact=False)
    mdp = problem.mdp
    beta_pol = (problem.sampling.behaviour if problem.sampling is not None
                and problem.sampling.behaviour is not None else problem.target)
    target = problem.target if problem.target is not None else beta_pol
    st = _steps(algo, schedule(ex, scales, steps))
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(runs)]
    cmu = np.cumsum(td.mu)
    cbeta = np.cumsum(beta_pol, axis=1)
    cP = np.cumsum(mdp.P, axis=2)
    ratio = np.where(beta_pol > 0, target / np.where(beta_pol > 0, beta_pol, 1.0), 0.0)
    phi, g = td.phi, td.gamma
    k = td.k
    theta = np.zeros((runs, k)) if theta0 is None else np.tile(np.asarray(theta0, float), (runs, 1))
    u = np.zeros((runs, k))
    dtheta = np.zeros((runs, k))
    du = np.zeros((runs, k))
    rec = np.unique(np.linspace(0, steps, records + 1).astype(int))
    out_t, vals = [], []
    for t in range(steps + 1):
        if t == rec[len(out_t)] if len(out_t) < len(rec) else False:
            out_t.append(t)
            with np.errstate(over="ignore", invalid="ignore"):
                vals.append(np.sqrt(np.abs(td.mspbe(theta))))
        if t == steps:
            break
        U = np.array([r.random(3) for r in rngs])
        s = np.minimum(np.searchsorted(cmu, U[:, 0], side="right"), mdp.n_states - 1)
        a = np.minimum((U[:, 1:2] >= cbeta[s]).sum(1), mdp.n_actions - 1)
        s2 = np.minimum((U[:, 2:3] >= cP[s, a]).sum(1), mdp.n_states - 1)
        f, f2 = phi[s], phi[s2]
        rho = ratio[s, a]
        r = mdp.R[s, a]
        with np.errstate(over="ignore", invalid="ignore"):
            delta = r + g * (f2 * theta).sum(1) - (f * theta).sum(1)
            fu = (f * u).sum(1)
            if algo.base == "td0":
                gdir = (rho * delta)[:, None] * f
            elif algo.base == "gtd2":
                gdir = (rho * fu)[:, None] * (f - g * f2)
            else:
                gdir = rho[:, None] * (delta[:, None] * f - g * f2 * fu[:, None])
            alpha = st["alpha"][t]
            if algo.momentum >= 1:
                prev = st["varrho"][t - 1] if t > 0 else 1.0
                eta = (st["varrho"][t] - w * alpha) / prev
                step_t = alpha * gdir + eta * dtheta
            else:
                step_t = alpha * gdir
            if algo.base != "td0":
                hdir = (rho * delta - fu)[:, None] * f
                beta = st["beta"][t]
                if algo.momentum == 2:
                    prev2 = st["varrho2"][t - 1] if t > 0 else 1.0
                    du = beta * hdir + (st["varrho2"][t] - w * beta) / prev2 * du
                else:
                    du = beta * hdir
                u = u + du
            dtheta = step_t
            theta = theta + dtheta
    vals_a = np.array(vals)
    bad = ~np.isfinite(vals_a[-1])
    with np.errstate(invalid="ignore"):
        q10 = np.nanquantile(np.where(np.isfinite(vals_a), vals_a, np.inf), 0.1, axis=1)
        q90 = np.nanquantile(np.where(np.isfinite(vals_a), vals_a, np.inf), 0.9, axis=1)
    return TDSimulation(algo.name, np.array(out_t), vals_a.mean(1), q10, q90, theta,
                        td.theta_star, int(bad.sum()))
