"""Entropy-regularised MDPs: soft Bellman operator, soft-optimal policy, value of a policy.

With a reference measure mu over actions and temperature tau > 0 (seed 004, after the
tau-entropy-regularised dynamic programming principle of Leahy, Kerimkulov, Siska and
Szpruch):

* value of a stochastic policy pi, V^pi_tau = (I - gamma P_pi)^{-1} r_pi with regularised
  reward r_pi(s) = sum_a pi(a|s) [R(s, a) - tau ln(pi(a|s) / mu(a))];
  Q^pi_tau = R + gamma P V^pi_tau;
* soft Bellman equation V*_tau(s) = tau ln sum_a mu(a) exp(Q*_tau(s, a) / tau),
  Q*_tau = R + gamma P V*_tau, a gamma-contraction in the sup norm;
* soft-optimal policy pi*_tau(a|s) = mu(a) exp((Q*_tau(s, a) - V*_tau(s)) / tau);
* normalised discounted occupancy d^pi_rho = (1 - gamma) rho^T (I - gamma P_pi)^{-1}.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from certify.algorithms.pg.params import check_positive, reference_measure
from certify.errors import SolverError
from certify.mdp.bellman import expected_next, policy_matrix, smooth_max
from certify.mdp.finite import FiniteMDP, check_policy
from certify.tolerance import FIXED_POINT_ATOL


@dataclass(frozen=True)
class SoftSolution:
    """Soft-optimal quantities of an entropy-regularised MDP.

    Attributes
    ----------
    q, v, pi : arrays (S, A), (S,), (S, A)
        Q*_tau, V*_tau and pi*_tau.
    residual : float
        ||T_tau(Q) - Q||_inf at the returned Q; the error to the fixed point is at most
        residual / (1 - gamma) (contraction).
    iterations : int
    """

    q: np.ndarray
    v: np.ndarray
    pi: np.ndarray
    residual: float
    iterations: int


def soft_backup(mdp: FiniteMDP, q: np.ndarray, tau: float, mu: np.ndarray) -> np.ndarray:
    """T_tau(Q) = R + gamma P V, V(s) = tau ln sum_a mu(a) exp(Q(s, a) / tau) (stable)."""
    return mdp.R + mdp.gamma * expected_next(mdp, smooth_max(q, "soft", tau, mu))


def soft_policy(q: np.ndarray, tau: float, mu: np.ndarray) -> np.ndarray:
    """pi(a|s) proportional to mu(a) exp(Q(s, a) / tau), computed with the max shifted out."""
    z = (np.asarray(q, dtype=float) - np.max(q, axis=-1, keepdims=True)) / tau
    w = mu * np.exp(z)
    return w / w.sum(axis=-1, keepdims=True)


def soft_optimal(mdp: FiniteMDP, tau: float, mu: object | None = None,
                 tol: float = FIXED_POINT_ATOL, max_iter: int = 1_000_000) -> SoftSolution:
    """Q*_tau, V*_tau and pi*_tau by iterating the soft Bellman operator.

    The soft Bellman equation V*_tau(s) = tau ln sum_a mu(a) exp(Q*_tau(s, a) / tau),
    Q*_tau = R + gamma P V*_tau (a gamma-contraction in the sup norm), and the soft-optimal policy
    pi*_tau(a|s) = mu(a) exp((Q*_tau(s, a) - V*_tau(s)) / tau) (seed 004: Kerimkulov, Leahy,
    Siska and Szpruch, ICML 2022, arXiv:2201.07296; docs/theory.md section 5).

    The operator is a gamma-contraction in the sup norm, so the iteration stops when
    ||T(Q) - Q||_inf <= tol (1 - gamma), i.e. within ``tol`` of the fixed point.

    Parameters
    ----------
    mdp : FiniteMDP
    tau : float
        Entropy temperature, > 0.
    mu : array-like (A,), optional
        Reference measure over actions (default uniform).
    tol : float
        Distance to the fixed point at which to stop.
    max_iter : int

    Raises
    ------
    InvalidInput
        tau not positive, mu not a positive distribution over the actions.
    SolverError
        No convergence within ``max_iter`` iterations.

    Examples
    --------
    One state, two actions with rewards 0 and 1, tau = 1, mu uniform: V = gamma V +
    ln((1 + e) / 2), so V* = 2 ln((1 + e) / 2) at gamma = 1/2, and pi*(a) = e^{r_a} / (1 + e):

    >>> import math
    >>> import numpy as np
    >>> from certify import FiniteMDP, soft_optimal
    >>> mdp = FiniteMDP(np.ones((1, 2, 1)), R=np.array([[0.0, 1.0]]), gamma=0.5)
    >>> sol = soft_optimal(mdp, tau=1.0)
    >>> bool(abs(sol.v[0] - 2 * math.log((1 + math.e) / 2)) < 1e-10)
    True
    >>> bool(np.allclose(sol.pi[0], [1 / (1 + math.e), math.e / (1 + math.e)]))
    True
    """
    from certify.mdp.io import as_mdp

    mdp = as_mdp(mdp)
    tau = check_positive(tau, "tau")
    mu = reference_measure(mu, mdp.n_actions)
    q = np.zeros((mdp.n_states, mdp.n_actions))
    stop = tol * (1.0 - mdp.gamma)
    for it in range(1, max_iter + 1):
        q_new = soft_backup(mdp, q, tau, mu)
        res = float(np.max(np.abs(q_new - q)))
        q = q_new
        if res <= stop:
            v = smooth_max(q, "soft", tau, mu)
            return SoftSolution(q, v, soft_policy(q, tau, mu), res, it)
    raise SolverError(f"soft value iteration did not reach tolerance {tol:g} in {max_iter} "
                      "iterations")


def regularised_value(mdp: FiniteMDP, pi: np.ndarray, tau: float,
                      mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(V^pi_tau, Q^pi_tau) of a stochastic policy by one linear solve.

    V = (I - gamma P_pi)^{-1} r_pi with r_pi(s) = sum_a pi [R - tau ln(pi / mu)]
    (0 ln 0 = 0); Q = R + gamma P V.
    """
    pi = check_policy(pi, mdp, "pi")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(pi > 0, np.log(pi / mu), 0.0)
    r_pi = (pi * (mdp.R - tau * log_ratio)).sum(axis=1)
    p_pi = policy_kernel(mdp, pi)
    v = np.linalg.solve(np.eye(mdp.n_states) - mdp.gamma * p_pi, r_pi)
    return v, mdp.R + mdp.gamma * expected_next(mdp, v)


DENSE_KERNEL_ENTRIES = 1 << 16
"""Up to this many entries of P (S * A * S), :func:`policy_kernel` works on the dense array."""


def policy_kernel(mdp: FiniteMDP, pi: np.ndarray) -> np.ndarray:
    """P_pi(s, s') = sum_a pi(a|s) P(s'|s, a) as a dense (S, S) array.

    Small MDPs use the dense P and add the actions in order a = 0, 1, ..., which are the
    operations, in the same order, of the sparse product Pi_pi P_matrix (each entry starts
    from the first product; missing entries of P add exact zeros), so both give the same
    floats; larger ones use the sparse product.
    """
    s, a = mdp.n_states, mdp.n_actions
    if s * a * s > DENSE_KERNEL_ENTRIES:
        return (policy_matrix(mdp, pi) @ mdp.P_matrix).toarray()
    p = mdp.P
    pi = np.asarray(pi, dtype=float)
    out = pi[:, 0, None] * p[:, 0, :]
    for b in range(1, a):
        out = out + pi[:, b, None] * p[:, b, :]
    return out


def occupancy(mdp: FiniteMDP, pi: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Normalised discounted state occupancy d^pi_rho = (1 - gamma) rho^T (I - gamma P_pi)^{-1}."""
    p_pi = policy_kernel(mdp, pi)
    return (1.0 - mdp.gamma) * np.linalg.solve((np.eye(mdp.n_states) - mdp.gamma * p_pi).T, rho)
