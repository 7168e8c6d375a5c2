"""Mean-square bound for Q-learning with diminishing steps alpha_k = c / (k + k0) (small MDPs).

One quadratic certificate X serves every step size alpha <= alpha_max = c / k0
(docs/theory_finite_time.md, section 2b): if, for every deterministic selection sigma,

    -(X L_sigma + L_sigma^T X) - alpha_max (1 + eps) G_sigma(X) >= kappa X,

with L_sigma = D (gamma P Pi_sigma - I) and G_sigma(X) = sum_i d_i X_ii E[g g^T | i] (>= 0),
then for alpha <= alpha_max

    X + alpha (X L + L^T X) + alpha^2 (1 + eps) G(X)
        <= (1 - alpha kappa) X - alpha (alpha_max - alpha) (1 + eps) G(X) <= (1 - alpha kappa) X,

so E V(e_{k+1}) <= (1 - alpha_k kappa)_+ E V(e_k) + alpha_k^2 N1 with
N1 = sum_i d_i X_ii ((1 + 1/eps) gamma^2 v_i + b^2), and
E||e_K||_inf^2 <= max_i (X^-1)_ii u_K for the scalar recursion u (run exactly, rounded up).
The certificate is found by SDP and accepted after exact LDL^T checks, as in
:func:`certify.algorithms.qlearning.meansquare.second_moment_route`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from certify.algorithms.qlearning.meansquare import (
    SECOND_MOMENT_MAX_DIM,
    SECOND_MOMENT_MAX_POLICIES,
    ExactModel,
    ParametricLMI,
    RouteBound,
    _exact_inverse_diag,
    _initial_error,
    _lmi_pieces,
    _noise_weights,
    _quad_up,
    _rational_symmetric,
    _selections,
    exact_lmi_products,
    exact_model,
)
from certify.exact import ldl_definiteness, round_up_float
from certify.mdp.finite import FiniteMDP
from certify.mdp.sampling import Sampling
from certify.solver_options import SolverOptions

F = Fraction


def _schedule_weights(c: float, k0: float, kappa: float, steps: int) -> tuple[float, float]:
    """Floats (P, S): u_K = P u_0 + S N1 for u_{k+1} = (1 - a_k kappa)_+ u_k + a_k^2 N1."""
    p, s = 1.0, 0.0
    for k in range(steps):
        a = c / (k + k0)
        f = max(1.0 - a * kappa, 0.0)
        p *= f
        s = f * s + a * a
    return p, s


def _exact_recursion(c: Fraction, k0: Fraction, kappa: Fraction, u0: Fraction, n1: Fraction,
                     steps: int) -> Fraction:
    """u_K of the recursion, every step rounded up to a float (an upper bound)."""
    u = F(round_up_float(u0))
    for k in range(steps):
        a = c / (k + k0)
        f = max(1 - a * kappa, F(0))
        u = F(round_up_float(f * u + a * a * n1))
    return u


def _dim_problem(model: ExactModel, pieces, eps: float, a_max: float,
                 options: SolverOptions) -> ParametricLMI:
    """The SDP of the diminishing-step certificate: t = kappa,
    Z = -(X L + L^T X) - a_max (1 + eps) G X - kappa X."""

    def lmi(X, L, GX, kappa):
        return -(X @ L + L.T @ X) - a_max * (1 + eps) * GX - kappa * X

    return ParametricLMI(model, pieces, lmi, options)


def _check(model: ExactModel, Xq: np.ndarray, kappa: Fraction, eps: Fraction,
           a_max: Fraction) -> bool:
    if not ldl_definiteness(Xq).pd:
        return False
    for sigma in _selections(model.n_states, model.n_actions):
        XL, GX = exact_lmi_products(model, sigma, Xq)
        Z = -(XL + XL.T) - a_max * (1 + eps) * GX - kappa * Xq
        if not ldl_definiteness(Z).psd:
            return False
    return True


def diminishing_route(mdp: FiniteMDP, sampling: Sampling, c: float, k0: float, noise: float,
                      steps: int, q0: np.ndarray | None = None,
                      options: SolverOptions | None = None, eps: float = 0.5,
                      n_kappa: int = 10) -> RouteBound | None:
    """Certified bound on E||e_K||_inf^2 for alpha_k = c / (k + k0) (module docstring); None
    when the MDP is too large for the selection enumeration or nothing passes the check."""
    a_max = c / k0
    if not (0 < a_max <= 1) or steps < 0:
        return None
    model = exact_model(mdp, sampling, a_max, noise, q0)
    S, A, n = model.n_states, model.n_actions, model.n
    if n > SECOND_MOMENT_MAX_DIM or A**S > SECOND_MOMENT_MAX_POLICIES or a_max * max(model.d) > 1:
        return None
    options = options or SolverOptions()
    pieces = [_lmi_pieces(model, sig, exact=False) for sig in _selections(S, A)]
    e_hat, delta = _initial_error(model, q0)
    e0 = np.array([float(x) for x in e_hat])
    d = np.array([float(x) for x in model.d])
    s = np.array([float(x) for x in _noise_weights(model, F(eps))])
    prob = _dim_problem(model, pieces, eps, a_max, options)
    d_min = float(min(model.d))
    cands = []
    for kap in np.geomspace(2.0 * d_min, 1e-4 * d_min * (1 - float(model.gamma)), n_kappa):
        P, Ssum = _schedule_weights(c, k0, kap, steps)
        C = P * np.outer(e0, e0) + Ssum * np.diag(d * s)
        X = prob.solve(kap, C)
        if X is not None:
            cands.append((float(np.sum(C * X)), kap, X))
    cands.sort(key=lambda t: t[0])
    for _val, kap, X in cands[:3]:
        Xq = _rational_symmetric(X)
        kq, eq, aq = F(kap), F(eps), F(c) / F(k0)
        if not _check(model, Xq, kq, eq, aq):
            continue
        inv = _exact_inverse_diag(Xq)
        if inv is None or min(inv) <= 0:
            continue
        scale = max(inv)
        sw = _noise_weights(model, eq)
        n1 = sum(model.d[i] * Xq[i, i] * sw[i] for i in range(n))
        u0 = _quad_up(Xq, e_hat, delta)
        uK = _exact_recursion(F(c), F(k0), kq, u0, n1, steps)
        total = scale * uK
        return RouteBound("second-moment LMI, diminishing steps (exact LDL^T)", math.nan,
                          math.nan, math.nan, round_up_float(total),
                          {"c": c, "k0": k0, "alpha_max": float(a_max), "kappa": float(kq),
                           "eps": eps, "max_diag_X_inverse": float(scale)})
    return None
