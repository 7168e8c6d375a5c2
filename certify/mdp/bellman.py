"""Bellman operators: the max backup, its smooth relatives, and their fixed points.

Smooth maxima h over the action axis (theory.md section 1; Asadi and Littman 2017 for
mellowmax; Lee and Na, arXiv 2404.14442, for the smooth Q-learning ODE):

* ``max``:        h(q) = max_a q_a
* ``lse``:        h(q) = (1/lam) ln sum_a exp(lam q_a);            max <= h <= max + ln(m)/lam
* ``mellowmax``:  h(q) = (1/lam) ln((1/m) sum_a exp(lam q_a));     max - ln(m)/lam <= h <= max
* ``boltzmann``:  h(q) = sum_a q_a softmax(lam q)_a;                max - ln(m)/lam <= h <= max
* ``soft``:       h(q) = tau ln sum_a mu_a exp(q_a / tau)  (entropy-regularised backup with
  reference measure mu; lam = 1/tau)

All are evaluated stably (shift by the max before exponentiating), so large temperatures
and large Q-values neither overflow nor cancel.  The smoothed Bellman map is
F_h(Q) = R + gamma P H(Q) with H(Q)(s) = h(Q(s, .)).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from certify.errors import InvalidInput, SolverError, UnknownName, did_you_mean
from certify.mdp.finite import FiniteMDP
from certify.tolerance import FIXED_POINT_ATOL

OPERATORS = ("max", "lse", "mellowmax", "boltzmann", "soft")


def check_temperature(lam: float | None, operator: str) -> float:
    if lam is None:
        raise InvalidInput(f"temperature: the {operator!r} operator needs a temperature > 0")
    try:
        t = float(lam)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"temperature: expected a positive number, found {lam!r}") from exc
    if not np.isfinite(t) or t <= 0:
        raise InvalidInput(f"temperature = {lam!r}; expected a finite number > 0")
    return t


def check_operator(operator: str) -> str:
    if operator not in OPERATORS:
        raise UnknownName(
            f"unknown operator {operator!r}{did_you_mean(str(operator), OPERATORS)}; valid "
            f"operators are {', '.join(OPERATORS)}"
        )
    return operator


def smooth_max(
    q: np.ndarray, operator: str = "max", temperature: float | None = None,
    mu: np.ndarray | None = None,
) -> np.ndarray:
    """Smooth maximum of ``q`` over its last axis (see module docstring).

    Parameters
    ----------
    q : array (..., m)
    operator : {"max", "lse", "mellowmax", "boltzmann", "soft"}
    temperature : float
        lam for lse / mellowmax / boltzmann; tau for soft (lam = 1/tau).
    mu : array (m,), optional
        Reference measure for ``soft`` (default uniform).
    """
    check_operator(operator)
    q = np.asarray(q, dtype=float)
    if operator == "max":
        return q.max(axis=-1)
    lam = check_temperature(temperature, operator)
    m = q.shape[-1]
    if operator == "soft":
        lam = 1.0 / lam
    top = q.max(axis=-1, keepdims=True)
    z = np.exp(lam * (q - top))  # in (0, 1], the max entry is exactly 1
    if operator == "boltzmann":
        w = z / z.sum(axis=-1, keepdims=True)
        # sum_a q_a w_a = top + sum_a (q_a - top) w_a: no cancellation of large values
        return top[..., 0] + ((q - top) * w).sum(axis=-1)
    if operator == "soft":
        weights = np.full(m, 1.0 / m) if mu is None else np.asarray(mu, dtype=float)
        return top[..., 0] + np.log((weights * z).sum(axis=-1)) / lam
    s = np.log(z.sum(axis=-1)) / lam
    if operator == "mellowmax":
        s = s - np.log(m) / lam
    return top[..., 0] + s


def smooth_max_grad(
    q: np.ndarray, operator: str = "max", temperature: float | None = None,
    mu: np.ndarray | None = None,
) -> np.ndarray:
    """Gradient of :func:`smooth_max` with respect to ``q`` (same shape as ``q``).

    For max it is the indicator of the first maximiser (a subgradient); for lse, mellowmax
    and soft it is a softmax (in the simplex); for Boltzmann,
    dh/dq_a = w_a (1 + lam (q_a - h(q))) with w = softmax(lam q), which is not in the simplex.
    """
    check_operator(operator)
    q = np.asarray(q, dtype=float)
    if operator == "max":
        g = np.zeros_like(q)
        np.put_along_axis(g, q.argmax(axis=-1)[..., None], 1.0, axis=-1)
        return g
    lam = check_temperature(temperature, operator)
    if operator == "soft":
        lam = 1.0 / lam
    top = q.max(axis=-1, keepdims=True)
    z = np.exp(lam * (q - top))
    if operator == "soft" and mu is not None:
        z = z * np.asarray(mu, dtype=float)
    w = z / z.sum(axis=-1, keepdims=True)
    if operator == "boltzmann":
        h = smooth_max(q, "boltzmann", temperature)[..., None]
        return w * (1.0 + lam * (q - h))
    return w


def bellman_optimality(mdp: FiniteMDP, q: np.ndarray, operator: str = "max",
                       temperature: float | None = None, mu: np.ndarray | None = None) -> np.ndarray:
    """F_h(Q) = R + gamma P H(Q) for a table ``q`` of shape (S, A) (batch axes allowed).

    ``mu`` is the reference measure of the ``soft`` operator (default uniform).
    """
    v = smooth_max(q, operator, temperature, mu)
    return mdp.R + mdp.gamma * expected_next(mdp, v)


def expected_next(mdp: FiniteMDP, v: np.ndarray) -> np.ndarray:
    """(P v)(s, a) = sum_s' P(s'|s, a) v(s') for v of shape (..., S); returns (..., S, A)."""
    v = np.asarray(v, dtype=float)
    flat = v.reshape(-1, mdp.n_states)
    out = (mdp.P_matrix @ flat.T).T
    return out.reshape(v.shape[:-1] + (mdp.n_states, mdp.n_actions))


def policy_matrix(mdp: FiniteMDP, policy: np.ndarray) -> sp.csr_matrix:
    """Pi_pi as a sparse (S x n) matrix, (Pi_pi Q)(s) = sum_a pi(a|s) Q(s, a).

    ``policy`` is deterministic (S,) of action indices or stochastic (S, A).
    """
    S, A = mdp.n_states, mdp.n_actions
    pol = np.asarray(policy)
    if pol.ndim == 1:
        return sp.csr_matrix((np.ones(S), (np.arange(S), np.arange(S) * A + pol)), shape=(S, S * A))
    rows = np.repeat(np.arange(S), A)
    return sp.csr_matrix((pol.reshape(-1), (rows, np.arange(S * A))), shape=(S, S * A))


def greedy_policy(q: np.ndarray) -> np.ndarray:
    """Deterministic greedy policy: the first maximising action of each state."""
    return np.asarray(q).argmax(axis=-1)


def policy_q_values(mdp: FiniteMDP, policy: np.ndarray) -> np.ndarray:
    """Q^pi of a deterministic (S,) or stochastic (S, A) policy, by one linear solve.

    Q^pi = R + gamma P V^pi with V^pi = (I - gamma P_pi)^{-1} r_pi.
    """
    S = mdp.n_states
    pim = policy_matrix(mdp, policy)
    p_pi = (pim @ mdp.P_matrix).tocsc()
    r_pi = pim @ mdp.r_vector
    lhs = sp.identity(S, format="csc") - mdp.gamma * p_pi
    import scipy.sparse.linalg as spla  # on first use (start-up time)

    v = spla.spsolve(lhs, r_pi) if S > 300 else np.linalg.solve(lhs.toarray(), r_pi)
    return mdp.R + mdp.gamma * expected_next(mdp, np.asarray(v).reshape(-1))


def q_star(mdp: FiniteMDP, max_iter: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Optimal Q-function and a greedy optimal policy, by policy iteration.

    Policy iteration (Howard 1960) terminates in finitely many steps; ties keep the current
    action, so the loop cannot cycle.  Delegates to :func:`certify.mdp.qstar.solve_q_star`
    (dense solves for small MDPs, warm-started GMRES for large ones).

    Parameters
    ----------
    mdp : FiniteMDP
    max_iter : int
        Maximal number of policy-iteration steps.

    Returns
    -------
    q : array (S, A)
    policy : array (S,) of ints
    """
    from certify.mdp.io import as_mdp

    mdp = as_mdp(mdp)
    from certify.mdp.qstar import solve_q_star

    res = solve_q_star(mdp, max_iter=max_iter)
    return res.q, res.policy


def smooth_fixed_point(
    mdp: FiniteMDP, operator: str, temperature: float | None = None,
    tol: float = FIXED_POINT_ATOL, max_iter: int = 100_000, q0: np.ndarray | None = None,
    mu: np.ndarray | None = None,
) -> np.ndarray:
    """Fixed point of F_h by iteration, stopped when ||F(Q) - Q||_inf <= tol (1 - gamma).

    For max, lse, mellowmax and soft F_h is a gamma-contraction in the sup norm, so the
    returned Q is within ``tol`` of the fixed point.  For Boltzmann F_h need not contract;
    the iteration may fail to converge and then raises SolverError.
    """
    q = np.zeros((mdp.n_states, mdp.n_actions)) if q0 is None else np.array(q0, dtype=float)
    stop = tol * max(1.0 - mdp.gamma, 1e-12)
    for _ in range(max_iter):
        q_new = bellman_optimality(mdp, q, operator, temperature, mu)
        if np.max(np.abs(q_new - q)) <= stop:
            return q_new
        q = q_new
    raise SolverError(
        f"fixed-point iteration of the {operator} Bellman operator did not reach tolerance "
        f"{tol:g} in {max_iter} iterations"
    )
