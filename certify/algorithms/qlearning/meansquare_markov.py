"""Mean-square finite-time bound for Markovian (single-trajectory) constant-step Q-learning.

The pairs x_k = (s_k, a_k) follow the behaviour chain K(x, (s', a')) = P(s'|x) beta(a'|s'),
whose stationary pair law is d; the update at step k uses the next state s'_k of the same
trajectory (the state of x_{k+1}) and the reward R(x_k) + xi_k, xi_k = +-b.  Given the past
F_k (which holds e_k and x_k), s'_k ~ P(.|x_k), so the one-step conditional second moment is
the i.i.d. one *at the current pair*; only the law of x_k given the past differs from d.

The argument (docs/theory_finite_time.md, section 2c) corrects the quadratic Lyapunov function
V(e) = e^T X e of route 1 (:func:`certify.algorithms.qlearning.meansquare.second_moment_route`,
the exactly checked X for the stationary law d) by the solution of a Poisson equation of the
pair chain, in the manner of the Poisson-equation treatment of Markov noise in stochastic
approximation (Benveniste, Metivier and Priouret 1990, Part II, Ch. 2; Srikant and Ying, COLT
2019, for the same conditioning-on-the-past idea with a mixing time):

    psi(e, x)  = E[V(e_{k+1}) - V(e_k) | e_k = e, x_k = x]
               = 2 alpha (X e)_x m_x(e) + alpha^2 X_xx q_x(e),
    psi_bar(e) = sum_x d_x psi(e, x) <= -(1 - beta) V(e) + N          (route 1's LMI),
    U(e, x)    = sum_i h_i(x) psi(e, i),   h_i(x) = sum_t (K^t(x, i) - d_i),

so that U(e, .) - K U(e, .) = psi(e, .) - psi_bar(e) and W_k = V(e_k) + U(e_k, x_k) obeys

    E[W_{k+1} | F_k] = W_k + psi_bar(e_k) + Delta_k,
    Delta_k = E[U(e_{k+1}, x_{k+1}) - U(e_k, x_{k+1}) | F_k].

With H = H_pair >= sup_x sum_t ||K^t(x, .) - d||_TV (:mod:`certify.algorithms.qlearning.mixing`),
sum_i |h_i(x)| <= 2 H, so |U| <= alpha u1 V + alpha^2 u0 and
|Delta| <= alpha^2 (p2 V + p1 sqrt(V) + p0) with explicit u1, u0, p2, p1, p0 (below).  Then
c = 1 - beta - alpha^2 q2 > 0 (q2 = p2 + p1 tau / 2) and alpha u1 < 1 give

    E W_{k+1} <= beta' E W_k + N'',   beta' = 1 - c / (1 + alpha u1),
    N'' = N + alpha^2 q0 + c alpha^2 u0 / (1 + alpha u1),   q0 = p0 + p1 / (2 tau),
    E||e_K||_inf^2 <= lambda / (1 - alpha u1) (beta'^K W_0 + N'' / (1 - beta') + alpha^2 u0),

lambda = max_i (X^-1)_ii.  N'' is O(alpha^2) and 1 - beta' is O(alpha), so the floor is O(alpha)
and tends to 0 with alpha.  No stationarity of x_0 is assumed (W_0 is bounded over every x_0).
The conditions c > 0 and alpha u1 < 1 hold only for alpha below a threshold that shrinks with
the mixing constant H; above it the route gives nothing (inconclusive).

Every constant is a Fraction from the model's floats taken as exact rationals; square roots are
rounded up, the result rounded up once.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from certify.algorithms.qlearning.meansquare import (
    ExactModel,
    RouteBound,
    _initial_error,
    _noise_weights,
    _quad_up,
    checked_lmi_candidates,
    pow_up,
)
from certify.exact import round_up_float
from certify.exact.intervals import sqrt_up
from certify.solver_options import SolverOptions

F = Fraction

FLOOR_HORIZON = 10**12
"""A horizon at which the SDP objective is the floor alone."""

TAU_GRID = tuple(F(2) ** k for k in range(-12, 13, 2))
"""The Young weights tau tried for the cross term p1 sqrt(V) <= (p1 / 2)(tau V + 1 / tau)."""


def eta_bar(model: ExactModel) -> Fraction:
    """A sure bound on the centred sampling noise |eta| = |xi + gamma (V*(s') - (P V*)(x))|:
    b + gamma max_x max_{s' in supp P(.|x)} |V-hat(s') - (P V-hat)(x)| + 2 gamma delta."""
    A = model.n_actions
    qf = [F(float(x)) for x in model.q_hat]
    v_hat = [max(qf[s * A:(s + 1) * A]) for s in range(model.n_states)]
    worst = F(0)
    for row in model.rows:
        m = sum(p * v_hat[s] for s, p in row)
        worst = max(worst, max(abs(v_hat[s] - m) for s, _ in row))
    b = F(math.isqrt(model.b2.numerator), math.isqrt(model.b2.denominator))
    return b + model.gamma * (worst + 2 * model.delta)


def markov_constants(model: ExactModel, X: np.ndarray, inv_diag: list, eps: Fraction,
                     h_pair: Fraction) -> dict:
    """The constants u1, u0 (|U| <= alpha u1 V + alpha^2 u0) and p2, p1, p0
    (|Delta| <= alpha^2 (p2 V + p1 sqrt V + p0)) of the module docstring, as Fractions.

    Notation: g1 = 1 + gamma, l >= sqrt(lambda) (||e||_inf <= l sqrt V), xi_i = X_ii,
    Xm = max |X_ij|, eta_bar >= |eta| surely, s_i the noise weights of route 1.  Steps:

    * |(X e)_i| <= sqrt(xi_i V) (Cauchy-Schwarz in the X inner product); |m_i(e)| =
      |gamma (P h_e)(i) - e_i| <= g1 ||e||_inf; q_i(e) <= (1 + eps) g1^2 ||e||^2 + s_i, so
      |psi(e, i)| <= alpha (2 g1 sqrt(xi_i) l + alpha xi_i (1 + eps) g1^2 l^2) V
      + alpha^2 xi_i s_i, and |U| <= 2 H max_i |psi(e, i)|.
    * e' = e + alpha 1_x y with |y| <= Y = g1 ||e|| + eta_bar surely; m_i and h_e are
      g1- and 1-Lipschitz in the max norm, so
      |psi(e', i) - psi(e, i)| <= alpha^2 g1 Y [2 Xm (||e|| + alpha Y) + 2 sqrt(xi_max V)
      + alpha xi_max (g1 (2 ||e|| + alpha Y) + 2 eta_bar)], and |Delta| <= 2 H times that.
    """
    n = model.n
    a, g1 = model.alpha, 1 + model.gamma
    H = F(h_pair)
    lam = max(inv_diag)
    ell = sqrt_up(lam)
    xi = [X[i, i] for i in range(n)]
    xi_max = max(xi)
    Xm = max(abs(X[i, j]) for i in range(n) for j in range(n))
    s = _noise_weights(model, eps)
    eb = eta_bar(model)
    u1 = 2 * H * max(2 * g1 * sqrt_up(xi[i]) * ell + a * xi[i] * (1 + eps) * g1**2 * ell**2
                     for i in range(n))
    u0 = 2 * H * max(xi[i] * s[i] for i in range(n))
    y1, y0 = g1 * ell, eb
    sx = sqrt_up(xi_max)
    b1 = 2 * Xm * (ell + a * y1) + 2 * sx + a * xi_max * g1 * (2 * ell + a * y1)
    b0 = 2 * Xm * a * y0 + a * xi_max * (g1 * a * y0 + 2 * eb)
    pre = 2 * H * g1
    return {"lambda": lam, "u1": u1, "u0": u0, "p2": pre * y1 * b1,
            "p1": pre * (y1 * b0 + y0 * b1), "p0": pre * y0 * b0, "eta_bar": eb}


def markov_route_from(model: ExactModel, beta: Fraction, eps: Fraction, X: np.ndarray,
                      inv_diag: list, h_pair: float, steps: int,
                      q0: np.ndarray | None = None) -> RouteBound | None:
    """The Markovian bound for one exactly checked route-1 certificate (beta, eps, X); None
    when c <= 0 or alpha u1 >= 1 for every tau (alpha too large for the mixing constant)."""
    n, a = model.n, model.alpha
    k = markov_constants(model, X, inv_diag, eps, F(h_pair))
    if a * k["u1"] >= 1:
        return None
    s = _noise_weights(model, eps)
    N = a**2 * sum(model.d[i] * X[i, i] * s[i] for i in range(n))
    e_hat, delta = _initial_error(model, q0)
    v0 = _quad_up(X, e_hat, delta)
    w0 = v0 * (1 + a * k["u1"]) + a**2 * k["u0"]
    scale = k["lambda"] / (1 - a * k["u1"])
    best: RouteBound | None = None
    for tau in TAU_GRID:
        q2 = k["p2"] + k["p1"] * tau / 2
        q0c = k["p0"] + k["p1"] / (2 * tau)
        c = (1 - beta) - a**2 * q2
        if c <= 0:
            continue
        bp = 1 - c / (1 + a * k["u1"])
        npp = N + a**2 * q0c + c * a**2 * k["u0"] / (1 + a * k["u1"])
        floor = scale * (npp / (1 - bp) + a**2 * k["u0"])
        trans = scale * pow_up(bp, steps) * w0
        total = trans + floor
        cand = RouteBound("second-moment LMI + Poisson correction (Markovian sampling)",
                          round_up_float(bp), round_up_float(floor), round_up_float(trans),
                          round_up_float(total),
                          {"beta_iid": float(beta), "eps": float(eps), "tau": float(tau),
                           "H_pair": float(h_pair), "u1": round_up_float(k["u1"]),
                           "p2": round_up_float(k["p2"]), "p1": round_up_float(k["p1"]),
                           "eta_bar": round_up_float(k["eta_bar"]),
                           "max_diag_X_inverse": round_up_float(k["lambda"])},
                          round_up_float(scale * w0))
        if best is None or cand.bound_ms < best.bound_ms:
            best = cand
    return best


def markov_second_moment_route(model: ExactModel, h_pair: float, steps: int,
                               q0: np.ndarray | None = None,
                               options: SolverOptions | None = None,
                               tries: int = 6) -> RouteBound | None:
    """The best Markovian bound over the exactly checked route-1 certificates for the
    stationary law d (module docstring); None when none applies.

    Parameters
    ----------
    model : ExactModel
        Built from the *stationary* pair law d of the behaviour chain.
    h_pair : float
        H_pair of :func:`certify.algorithms.qlearning.mixing.behaviour_mixing`, an upper
        bound on sup_x sum_t ||K^t(x, .) - d||_TV of the pair chain.
    steps : int
    q0 : array, optional
    """
    best: RouteBound | None = None
    # the SDP objective is the i.i.d. bound; the Markovian correction needs a drift margin,
    # so candidates chosen for the floor (a long horizon) are tried as well
    for horizon in sorted({int(steps), FLOOR_HORIZON}):
        for beta, eps, X, inv_diag in checked_lmi_candidates(model, horizon, q0, options,
                                                             tries=tries):
            r = markov_route_from(model, beta, eps, X, inv_diag, h_pair, steps, q0)
            if r is not None and (best is None or r.bound_ms < best.bound_ms):
                best = r
    return best


__all__ = ["eta_bar", "markov_constants", "markov_route_from", "markov_second_moment_route"]
