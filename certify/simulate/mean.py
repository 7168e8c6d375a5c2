"""The mean (noise-free) switched recursion e_{k+1} = A_{sigma_k} e_k of Q-learning.

Seed 002 (Theorem 1 and Lemma 6): the conditional mean of one asynchronous Q-learning step,
Q_k + alpha D (T Q_k - Q_k), has error A_{sigma_k} e_k with
A_sigma = I + alpha D (gamma P Pi_sigma - I), where on each state s the stochastic policy
sigma_k puts weight lambda_s on a greedy action g of Q_k and 1 - lambda_s on a greedy action
g* of Q*, chosen so that

    max_a Q_k(s, a) - max_a Q*(s, a) = lambda_s e_k(s, g) + (1 - lambda_s) e_k(s, g*).

Such lambda_s in [0, 1] exists because e_k(s, g*) <= max Q_k - max Q* <= e_k(s, g).
"""

from __future__ import annotations

import numpy as np

from certify.mdp.bellman import bellman_optimality, policy_matrix
from certify.mdp.finite import FiniteMDP


def lemma6_policy(q: np.ndarray, q_star: np.ndarray) -> np.ndarray:
    """The stochastic policy sigma (S, A) of Lemma 6 for the table ``q`` (S, A)."""
    S, A = q.shape
    e = q - q_star
    g = q.argmax(axis=1)
    gs = q_star.argmax(axis=1)
    rows = np.arange(S)
    target = q.max(axis=1) - q_star.max(axis=1)
    hi, lo = e[rows, g], e[rows, gs]
    gap = hi - lo
    lam = np.where(gap > 0, (target - lo) / np.where(gap > 0, gap, 1.0), 1.0)
    lam = np.clip(lam, 0.0, 1.0)  # rounding only: exact lam lies in [0, 1]
    sigma = np.zeros((S, A))
    sigma[rows, gs] += 1.0 - lam
    sigma[rows, g] += lam
    return sigma


def apply_switched(mdp: FiniteMDP, d: np.ndarray, alpha: float, sigma: np.ndarray,
                   e: np.ndarray) -> np.ndarray:
    """A_sigma e = e + alpha d * (gamma P Pi_sigma e - e) for a flat error vector e (n,)."""
    pe = mdp.P_matrix @ (policy_matrix(mdp, sigma) @ e)
    return e + alpha * d * (mdp.gamma * pe - e)


def mean_recursion(mdp: FiniteMDP, d: np.ndarray, alpha: float, q0: np.ndarray,
                   q_star: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Errors e_0..e_steps of the mean recursion and the Lemma 6 policies used.

    Returns
    -------
    errors : array (steps + 1, n)
        e_k = Q_k - Q*, flat state-major, with Q_{k+1} = Q_k + alpha D (T Q_k - Q_k).
    sigmas : array (steps, S, A)
        sigma_k, so that e_{k+1} = A_{sigma_k} e_k.
    """
    S, A = mdp.n_states, mdp.n_actions
    d2 = np.asarray(d, dtype=float).reshape(S, A)
    q = np.broadcast_to(np.asarray(q0, dtype=float), (S, A)).copy()
    errors = np.empty((steps + 1, S * A))
    sigmas = np.empty((steps, S, A))
    errors[0] = (q - q_star).reshape(-1)
    for k in range(steps):
        sigmas[k] = lemma6_policy(q, q_star)
        q = q + alpha * d2 * (bellman_optimality(mdp, q) - q)
        errors[k + 1] = (q - q_star).reshape(-1)
    return errors, sigmas
