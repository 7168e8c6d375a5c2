"""A two-timescale linear actor-critic: the linearised mean field, checked as linear SA.

The algorithm (Konda and Tsitsiklis 2003; the TD-error actor-critic of Bhatnagar, Sutton,
Ghavamzadeh and Lee 2009, Algorithm 1, there for the average reward, here discounted),
on-policy, samples
s ~ d_theta, a ~ pi_theta(.|s), s' ~ P(.|s, a):

    critic (fast, step beta_n):  w     += beta_n  delta phi(s),
    actor  (slow, step alpha_n): theta += alpha_n delta grad log pi_theta(a|s),
    delta = R(s, a) + gamma w^T phi(s') - w^T phi(s),

with critic features phi (the problem's) and a softmax actor around the problem's target
policy pi_0: pi_theta(a|s) proportional to pi_0(a|s) exp(theta^T psi(s, a)), psi(s, a) =
e_a (x) phi(s) for the actions a = 1..A-1 (action 0 is the reference, so theta has
k (A - 1) entries and no direction leaves pi unchanged).  Its mean field is

    h_w(w, theta)   = Phi^T D_theta (r_theta + gamma P_theta Phi w - Phi w),
    g(w, theta)     = sum_s d_theta(s) sum_a grad pi_theta(a|s) (R(s, a) + gamma (P Phi w)(s, a))

(the -phi(s)^T w term of delta drops since sum_a grad pi = 0).  It is not linear in theta.
The **linear SA built here** is its first-order (affine) model at x_0 = (w_0, 0), w_0 the
critic's TD(0) fixed point under pi_0: x' = H x + c with H the exact Jacobian at x_0 and
c = F(x_0) - H x_0.  Every entry is rational: at theta = 0 the softmax derivatives are
grad pi = pi (psi - psi_bar) and the Hessian pi [(psi - psi_bar)(psi - psi_bar)^T - Cov],
and grad d solves (I - P)^T grad d_j = (grad_j P)^T d, 1^T grad d_j = 0.

Level 1 is the critic, L_1 = Phi^T D (gamma P - I) Phi (Hurwitz on-policy with full-rank
features, Tsitsiklis and Van Roy 1997); level 2 is the Jacobian at theta = 0 of the actor's
slow ODE theta' = g(w*(theta), theta) along the critic's equilibrium.  A Hurwitz level 2
says the affine model is stable (and, near a stationary point of the actor, that the
nonlinear ODE is locally stable there); a non-Hurwitz level refutes the affine model.  The
noise of this linear model is not a sampled affine update (the theta-terms come from the
change of the sampling law with theta), so (A:2) is left undecided: the verdict is at best
inconclusive, the levels are exact.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from certify.algorithms.td.conditions import Condition, verdict_of
from certify.algorithms.td.linear import EXACT_MAX_STATES, exact_value
from certify.algorithms.td.user_system import UserSACheck, UserSystem, check_system
from certify.errors import InvalidInput
from certify.mdp.problem import Problem


def _m(a: np.ndarray) -> sp.Matrix:
    arr = np.atleast_2d(np.asarray(a, dtype=float))
    return sp.Matrix(arr.shape[0], arr.shape[1], [exact_value(v) for v in arr.reshape(-1)])


def actor_features(phi: np.ndarray, n_actions: int) -> np.ndarray:
    """psi(s, a) = e_a (x) phi(s) for a >= 1, psi(s, 0) = 0: shape (S, A, k (A - 1))."""
    S, k = phi.shape
    psi = np.zeros((S, n_actions, k * (n_actions - 1)))
    for a in range(1, n_actions):
        psi[:, a, (a - 1) * k:a * k] = phi
    return psi


def _stationary(P: sp.Matrix) -> sp.Matrix:
    S = P.shape[0]
    m = (sp.eye(S) - P).T.col_join(sp.ones(1, S))
    sol, params = m.gauss_jordan_solve(sp.zeros(S, 1).col_join(sp.Matrix([[1]])))
    if params.shape[0] != 0:
        raise InvalidInput("actor-critic: the chain of the target policy has more than one "
                           "stationary law")
    return sol


def linearised_actor_critic(problem: Problem) -> tuple[sp.Matrix, sp.Matrix, tuple[int, int],
                                                        sp.Matrix]:
    """Exact (H, c) of the affine model at (w_0, 0), the block sizes (k, m), and w_0.

    Raises
    ------
    InvalidInput
        One action (no actor), no features, more than EXACT_MAX_STATES states, a chain with
        several stationary laws, or a singular critic matrix.
    """
    mdp = problem.mdp
    S, A = mdp.n_states, mdp.n_actions
    if A < 2:
        raise InvalidInput(f"actor-critic: {problem.name!r} has one action; an actor needs two "
                           "or more")
    if S > EXACT_MAX_STATES:
        raise InvalidInput(f"actor-critic: {S} states; the exact linearisation handles at most "
                           f"{EXACT_MAX_STATES}")
    if problem.features is None:
        raise InvalidInput(f"features: problem {problem.name!r} has none; the critic needs them")
    pi0 = problem.target
    if pi0 is None and problem.sampling is not None:
        pi0 = problem.sampling.behaviour
    if pi0 is None:
        raise InvalidInput(f"target: problem {problem.name!r} has no policy to linearise at")
    phi_f = np.asarray(problem.features, dtype=float)
    k = phi_f.shape[1]
    psi_f = actor_features(phi_f, A)
    m = psi_f.shape[2]
    g = exact_value(mdp.gamma)
    Phi = _m(phi_f)
    pi = _m(pi0)
    Psa = [[_m(mdp.P[s, a].reshape(1, -1)) for a in range(A)] for s in range(S)]
    R = _m(mdp.R)
    psi = [[_m(psi_f[s, a].reshape(-1, 1)) for a in range(A)] for s in range(S)]
    P = sp.Matrix.vstack(*[sum((pi[s, a] * Psa[s][a] for a in range(A)), sp.zeros(1, S))
                           for s in range(S)])
    r = sp.Matrix([sum(pi[s, a] * R[s, a] for a in range(A)) for s in range(S)])
    d = _stationary(P)
    D = sp.diag(*list(d))
    A0 = Phi.T * D * (g * P - sp.eye(S)) * Phi
    b0 = Phi.T * D * r
    if A0.det() == 0:
        raise InvalidInput("actor-critic: the critic matrix Phi^T D (gamma P - I) Phi is "
                           "singular (dependent features?)")
    w0 = -A0.LUsolve(b0)
    V0 = Phi * w0
    # scores, softmax derivatives, Q_{w0}
    sc = [[psi[s][a] - sum((pi[s, b] * psi[s][b] for b in range(A)), sp.zeros(m, 1))
           for a in range(A)] for s in range(S)]
    dpi = [[pi[s, a] * sc[s][a] for a in range(A)] for s in range(S)]
    cov = [sum((pi[s, b] * sc[s][b] * sc[s][b].T for b in range(A)), sp.zeros(m, m))
           for s in range(S)]
    d2pi = [[pi[s, a] * (sc[s][a] * sc[s][a].T - cov[s]) for a in range(A)] for s in range(S)]
    PV = [[(Psa[s][a] * V0)[0, 0] for a in range(A)] for s in range(S)]
    Q0 = [[R[s, a] + g * PV[s][a] for a in range(A)] for s in range(S)]
    # derivatives of P_theta, r_theta, d_theta along each theta_j
    lhs = (sp.eye(S) - P).T.col_join(sp.ones(1, S))
    dd_cols, hwt_cols = [], []
    for j in range(m):
        dP = sp.Matrix.vstack(*[sum((dpi[s][a][j] * Psa[s][a] for a in range(A)),
                                    sp.zeros(1, S)) for s in range(S)])
        dr = sp.Matrix([sum(dpi[s][a][j] * R[s, a] for a in range(A)) for s in range(S)])
        ddj, _ = lhs.gauss_jordan_solve((dP.T * d).col_join(sp.zeros(1, 1)))
        dd_cols.append(ddj)
        hwt_cols.append(Phi.T * (sp.diag(*list(ddj)) * (r + (g * P - sp.eye(S)) * V0)
                                 + D * (dr + g * dP * V0)))
    Hwt = sp.Matrix.hstack(*hwt_cols)
    dd = sp.Matrix.hstack(*dd_cols)                                   # (S, m): d d(s)/d theta
    PPhi = [[Psa[s][a] * Phi for a in range(A)] for s in range(S)]    # (1, k) rows
    Gw = sp.zeros(m, k)
    Gt = sp.zeros(m, m)
    g0 = sp.zeros(m, 1)
    for s in range(S):
        for a in range(A):
            Gw += d[s] * dpi[s][a] * (g * PPhi[s][a])
            Gt += dpi[s][a] * dd[s, :] * Q0[s][a] + d[s] * d2pi[s][a] * Q0[s][a]
            g0 += d[s] * dpi[s][a] * Q0[s][a]
    H = sp.Matrix.vstack(sp.Matrix.hstack(A0, Hwt), sp.Matrix.hstack(Gw, Gt))
    c = b0.col_join(g0 - Gw * w0)
    return H, c, (k, m), w0


def check_actor_critic(problem: Problem, exponents: object) -> UserSACheck:
    """``sa check actor-critic PROBLEM``: the exact conditions on the affine model (module
    docstring), critic w fastest, actor theta slowest; (A:2) undecided.

    Examples
    --------
    >>> from certify.algorithms.td.actor_critic import check_actor_critic
    >>> from certify.mdp import load_problem
    >>> chk = check_actor_critic(load_problem("random-walk-5"), "0.6,0.9")
    >>> [c.holds for c in chk.conditions if c.name.startswith("(C")]
    [True, False]
    """
    H, c, (k, m), _ = linearised_actor_critic(problem)
    sys_ = UserSystem(f"actor-critic on {problem.name}", ("w", "theta"), (k, m), H, c, None,
                      {"model": "unspecified"})
    res = check_system(sys_, exponents)
    note = ("linearised actor-critic: the theta-terms of the affine model come from the change "
            "of the sampling law with theta, not from a sampled affine update; (A:2) undecided")
    conds = tuple(Condition("(A:2)", None, note, refutes=False) if x.name == "(A:2)" else x
                  for x in res.conditions)
    return UserSACheck(res.system, res.exponents, conds, res.levels, res.limit_exact,
                       verdict_of(list(conds)))
