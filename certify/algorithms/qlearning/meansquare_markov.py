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

With h computed exactly (:func:`exact_pair_chain`: the fundamental matrix of the same rational
chain whose exact stationary law d the LMI uses; sum_i |h_i(x)| <= 2 H for any mixing bound
H >= sup_x sum_t ||K^t(x, .) - d||_TV, which is reported), |U| <= alpha u1 V + alpha^2 u0 and
|Delta| <= alpha^2 (p2 V + p1 sqrt(V) + p0) with explicit u1, u0, p2, p1, p0 (below).  Then
c = 1 - beta - alpha^2 q2 > 0 (q2 = p2 + p1 tau / 2) and alpha u1 < 1 give

    E W_{k+1} <= beta' E W_k + N'',   beta' = 1 - c / (1 + alpha u1),
    N'' = N + alpha^2 q0 + c alpha^2 u0 / (1 + alpha u1),   q0 = p0 + p1 / (2 tau),
    E||e_K||_inf^2 <= lambda / (1 - alpha u1) (beta'^K W_0 + N'' / (1 - beta') + alpha^2 u0),

lambda = max_i (X^-1)_ii.  N'' is O(alpha^2) and 1 - beta' is O(alpha), so the floor is O(alpha)
and tends to 0 with alpha.  No stationarity of x_0 is assumed (W_0 is bounded over every x_0).
The conditions c > 0 and alpha u1 < 1 hold only for alpha below a threshold that shrinks as
the Poisson solution grows (slow mixing); above it the route gives nothing (inconclusive).

Every constant is a Fraction from the model's floats taken as exact rationals; square roots are
rounded up, the result rounded up once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
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
    solve_augmented,
)
from certify.errors import InvalidInput
from certify.exact import round_up_float
from certify.exact.intervals import sqrt_up
from certify.solver_options import SolverOptions

F = Fraction

FLOOR_HORIZON = 10**12
"""A horizon at which the SDP objective is the floor alone."""

TAU_GRID = tuple(F(2) ** k for k in range(-14, 15))
"""The Young weights tau tried for the cross term p1 sqrt(V) <= (p1 / 2)(tau V + 1 / tau)."""


MIXING_MAX_POWER = 64
"""The largest power whose Dobrushin coefficient is computed exactly (the reported mixing
bound; the bound itself uses the exact Poisson solution)."""


@dataclass(frozen=True)
class PairChain:
    """The behaviour pair chain as exact rationals.

    ``model`` is the ExactModel with d replaced by the exact stationary law of K; ``h[x][i]``
    is the Poisson solution h_i(x) = (Z - 1 d)(x, i), Z = (I - K + 1 d^T)^-1, which solves
    h_i - K h_i = 1_i - d_i exactly (for any irreducible chain, periodic or not);
    ``mixing`` >= sup_x sum_t ||K^t(x, .) - d||_TV from exact Dobrushin coefficients (None
    when they do not reach below 1), reported and checked against sum_i |h_i(x)| <= 2 mixing.
    """

    model: ExactModel
    K: list
    h: list
    mixing: Fraction | None


def exact_pair_chain(model: ExactModel, behaviour: np.ndarray) -> PairChain:
    """:class:`PairChain` of the behaviour chain, all for the same rational chain.

    K(x, (s', a')) = P(s'|x) beta(a'|s') with P the model's exactly renormalised rows and beta
    the behaviour's floats as exact rationals, each row renormalised exactly.  d solves
    d K = d, sum d = 1 and Z = (I - K + 1 d^T)^-1 (Gauss-Jordan in rationals); then
    (I - K)(Z - 1 d) = I - 1 d, i.e. h_i - K h_i = 1_i - d_i.  The mixing bound: with
    delta_t = delta(K^t) the Dobrushin coefficient (exact) and d = d K^t,
    ||K^t(x, .) - d||_TV <= delta_t, submultiplicative, so the sum is at most
    (sum_{u<m} delta_u) / (1 - delta_m) for every m with delta_m < 1 (Seneta 1981, Section
    4.3); the same sum for the state chain P_beta plus 1 (t = 0) also bounds it (for t >= 1 the
    pair law is (P(.|x) P_beta^(t-1)) x beta, as in :mod:`certify.algorithms.qlearning.mixing`).

    Raises InvalidInput when the chain has no unique stationary law or d has zero entries.
    """
    S, A, n = model.n_states, model.n_actions, model.n
    beh = []
    for s in range(S):
        row = [F(float(x)) for x in np.asarray(behaviour, dtype=float)[s]]
        tot = sum(row)
        beh.append([x / tot for x in row])
    K = [[F(0)] * n for _ in range(n)]
    for x in range(n):
        for sp_, p in model.rows[x]:
            for ap in range(A):
                K[x][sp_ * A + ap] += p * beh[sp_][ap]
    # d (K - I) = 0, sum d = 1: the last equation replaced by the normalisation
    M = [[K[j][i] - (1 if i == j else 0) for j in range(n)] + [F(0)] for i in range(n)]
    M[-1] = [F(1)] * n + [F(1)]
    sol = solve_augmented(M)
    if sol is None:
        raise InvalidInput("Markovian sampling: the behaviour chain has no unique stationary "
                           "law (not irreducible)")
    d = [r[0] for r in sol]
    if min(d) <= 0:
        raise InvalidInput("Markovian sampling: the stationary law of the behaviour chain has "
                           "zero entries; every pair must be visited")
    Zinv = [[(1 if x == y else 0) - K[x][y] + d[y] for y in range(n)]
            + [F(1 if x == j else 0) for j in range(n)] for x in range(n)]
    Z = solve_augmented(Zinv)
    if Z is None:
        raise InvalidInput("Markovian sampling: I - K + 1 d^T is singular (the behaviour chain "
                           "is not irreducible)")
    h = [[Z[x][i] - d[i] for i in range(n)] for x in range(n)]
    Pb = [[F(0)] * S for _ in range(S)]
    for s_ in range(S):
        for a in range(A):
            for sp_, p in model.rows[s_ * A + a]:
                Pb[s_][sp_] += beh[s_][a] * p
    h_pair = _mixing_sum(K)
    h_state = _mixing_sum(Pb)
    cands = [v for v in (h_pair, None if h_state is None else 1 + h_state) if v is not None]
    return PairChain(replace(model, d=d), K, h, min(cands) if cands else None)


def _mixing_sum(K: list) -> Fraction | None:
    """min over m <= MIXING_MAX_POWER of (sum_{u<m} delta(K^u)) / (1 - delta(K^m)), exactly;
    None when delta(K^m) = 1 for every m."""
    n = len(K)
    deltas = [F(1)]
    power = K
    best: Fraction | None = None
    for t in range(1, MIXING_MAX_POWER + 1):
        if t > 1:
            power = [[sum((power[x][k] * K[k][y] for k in range(n) if power[x][k]), F(0))
                      for y in range(n)] for x in range(n)]
        dt = max((sum((abs(a - b) for a, b in zip(power[x], power[y], strict=True)), F(0)) / 2
                  for x in range(n) for y in range(x + 1, n)), default=F(0))
        if dt < 1:
            h = sum(deltas) / (1 - dt)
            best = h if best is None or h < best else best
            if dt < F(1, 10**6):
                break
        deltas.append(dt)
    return best


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
                     h: list) -> dict:
    """The constants u1, u0 (|U| <= alpha u1 V + alpha^2 u0) and p2, p1, p0
    (|Delta| <= alpha^2 (p2 V + p1 sqrt V + p0)) of the module docstring, as Fractions.

    Notation: g1 = 1 + gamma, l >= sqrt(lambda) (||e||_inf <= l sqrt V), xi_i = X_ii,
    eta_bar >= |eta| surely, s_i the noise weights of route 1, h[x][i] = h_i(x) the exact
    Poisson solution, zeta_i(x) = gamma P(s_x | i) + 1{i = x} (s_x the state of pair x).

    * |(X e)_i| <= sqrt(xi_i V) (Cauchy-Schwarz in the X inner product); |m_i(e)| =
      |gamma (P h_e)(i) - e_i| <= g1 ||e||_inf; q_i(e) <= (1 + eps) g1^2 ||e||^2 + s_i, so
      |psi(e, i)| <= alpha a_i V + alpha^2 xi_i s_i, a_i = 2 g1 sqrt(xi_i) l
      + alpha xi_i (1 + eps) g1^2 l^2, and |U(e, x)| <= sum_i |h_i(x)| |psi(e, i)|:
      u1 = max_x sum_i |h_i(x)| a_i, u0 = max_x sum_i |h_i(x)| xi_i s_i.
    * e' = e + alpha 1_x y with |y| <= Y = g1 ||e|| + eta_bar surely.  Only coordinate x
      moves, so |(X (e' - e))_i| = alpha |X_ix| |y|, and m_i and q_i's inner term move by at
      most zeta_i(x) alpha |y| (h_e changes only at the state s_x, by at most alpha |y|):
      |psi(e', i) - psi(e, i)| <= alpha^2 |y| [2 g1 |X_ix| (||e|| + alpha Y)
      + 2 sqrt(xi_i V) zeta_i(x) + alpha xi_i zeta_i(x) (g1 (2 ||e|| + alpha Y) + 2 eta_bar)],
      and |Delta| <= sup_x' sum_i |h_i(x')| times that, with A1(x) = max_x' sum_i |h_i(x')|
      |X_ix|, A2(x) = max_x' sum_i |h_i(x')| sqrt(xi_i) zeta_i(x), A3(x) the same with xi_i.
    """
    n, A = model.n, model.n_actions
    a, g, g1 = model.alpha, model.gamma, 1 + model.gamma
    lam = max(inv_diag)
    ell = sqrt_up(lam)
    xi = [X[i, i] for i in range(n)]
    sq = [sqrt_up(v) for v in xi]
    s = _noise_weights(model, eps)
    eb = eta_bar(model)
    habs = [[abs(v) for v in row] for row in h]
    acoef = [2 * g1 * sq[i] * ell + a * xi[i] * (1 + eps) * g1**2 * ell**2 for i in range(n)]
    u1 = max(sum(hr[i] * acoef[i] for i in range(n)) for hr in habs)
    u0 = max(sum(hr[i] * xi[i] * s[i] for i in range(n)) for hr in habs)
    into = [[F(0)] * model.n_states for _ in range(n)]  # into[i][s'] = P(s'|i)
    for i in range(n):
        for sp_, p in model.rows[i]:
            into[i][sp_] = p
    y1, y0 = g1 * ell, eb
    p2 = p1 = p0 = F(0)
    for x in range(n):
        zeta = [g * into[i][x // A] + (1 if i == x else 0) for i in range(n)]
        A1 = max(sum(hr[i] * abs(X[i, x]) for i in range(n)) for hr in habs)
        A2 = max(sum(hr[i] * sq[i] * zeta[i] for i in range(n)) for hr in habs)
        A3 = max(sum(hr[i] * xi[i] * zeta[i] for i in range(n)) for hr in habs)
        b1 = 2 * g1 * A1 * (ell + a * y1) + 2 * A2 + a * A3 * g1 * (2 * ell + a * y1)
        b0 = 2 * g1 * A1 * a * y0 + a * A3 * (g1 * a * y0 + 2 * eb)
        p2 = max(p2, y1 * b1)
        p1 = max(p1, y1 * b0 + y0 * b1)
        p0 = max(p0, y0 * b0)
    return {"lambda": lam, "u1": u1, "u0": u0, "p2": p2, "p1": p1, "p0": p0, "eta_bar": eb}


def markov_route_from(chain: PairChain, beta: Fraction, eps: Fraction, X: np.ndarray,
                      inv_diag: list, steps: int,
                      q0: np.ndarray | None = None) -> RouteBound | None:
    """The Markovian bound for one exactly checked route-1 certificate (beta, eps, X) of
    ``chain.model``; None when c <= 0 or alpha u1 >= 1 for every tau (alpha too large for
    the Poisson correction)."""
    model = chain.model
    n, a = model.n, model.alpha
    k = markov_constants(model, X, inv_diag, eps, chain.h)
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
                           "H_mixing": None if chain.mixing is None else round_up_float(chain.mixing),
                           "max_sum_abs_h": round_up_float(max(sum(abs(v) for v in r)
                                                               for r in chain.h)),
                           "u1": round_up_float(k["u1"]),
                           "p2": round_up_float(k["p2"]), "p1": round_up_float(k["p1"]),
                           "eta_bar": round_up_float(k["eta_bar"]),
                           "max_diag_X_inverse": round_up_float(k["lambda"])},
                          round_up_float(scale * w0))
        if best is None or cand.bound_ms < best.bound_ms:
            best = cand
    return best


def markov_second_moment_route(chain: PairChain, steps: int,
                               q0: np.ndarray | None = None,
                               options: SolverOptions | None = None,
                               tries: int = 6) -> RouteBound | None:
    """The best Markovian bound over the exactly checked route-1 certificates for the
    stationary law d (module docstring); None when none applies.

    Parameters
    ----------
    chain : PairChain
        The behaviour pair chain (:func:`exact_pair_chain`): the model with the exact
        stationary law d and the exact Poisson solution.
    steps : int
    q0 : array, optional
    """
    best: RouteBound | None = None
    # the SDP objective is the i.i.d. bound; the Markovian correction needs a drift margin,
    # so candidates chosen for the floor (a long horizon) are tried as well
    horizons = {int(steps), FLOOR_HORIZON}
    model = chain.model
    if model.n * model.n_actions**model.n_states <= 64:  # tiny: a few more SDP objectives
        horizons |= {h for h in (int(steps) // 100, int(steps) // 10, 10 * int(steps))
                     if 1 <= h <= 10**8}
    for horizon in sorted(horizons):
        for beta, eps, X, inv_diag in checked_lmi_candidates(chain.model, horizon, q0, options,
                                                             tries=tries):
            r = markov_route_from(chain, beta, eps, X, inv_diag, steps, q0)
            if r is not None and (best is None or r.bound_ms < best.bound_ms):
                best = r
    return best


__all__ = ["PairChain", "eta_bar", "exact_pair_chain", "markov_constants", "markov_route_from",
           "markov_second_moment_route"]
