"""Monte-Carlo runs of GTD2(lambda), TDC(lambda) and GQ(0) (the built-ins of
:mod:`certify.algorithms.td.variants`); RMSPBE against their own mean field.

Sampled updates (u fastest, step beta_t; theta slowest, step alpha_t), with
delta = r + gamma theta^T x' - theta^T x:

* GTD2(lambda), TDC(lambda) (Maei 2011), along one behaviour trajectory per run
  (the trace needs the past; ``mode="markov"`` only), e_t = rho_t (phi_t + gamma lambda
  e_{t-1}), e_{-1} = 0:
      u     += beta  (delta e - (phi^T u) phi)
      theta += alpha (phi - gamma phi') (e^T u)                         (GTD2(lambda))
      theta += alpha (delta e - gamma (1 - lambda) (e^T u) phi')         (TDC(lambda))
* GQ(0) (Maei and Sutton 2010), x = psi(s, a), x' = sum_a' pi(a'|s') psi(s', a'):
      u     += beta  (delta - x^T u) x
      theta += alpha (delta x - gamma x' (x^T u))
  with (s, a) drawn i.i.d. from mu(s) beta(a|s) (``mode="iid"``) or along a trajectory.

Random streams are the simulator's (:mod:`certify.simulate.rng`): run r uses stream r of the
seed, three uniforms per step (state, action, next state), so a run depends only on
(seed, r).  The error is sqrt(MSPBE) with the algorithm's own (A, b, C)
(:func:`certify.algorithms.td.variants.variant_td`), zero at its fixed point.
"""

from __future__ import annotations

import numpy as np

from certify.algorithms.td.algorithms import ALGORITHMS
from certify.algorithms.td.simulate import (
    DIVERGENCE_FACTOR,
    TDSimulation,
    algorithm_steps,
    behaviour_and_ratio,
    check_scales,
    divergence_counts,
)
from certify.algorithms.td.stepsizes import parse_exponents
from certify.algorithms.td.variants import VARIANTS, state_action_features, variant_td
from certify.errors import InvalidInput
from certify.extras import numba_or_fallback, require
from certify.mdp.problem import Problem
from certify.simulate.rng import cdf_draw, check_seed, next_uniform, run_states

nb = numba_or_fallback()  # the simulate extra; entry points require it

SIMULATED = ("gtd2-lambda", "tdc-lambda", "gq0")
_KIND = {"gtd2-lambda": 0, "tdc-lambda": 1, "gq0": 2}


@nb.njit(parallel=True, cache=True)
def _advance(kind, markov, theta, u, trace, rng, cur, k_start, k_end, alpha, beta, lam, gamma,
             feat, feat_next, reward, ratio, mu_cum, beta_cum, p_cum):
    """Advance every run from k_start to k_end in place (module docstring).

    feat: (S * A, k) features of the pair (s, a) (the state's for the lambda algorithms);
    feat_next: (S, k) next-state features (phi(s') or the target's expected psi(s', .))."""
    n_runs, k = theta.shape
    n_states = mu_cum.shape[0]
    n_actions = reward.shape[1]
    for r in nb.prange(n_runs):
        s = cur[r]
        e = trace[r]
        for t in range(k_start, k_end):
            u0 = next_uniform(rng, r)
            u1 = next_uniform(rng, r)
            u2 = next_uniform(rng, r)
            if (not markov) or t == 0:
                s = cdf_draw(u0, mu_cum, 0, n_states)
            a = cdf_draw(u1, beta_cum, s * n_actions, (s + 1) * n_actions) - s * n_actions
            lo = (s * n_actions + a) * n_states
            s2 = cdf_draw(u2, p_cum, lo, lo + n_states) - lo
            x = feat[s * n_actions + a] if kind == 2 else feat[s * n_actions]
            x2 = feat_next[s2]
            rho = 1.0 if kind == 2 else ratio[s, a]
            v = 0.0
            v2 = 0.0
            xu = 0.0
            for j in range(k):
                v += x[j] * theta[r, j]
                v2 += x2[j] * theta[r, j]
                xu += x[j] * u[r, j]
            delta = reward[s, a] + gamma * v2 - v
            if kind == 2:
                for j in range(k):
                    g = delta * x[j] - gamma * x2[j] * xu
                    u[r, j] += beta[t] * (delta - xu) * x[j]
                    theta[r, j] += alpha[t] * g
            else:
                eu = 0.0
                for j in range(k):
                    e[j] = rho * (x[j] + gamma * lam * e[j])
                    eu += e[j] * u[r, j]
                for j in range(k):
                    if kind == 0:
                        g = (x[j] - gamma * x2[j]) * eu
                    else:
                        g = delta * e[j] - gamma * (1.0 - lam) * eu * x2[j]
                    u[r, j] += beta[t] * (delta * e[j] - xu * x[j])
                    theta[r, j] += alpha[t] * g
            s = s2
        cur[r] = s


def simulate_variant(algorithm: str, problem: Problem, exponents: object, lam: float | None = None,
                     scales: tuple[float, ...] | None = None, runs: int = 100,
                     steps: int = 10_000, seed: int = 0, records: int = 50,
                     mode: str = "markov", theta0: np.ndarray | None = None,
                     divergence_factor: float = DIVERGENCE_FACTOR) -> TDSimulation:
    """Simulate ``runs`` runs of ``algorithm`` (gtd2-lambda, tdc-lambda or gq0).

    Parameters are those of :func:`certify.algorithms.td.simulate.simulate_td`, plus ``lam``
    (the trace parameter of the lambda algorithms).  The lambda algorithms need
    ``mode="markov"`` (their trace follows one trajectory); GQ(0) takes "iid" or "markov".
    """
    require("numba", "simulate")
    if algorithm not in SIMULATED:
        raise InvalidInput(f"unknown algorithm {algorithm!r}; simulated variants are "
                           f"{', '.join(SIMULATED)}")
    if mode not in ("iid", "markov"):
        raise InvalidInput(f"mode = {mode!r}; expected iid or markov")
    if algorithm != "gq0" and mode != "markov":
        raise InvalidInput(f"{algorithm}: the eligibility trace follows one trajectory; use "
                           "--mode markov")
    if not (isinstance(divergence_factor, int | float) and np.isfinite(divergence_factor)
            and divergence_factor > 1):
        raise InvalidInput(f"divergence_factor = {divergence_factor!r}; expected a finite "
                           "number > 1")
    seed = check_seed(seed)
    form = ALGORITHMS[VARIANTS[algorithm].form]
    ex = parse_exponents(exponents, form.n_timescales, algorithm)
    st = algorithm_steps(form, ex, check_scales(scales, form.n_timescales), steps, 1.0)
    td = variant_td(algorithm, problem, lam)
    mdp = problem.mdp
    beh, ratio = behaviour_and_ratio(problem)
    S, A = mdp.n_states, mdp.n_actions
    target = problem.target if problem.target is not None else beh
    if algorithm == "gq0":
        phi = np.asarray(problem.features, dtype=float)
        feat = state_action_features(phi, A)
        feat_next = np.einsum("sa,sak->sk", target, feat.reshape(S, A, -1))
        mu = td.mu.reshape(S, A).sum(1)
    else:
        feat = np.repeat(td.phi, A, axis=0)
        feat_next = td.phi
        mu = td.mu
    k = td.k
    th0 = np.zeros(k) if theta0 is None else np.asarray(theta0, dtype=float)
    if th0.shape != (k,) or not np.all(np.isfinite(th0)):
        raise InvalidInput(f"theta0: expected {k} finite numbers, found {np.asarray(theta0)!r}")
    theta = np.tile(th0, (runs, 1))
    u = np.zeros((runs, k))
    trace = np.zeros((runs, k))
    rng = run_states(seed, 0, runs)
    cur = np.zeros(runs, dtype=np.int64)
    consts = (st.alpha, st.beta, float(lam or 0.0), float(td.gamma),
              np.ascontiguousarray(feat), np.ascontiguousarray(feat_next),
              np.ascontiguousarray(mdp.R, dtype=float), ratio, np.cumsum(mu),
              np.cumsum(beh, axis=1).reshape(-1), np.cumsum(mdp.P, axis=2).reshape(-1))
    rec = np.unique(np.linspace(0, steps, records + 1).astype(np.int64))
    vals = np.empty((rec.size, runs))
    for j, t in enumerate(rec):
        if j > 0:
            _advance(_KIND[algorithm], mode == "markov", theta, u, trace, rng, cur,
                     int(rec[j - 1]), int(t), *consts)
        with np.errstate(over="ignore", invalid="ignore"):
            vals[j] = np.sqrt(np.abs(td.mspbe(theta)))
    total, nonfinite, grown = divergence_counts(vals, float(divergence_factor))
    fin = np.where(np.isfinite(vals), vals, np.inf)
    with np.errstate(invalid="ignore"):
        q10 = np.quantile(fin, 0.1, axis=1)
        q90 = np.quantile(fin, 0.9, axis=1)
    return TDSimulation(algorithm, rec, vals.mean(1), q10, q90, theta, td.theta_star, total,
                        mode, nonfinite, grown, float(divergence_factor))
