"""Q* at scale: policy iteration with Krylov policy evaluation, checked by its residual.

Policy iteration (Howard 1960) alternates policy evaluation, V^pi = (I - gamma P_pi)^{-1}
r_pi, and greedy improvement; it stops after finitely many steps at an optimal policy.
For small MDPs (at most :data:`DENSE_STATES` states) the evaluation is a dense LU solve.
For large ones a sparse LU of I - gamma P_pi fills in badly on random transition graphs,
so the evaluation is done by a Krylov method on the |S| x |S| system, warm-started from the
previous policy's values: BiCGSTAB (van der Vorst 1992), with restarted GMRES (Saad and
Schultz 1986) as the backup.  I - gamma P_pi is a nonsingular M-matrix whose spectrum lies
in the disc |z - 1| <= gamma, so GMRES converges at least at the rate gamma and, on mixing
transition graphs, much faster.  Value iteration is the
fallback when a Krylov solve fails.

The answer is checked by its Bellman residual: with T the Bellman optimality operator,
a gamma-contraction in the sup norm,

    ||Q - Q*||_inf <= ||T Q - Q||_inf / (1 - gamma)           (theory.md section 1)

(from ||Q - Q*|| <= ||Q - T Q|| + ||T Q - T Q*||).  If in state s the greedy action's
margin over every other action (the action gap) exceeds twice that bound, the greedy action
is the unique optimal action of Q* in s.  The residual is evaluated in floating point, with
a margin for its rounding; it is a numerical bound, not an exact certificate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from certify.errors import SolverError
from certify.mdp.finite import FiniteMDP

DENSE_STATES = 300
"""Up to this many states policy evaluation is a dense solve."""

_EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class QStarResult:
    """Q*, a greedy optimal policy and the residual check (see module docstring).

    Attributes
    ----------
    q : array (S, A)
    policy : array (S,)
        Greedy (first maximising) action of ``q`` in every state.
    residual : float
        ||T Q - Q||_inf, plus a margin for the rounding of its evaluation.
    error_bound : float
        residual / (1 - gamma), a bound on ||Q - Q*||_inf.
    certified_states : int
        States whose action gap exceeds 2 * error_bound (greedy action optimal for Q*).
    min_gap : float
        Smallest action gap over states (inf with one action).
    method : str
    iterations : int
        Policy-improvement steps (or value-iteration sweeps for the fallback).
    krylov_iterations : int
        Total operator applications of the Krylov solves.
    seconds : float
    """

    q: np.ndarray
    policy: np.ndarray
    residual: float
    error_bound: float
    certified_states: int
    min_gap: float
    method: str
    iterations: int
    krylov_iterations: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def policy_certified(self) -> bool:
        """Whether the greedy policy is certified optimal in every state."""
        return self.certified_states == self.policy.shape[0]

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "iterations": self.iterations,
            "krylov_iterations": self.krylov_iterations,
            "bellman_residual": self.residual,
            "error_bound": self.error_bound,
            "min_action_gap": self.min_gap if np.isfinite(self.min_gap) else None,
            "certified_states": self.certified_states,
            "n_states": int(self.policy.shape[0]),
            "policy_certified_optimal": self.policy_certified,
            "seconds": self.seconds,
            "notes": list(self.notes),
        }


def bellman_residual(mdp: FiniteMDP, q: np.ndarray) -> float:
    """||T Q - Q||_inf with T Q = R + gamma P max_a Q, plus a rounding margin.

    The margin covers the floating-point evaluation of T Q - Q: each entry is a sum of at
    most (row length + 2) products of numbers bounded by max|R| and max|Q|, so its error is
    below (row length + 4) eps (max|R| + 2 max|Q|) (standard summation bound, Higham 2002,
    section 4.2), taken here with a factor 4 to spare.
    """
    v = q.max(axis=1)
    tq = mdp.R + mdp.gamma * (mdp.P_matrix @ v).reshape(q.shape)
    res = float(np.max(np.abs(tq - q)))
    row_len = int(np.diff(mdp.P_matrix.indptr).max()) if mdp.P_matrix.nnz else 0
    scale = float(np.max(np.abs(mdp.R))) + 2.0 * float(np.max(np.abs(q)))
    return res + 4.0 * (row_len + 4) * _EPS * scale


def action_gaps(q: np.ndarray, policy: np.ndarray) -> np.ndarray:
    """Q(s, pi(s)) - max_{a != pi(s)} Q(s, a) per state (inf with a single action)."""
    S, A = q.shape
    if A == 1:
        return np.full(S, np.inf)
    rows = np.arange(S)
    chosen = q[rows, policy]
    others = q.copy()
    others[rows, policy] = -np.inf
    return chosen - others.max(axis=1)


def _evaluate_dense(mdp: FiniteMDP, pol: np.ndarray) -> np.ndarray:
    S, A = mdp.n_states, mdp.n_actions
    rows = np.arange(S) * A + pol
    p_pi = mdp.P_matrix[rows].toarray()
    r_pi = mdp.r_vector[rows]
    return np.linalg.solve(np.eye(S) - mdp.gamma * p_pi, r_pi)


def _evaluate_krylov(mdp: FiniteMDP, pol: np.ndarray, v0: np.ndarray,
                     rtol: float) -> tuple[np.ndarray, int]:
    """V^pi by BiCGSTAB (else restarted GMRES) on (I - gamma P_pi) v = r_pi, from ``v0``."""
    from certify.krylov import bicgstab, gmres

    S, A = mdp.n_states, mdp.n_actions
    rows = np.arange(S) * A + pol
    p_pi = mdp.P_matrix[rows]
    r_pi = mdp.r_vector[rows]
    g = mdp.gamma
    # the 2-norm residual bounds the sup-norm one; rounding in the products limits it to
    # about eps ||v||_2, hence the relative target
    def op(x: np.ndarray) -> np.ndarray:
        return x - g * (p_pi @ x)

    v, ok, count = bicgstab(op, r_pi, x0=v0, rtol=rtol, max_iter=2000)
    if not ok:  # BiCGSTAB is the cheaper step; GMRES the steadier backup
        v, ok, more = gmres(op, r_pi, x0=v0, rtol=rtol, restart=30, max_cycles=30)
        count += more
    if not ok:
        raise SolverError("Krylov policy evaluation did not converge")
    return v, count


def _value_iteration(mdp: FiniteMDP, q: np.ndarray, target: float,
                     max_iter: int) -> tuple[np.ndarray, int]:
    """Value iteration from ``q`` until ||T Q - Q||_inf <= target (or max_iter sweeps)."""
    S, A = q.shape
    for it in range(1, max_iter + 1):
        q_new = mdp.R + mdp.gamma * (mdp.P_matrix @ q.max(axis=1)).reshape(S, A)
        step = float(np.max(np.abs(q_new - q)))
        q = q_new
        if step <= target:
            return q, it
    return q, max_iter


def solve_q_star(mdp: FiniteMDP, max_iter: int = 1000, rtol: float = 1e-12) -> QStarResult:
    """Q* and a greedy optimal policy of ``mdp``, with a residual bound on the error.

    Parameters
    ----------
    mdp : FiniteMDP
    max_iter : int
        Maximum policy-improvement steps.
    rtol : float
        Relative accuracy of each Krylov policy evaluation (2-norm residual / ||r_pi||_2).

    Returns
    -------
    QStarResult

    Raises
    ------
    SolverError
        If neither policy iteration nor the value-iteration fallback reaches a small
        residual.
    """
    t0 = time.perf_counter()
    S, A = mdp.n_states, mdp.n_actions
    dense = S <= DENSE_STATES
    method = ("policy iteration (dense solves)" if dense else
              "policy iteration (Krylov evaluation, warm-started)")
    pol = np.zeros(S, dtype=int)
    v = np.zeros(S)
    kry = 0
    notes: list[str] = []
    converged = False
    it = 0
    q = np.zeros((S, A))
    for step in range(1, max_iter + 1):
        it = step
        if dense:
            v = _evaluate_dense(mdp, pol)
        else:
            try:
                v, k = _evaluate_krylov(mdp, pol, v, rtol)
                kry += k
            except SolverError as exc:
                notes.append(f"{exc}; finished by value iteration")
                break
        q = mdp.R + mdp.gamma * (mdp.P_matrix @ v).reshape(S, A)
        best = q.max(axis=1)
        current = q[np.arange(S), pol]
        improve = best > current + 1e-12 * (1.0 + np.abs(best))
        if not improve.any():
            converged = True
            break
        pol = np.where(improve, q.argmax(axis=1), pol)
    scale = 1.0 + float(np.max(np.abs(mdp.R))) / max(1.0 - mdp.gamma, 1e-12)
    if not converged:
        if dense and not notes:
            raise SolverError(f"policy iteration did not converge in {max_iter} iterations")
        method = "value iteration (fallback)"
        q, it = _value_iteration(mdp, q, 1e-13 * scale * (1 - mdp.gamma), 100_000)
    res = bellman_residual(mdp, q)
    if not np.isfinite(res) or res > 1e-6 * scale:
        raise SolverError(f"Q* solve ended with Bellman residual {res:.3g}")
    bound = res / (1.0 - mdp.gamma)
    if not converged:
        pol = q.argmax(axis=1)
    gaps = action_gaps(q, pol)
    n_cert = int(np.count_nonzero(gaps > 2.0 * bound))
    return QStarResult(q, pol, res, bound, n_cert, float(gaps.min()), method, it, kry,
                       time.perf_counter() - t0, tuple(notes))
