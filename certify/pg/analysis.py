"""The PG computations as commands: plain parameters in, one JSON-ready document out.

These are the functions behind ``certify pg tabular|meanfield``, ``certify simulate pg`` and
``certify crossval pg`` and the ``pg_tabular`` / ``pg_meanfield`` entries of
:mod:`certify.commands`.  ``mdp`` is a built-in name or a file (see ``certify examples``).
"""

from __future__ import annotations

import numpy as np

from ..mdp import load_problem
from .constants import bound_constants
from .coupling import coupled_run
from .meanfield import MeanField, initial_particles, make_meanfield, particle_step
from .params import check_count, check_positive, warn_few_particles
from .tabular import run_tabular


def pg_tabular(mdp: str, tau: float, eta: float | None = None, steps: int = 2000,
               mu: list | None = None, rho: list | None = None) -> dict:
    """Soft-optimal Q*, V*, pi* and Mei's linear rate checked on the exact-gradient run."""
    problem = load_problem(mdp, positive_sampling=False)
    return run_tabular(problem.mdp, tau, eta, steps, mu, rho).to_dict()


def pg_meanfield(mdp: str, tau: float, sigma: float, kappa: float, width: int = 4,
                 mu: list | None = None, rho: list | None = None) -> dict:
    """Upper bounds on C2 and L, the margin beta = sigma^2 kappa/2 - C2 - L, its verdict."""
    mf = make_meanfield(load_problem(mdp, positive_sampling=False).mdp, tau, sigma, kappa,
                        width, mu, rho)
    consts = bound_constants(mf)
    return {"command": "pg_meanfield", "mdp": mf.mdp.summary(), "tau": mf.tau,
            "sigma": mf.sigma, "kappa": mf.kappa, "width": mf.width, "dim": mf.dim,
            **consts.to_dict(), "verdict": consts.verdict.value, "reason": consts.reason}


def simulate_particles(mf: MeanField, particles: int, eta: float, steps: int,
                       seed: int = 0) -> dict:
    """Noisy particle gradient ascent from N(0, I); the value V^{pi_nu_k}_tau(rho) per step."""
    n = check_count(particles, "particles", 1)
    warn_few_particles(n, "the mean-field approximation")
    eta = check_positive(eta, "eta")
    steps = check_count(steps, "steps")
    rng = np.random.default_rng(seed)
    theta = initial_particles(mf, n, rng)
    values = []
    for _ in range(steps):
        theta, v = particle_step(mf, theta, eta, rng.standard_normal(theta.shape))
        values.append(v)
    return {"values": values, "theta": theta}


def pg_simulate(mdp: str, tau: float, sigma: float, kappa: float, width: int = 4,
                particles: int = 512, eta: float = 0.01, steps: int = 2000, seed: int = 0,
                mu: list | None = None, rho: list | None = None) -> dict:
    """Particle simulation: value curve against the soft-optimal value V*_tau(rho)."""
    from .soft import soft_optimal

    mf = make_meanfield(load_problem(mdp, positive_sampling=False).mdp, tau, sigma, kappa,
                        width, mu, rho)
    run = simulate_particles(mf, particles, eta, steps, seed)
    v_star = float(mf.rho @ soft_optimal(mf.mdp, mf.tau, mf.mu).v)
    values = run["values"]
    return {"command": "pg_simulate", "algo": "pg", "mdp": mf.mdp.summary(), "tau": mf.tau,
            "sigma": mf.sigma, "kappa": mf.kappa, "width": mf.width, "particles": particles,
            "eta": eta, "steps": steps, "seed": seed, "v_star": v_star, "values": values,
            "value_initial": values[0], "value_final": values[-1],
            "gap_final": v_star - values[-1], "verdict": "inconclusive",
            "reason": "a simulation is evidence, not a certificate"}


def pg_crossval(mdp: str, tau: float, sigma: float, kappa: float, width: int = 4,
                particles: int = 64, eta: float = 0.001, steps: int = 500, seed: int = 0,
                shift: float = 1.0, mu: list | None = None, rho: list | None = None) -> dict:
    """Predicted W2 contraction rate beta against two coupled particle systems."""
    mf = make_meanfield(load_problem(mdp, positive_sampling=False).mdp, tau, sigma, kappa,
                        width, mu, rho)
    res = coupled_run(mf, particles, eta, steps, seed, shift)
    return {"command": "pg_crossval", "mdp": mf.mdp.summary(), "tau": mf.tau,
            "sigma": mf.sigma, "kappa": mf.kappa, "width": mf.width, "particles": particles,
            "seed": seed, **res.constants.to_dict(), **res.to_dict(),
            "times": res.w2_times.tolist(), "w2": res.w2.tolist()}
