"""The PG computations as commands: plain parameters in, one JSON-ready document out.

These are the functions behind ``certify pg tabular|meanfield``, ``certify simulate pg`` and
``certify crossval pg`` and the ``run_pg_tabular`` / ``run_pg_meanfield`` entries of
:mod:`certify.commands`.  ``mdp`` is a built-in name or a file (see ``certify examples``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from certify.algorithms.pg.constants import bound_constants
from certify.algorithms.pg.coupling import coupled_run
from certify.algorithms.pg.meanfield import MeanField, initial_particles, make_meanfield, particle_step
from certify.algorithms.pg.monotone import flow_monotonicity
from certify.algorithms.pg.params import check_count, check_positive, reference_measure, warn_few_particles
from certify.algorithms.pg.tabular import run_tabular
from certify.argcheck import check_seed
from certify.exact import round_down_float
from certify.mdp.io import as_mdp
from certify.verdict import combine_evidence

if TYPE_CHECKING:
    from certify.mdp.finite import FiniteMDP
    from certify.mdp.problem import Problem


def run_pg_tabular(mdp: str | Problem | FiniteMDP, tau: float, eta: float | None = None, steps: int = 2000,
               mu: list | None = None, rho: list | None = None,
               save_certificate: str | None = None) -> dict:
    """Soft-optimal Q*, V*, pi* and Mei's linear rate checked on the exact-gradient run.

    The step condition eta <= 1/beta_s is also issued as a ``pg-tabular-step`` certificate,
    written to ``save_certificate`` (JSON, re-checked by ``certify verify``) when it verifies.

    Parameters
    ----------
    mdp : str, Path, Problem or FiniteMDP
        A built-in problem name, a problem file, or a problem (its sampling model unused).
    tau : float
        Entropy temperature.
    eta : float, optional
        Step size (default 1/beta_s).
    steps : int
    mu, rho : list of float, optional
        Reference measure over actions and initial state law (default uniform).
    save_certificate : str, optional
        Where to write the certificate.

    Returns
    -------
    dict
        The JSON-ready document of ``certify pg tabular --json`` (``verdict``, the soft
        values, the rate and its check, the step certificate).

    Raises
    ------
    InvalidInput
        tau, eta or steps out of range or not numbers; mu or rho not distributions.
    UnknownName
        ``mdp`` names neither a file nor a built-in problem.

    Notes
    -----
    Exact softmax policy gradient with entropy regularisation tau converges linearly (J. Mei,
    C. Xiao, C. Szepesvari and D. Schuurmans, *On the global convergence rates of softmax
    policy gradient methods*, ICML 2020, Lemmas 10, 14, 15 and Theorem 6); the rate's
    constants are reconstructed for this MDP (docs/theory.md section 5).
    """
    from certify.certificates.pg import TabularStepCertificate

    fmdp = as_mdp(mdp)
    res = run_tabular(fmdp, tau, eta, steps, mu, rho)
    mu_arr = reference_measure(mu, fmdp.n_actions)
    if "problem_beta" in res.smoothness:
        from certify.algorithms.pg.params import initial_distribution

        cert = TabularStepCertificate.from_problem(
            fmdp, res.tau, mu_arr, res.eta, initial_distribution(rho, fmdp.n_states),
            res.smoothness["problem_beta_exact"], res.smoothness["budget"])
    else:
        cert = TabularStepCertificate.from_problem(fmdp, res.tau, mu_arr, res.eta)
    return {**res.to_dict(), **_certificate_entry(cert, save_certificate)}


def run_pg_meanfield(mdp: str | Problem | FiniteMDP, tau: float, sigma: float, kappa: float, width: int = 4,
                 mu: list | None = None, rho: list | None = None,
                 save_certificate: str | None = None, budget: int = 20000) -> dict:
    """Upper bounds on C2 and L, the margin beta = sigma^2 kappa/2 - C2 - L, its verdict.

    ``budget`` > 0 also computes the problem-specific bounds
    (:mod:`certify.algorithms.pg.structured_constants`) for two-action MDPs with at most 3 states.

    The margin is also issued as a ``pg-meanfield-margin`` certificate, written to
    ``save_certificate`` (JSON, re-checked by ``certify verify``) when it verifies.

    Parameters
    ----------
    mdp : str, Path, Problem or FiniteMDP
        A built-in problem name, a problem file, or a problem (its sampling model unused).
    tau : float
        Entropy temperature.
    sigma : float
        Noise level.
    kappa : float
        Strong convexity of U.
    width : int
        Units K per particle.
    mu, rho : list of float, optional
        Reference measure over actions and initial state law (default uniform).
    save_certificate : str, optional
        Where to write the certificate.
    budget : int
        Boxes of the interval branch and bound of the problem-specific constants
        (0: the closed forms only).

    Returns
    -------
    dict
        The JSON-ready document of ``certify pg meanfield --json`` (the bounds on C2 and L,
        beta, its margin and ``verdict``: certified when beta > 0, else inconclusive).

    Raises
    ------
    InvalidInput
        tau, sigma, kappa, width or budget out of range or not numbers.
    UnknownName
        ``mdp`` names neither a file nor a built-in problem.

    Notes
    -----
    The mean-field policy-gradient flow of B. Kerimkulov, J.-M. Leahy, D. Siska and
    L. Szpruch, *Convergence of Policy Gradient for Entropy Regularized MDPs with Neural
    Network Approximation in the Mean-Field Regime*, ICML 2022 (arXiv:2201.07296; seed 004,
    docs/theory.md section 5) converges exponentially at rate beta when beta > 0.
    """
    from certify.certificates.pg import MeanFieldMarginCertificate

    mf = make_meanfield(as_mdp(mdp), tau, sigma, kappa,
                        width, mu, rho)
    consts = bound_constants(mf, check_count(budget, "budget", 0))
    cert = MeanFieldMarginCertificate.from_meanfield(mf, consts)
    return {"command": "pg_meanfield", "mdp": mf.mdp.summary(), "tau": mf.tau,
            "sigma": mf.sigma, "kappa": mf.kappa, "width": mf.width, "dim": mf.dim,
            **consts.to_dict(), "verdict": consts.verdict.value, "reason": consts.reason,
            "fragile": _beta_fragile(consts.beta, mf.sigma, mf.kappa),
            **_certificate_entry(cert, save_certificate)}


def _beta_fragile(beta, sigma: float, kappa: float) -> bool:
    """Whether beta = sigma^2 kappa/2 - C2 - L > 0 holds within rounding of its terms
    (:mod:`certify.margin`; the scale is sigma^2 kappa / 2)."""
    from fractions import Fraction

    from certify.margin import margin_fields

    return margin_fields(beta, Fraction(sigma) ** 2 * Fraction(kappa) / 2)["fragile"]


def _certificate_entry(cert, path: str | None) -> dict:
    """``certificate`` (kind, claim, exact verdict) and, when asked, the file it went to.

    Only a certificate whose exact check passes is written; otherwise ``certificate_file``
    is None and the document says why.
    """
    check = cert.verify()
    out: dict = {"certificate": {"kind": cert.kind, "claim": cert.claim(),
                                 "verdict": check.verdict.value, "reason": check.reason}}
    if path is not None:
        if check.certified:
            Path(path).write_text(json.dumps(cert.to_dict(check), indent=1))
            out["certificate_file"] = str(path)
        else:
            out["certificate_file"] = None
            out["certificate_note"] = f"not written: {check.reason}"
    return out


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


def pg_simulate(mdp: str | Problem | FiniteMDP, tau: float, sigma: float, kappa: float, width: int = 4,
                particles: int = 512, eta: float = 0.01, steps: int = 2000, seed: int = 0,
                mu: list | None = None, rho: list | None = None) -> dict:
    """Particle simulation: value curve against the soft-optimal value V*_tau(rho)."""
    from certify.algorithms.pg.soft import soft_optimal

    mf = make_meanfield(as_mdp(mdp), tau, sigma, kappa,
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


def run_pg_crossval(mdp: str | Problem | FiniteMDP, tau: float, sigma: float, kappa: float, width: int = 4,
                particles: int = 64, eta: float = 0.001, steps: int = 500, seed: int = 0,
                shift: float = 1.0, mu: list | None = None, rho: list | None = None,
                flow_eta: float | None = None, flow_steps: int = 200,
                budget: int = 0) -> dict:
    """Two predictions held against particle runs, with a cross-validation verdict.

    * W2 contraction: the predicted rate beta against two coupled particle systems
      (:func:`certify.algorithms.pg.coupling.coupled_run`);
    * monotone increase: the objective G_N along the noiseless particle flow against the
      ascent-lemma increase (:func:`certify.algorithms.pg.monotone.flow_monotonicity`), with step
      ``flow_eta`` (default 1/Lam, the step that maximises the guaranteed increase).

    ``verdict`` is ``violated`` if either check is violated, ``consistent`` if both are, else
    ``inconclusive``; ``checks`` holds each verdict.

    Parameters
    ----------
    mdp : str, Path, Problem or FiniteMDP
        A built-in problem name, a problem file, or a problem (its sampling model unused).
    tau : float
        Entropy temperature.
    sigma : float
        Noise level of the particle scheme.
    kappa : float
        Strong convexity of U.
    width : int
        Units K per particle.
    particles : int
    eta : float
        Step size of the coupled runs.
    steps : int
    seed : int
    shift : float
        Distance between the two starts.
    mu, rho : list of float, optional
        Reference measure over actions and initial state law (default uniform).
    flow_eta : float, optional
        Step of the noiseless flow (default 1/Lam).
    flow_steps : int
    budget : int
        Boxes of the interval branch and bound of the problem-specific constants
        (0: the closed forms only).

    Returns
    -------
    dict
        The JSON-ready document of ``certify crossval pg --json``: ``checks`` (the W2
        contraction of two coupled particle systems against exp(-beta t), and the objective's
        increase along the noiseless flow against the ascent lemma), each with its evidence,
        and the combined ``verdict`` (consistent, violated or inconclusive).

    Raises
    ------
    InvalidInput
        A parameter out of range or not a number.
    UnknownName
        ``mdp`` names neither a file nor a built-in problem.
    """
    mf = make_meanfield(as_mdp(mdp), tau, sigma, kappa,
                        width, mu, rho)
    seed = check_seed(seed)
    res = coupled_run(mf, particles, eta, steps, seed, shift,
                      structured_budget=check_count(budget, "budget", 0))
    if flow_eta is None:
        flow_eta = round_down_float(1 / res.constants.drift_lip)
    mono = flow_monotonicity(mf, particles, flow_eta, flow_steps, seed,
                             drift_lip=res.constants.drift_lip)
    checks = {"coupled_w2": res.verdict, "monotone_objective": mono.verdict}
    verdict = combine_evidence(list(checks.values())).value
    return {"command": "pg_crossval", "mdp": mf.mdp.summary(), "tau": mf.tau,
            "sigma": mf.sigma, "kappa": mf.kappa, "width": mf.width, "particles": particles,
            "seed": seed, **res.constants.to_dict(), **res.to_dict(),
            "coupled_reason": res.reason, "times": res.w2_times.tolist(), "w2": res.w2.tolist(),
            "monotone": {**mono.to_dict(), "objective": mono.objectives.tolist()},
            "checks": checks, "verdict": verdict,
            "reason": f"coupled W2: {res.reason}; monotone objective: {mono.reason}"}


# Old names (certify.deprecation): the same functions, with a DeprecationWarning.
from certify.deprecation import deprecated_alias  # noqa: E402

pg_tabular = deprecated_alias(run_pg_tabular, "pg_tabular")
pg_meanfield = deprecated_alias(run_pg_meanfield, "pg_meanfield")
pg_crossval = deprecated_alias(run_pg_crossval, "pg_crossval")
