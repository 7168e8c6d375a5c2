"""Compiled inner loop of the gradient-TD simulator: sample directions and the heavy ball.

Update rules (Sutton et al. 2009 for GTD2 / TDC; seed 003, (18)-(21), (29)-(32) for the heavy
ball), with delta = r + gamma theta^T phi' - theta^T phi, importance ratio rho and
phi^T u written fu:

    g (theta direction):  TD(0) rho delta phi;  GTD2 rho fu (phi - gamma phi');
                          TDC rho (delta phi - gamma phi' fu)
    h (u direction):      (rho delta - fu) phi;  GTD (Sutton, Szepesvari and Maei 2008):
                          g as GTD2, h = rho delta phi - u
    theta_{t+1} = theta_t + alpha_t g_t + eta_t (theta_t - theta_{t-1})     (momentum >= 1)
    u_{t+1}     = u_t + beta_t h_t + eta'_t (u_t - u_{t-1})                 (momentum = 2)

with eta_t = (varrho_t - w alpha_t) / varrho_{t-1} and eta'_t = (varrho'_t - w beta_t) /
varrho'_{t-1}, precomputed by the caller.  Both directions are taken at the same (theta_t,
u_t).  :func:`heavy_ball_step` is the one place the update is written; the compiled loop
:func:`advance` and the expected-update recursion of :mod:`certify.algorithms.td.mean` both call it.

Sampling (one SplitMix64 stream per run, :mod:`certify.simulate.rng`; three uniforms per
step whatever the mode, so a run depends only on (seed, run index)):

* mode 0, i.i.d. (seed 003, Assumption 3): s ~ mu, a ~ beta(.|s), s' ~ P(.|s, a);
* mode 1, Markovian: one behaviour trajectory per run, s_0 ~ mu (first uniform of step 0),
  then s_{t+1} = s'_t; the first uniform of later steps is drawn and unused.
"""

from __future__ import annotations

import numpy as np

from certify.extras import numba_or_fallback
from certify.simulate.rng import cdf_draw, next_uniform

nb = numba_or_fallback()  # the simulate extra; entry points require it

MODES = {"iid": 0, "markov": 1}
BASES = {"td0": 0, "gtd2": 1, "tdc": 2, "gtd": 3}


@nb.njit(cache=True)
def sample_directions(base: int, f: np.ndarray, f2: np.ndarray, r: float, rho: float,
                      gamma: float, theta: np.ndarray, u: np.ndarray, g: np.ndarray,
                      h: np.ndarray) -> None:
    """Write the sampled directions g (theta) and h (u) of one transition into g, h."""
    k = f.shape[0]
    vt = 0.0
    vt2 = 0.0
    fu = 0.0
    for j in range(k):
        vt += f[j] * theta[j]
        vt2 += f2[j] * theta[j]
        fu += f[j] * u[j]
    delta = r + gamma * vt2 - vt
    for j in range(k):
        if base == 0:
            g[j] = rho * delta * f[j]
        elif base == 1 or base == 3:
            g[j] = rho * fu * (f[j] - gamma * f2[j])
        else:
            g[j] = rho * (delta * f[j] - gamma * f2[j] * fu)
        if base == 3:
            h[j] = rho * delta * f[j] - u[j]
        else:
            h[j] = (rho * delta - fu) * f[j]


@nb.njit(cache=True)
def heavy_ball_step(momentum: int, has_u: bool, theta: np.ndarray, u: np.ndarray,
                    dth: np.ndarray, du: np.ndarray, g: np.ndarray, h: np.ndarray, alpha: float,
                    beta: float, eta: float, eta2: float) -> None:
    """One heavy-ball step in place; dth, du hold theta_t - theta_{t-1}, u_t - u_{t-1}."""
    for j in range(theta.shape[0]):
        step = alpha * g[j]
        if momentum >= 1:
            step += eta * dth[j]
        dth[j] = step
        theta[j] += step
        if has_u:
            su = beta * h[j]
            if momentum == 2:
                su += eta2 * du[j]
            du[j] = su
            u[j] += su


@nb.njit(parallel=True, cache=True)
def advance(theta, u, dth, du, rng, cur, mode, base, momentum, k_start, k_end,
            alpha, beta, eta, eta2, phi, reward, ratio, gamma, mu_cum, beta_cum, p_cum):
    """Advance every run from step k_start to k_end in place (see the module docstring).

    reward, ratio: (S, A); mu_cum: (S,); beta_cum: (S * A,) per-state cumulative rows;
    p_cum: (S * A * S,) per-pair cumulative rows; alpha, beta, eta, eta2: per-step arrays.
    """
    n_runs, k = theta.shape
    n_states = mu_cum.shape[0]
    n_actions = reward.shape[1]
    has_u = base != 0
    for r in nb.prange(n_runs):
        g = np.empty(k)
        h = np.empty(k)
        s = cur[r]
        for t in range(k_start, k_end):
            u0 = next_uniform(rng, r)
            u1 = next_uniform(rng, r)
            u2 = next_uniform(rng, r)
            if mode == 0 or t == 0:
                s = cdf_draw(u0, mu_cum, 0, n_states)
            a = cdf_draw(u1, beta_cum, s * n_actions, (s + 1) * n_actions) - s * n_actions
            lo = (s * n_actions + a) * n_states
            s2 = cdf_draw(u2, p_cum, lo, lo + n_states) - lo
            sample_directions(base, phi[s], phi[s2], reward[s, a], ratio[s, a], gamma,
                              theta[r], u[r], g, h)
            heavy_ball_step(momentum, has_u, theta[r], u[r], dth[r], du[r], g, h, alpha[t],
                            beta[t], eta[t], eta2[t])
            s = s2
        cur[r] = s
