"""The operator U3 on a finite MDP, its empirical Lipschitz ratio, and Theorem 3's bound.

U3 Q = Q + alpha K D_rho (T*Q - Q) (Achiam, Knight and Abbeel, arXiv 1903.08894, eq. (14)),
with Q a state-major vector of length n = |S||A| and T* the Bellman optimality operator
(:func:`certify.mdp.bellman_optimality`).  Q* is a fixed point of U3 for every K.

Theorem 3 (paper): iterating operators U_k with sup-norm Lipschitz constants beta_k and the
common fixed point Q* gives ||Q_k - Q*|| <= (prod_{j<k} beta_j) ||Q_0 - Q*||.  beta(K) of
:mod:`certify.ntk.theorem2` is such a constant for every K, so the bound needs no hypothesis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..mdp import FiniteMDP, bellman_optimality
from ..mdp.ordering import flatten, unflatten


def bellman_vector(mdp: FiniteMDP, q: np.ndarray) -> np.ndarray:
    """T*Q for a state-major vector (or a batch (m, n) of them)."""
    return flatten(bellman_optimality(mdp, unflatten(q, mdp.n_actions)))


def u3(mdp: FiniteMDP, k: np.ndarray, rho: np.ndarray, alpha: float, q: np.ndarray) -> np.ndarray:
    """U3 Q = Q + alpha K D_rho (T*Q - Q); ``q`` is (n,) or a batch (m, n)."""
    td = bellman_vector(mdp, q) - q
    return q + alpha * (td * rho) @ np.asarray(k, dtype=float).T


@dataclass(frozen=True)
class LipschitzEstimate:
    """Largest observed ||U3 Q1 - U3 Q2||_inf / ||Q1 - Q2||_inf over probe pairs.

    ``ratio`` is a lower bound on the true Lipschitz constant, so ``ratio > 1`` refutes a
    contraction and ``ratio <= beta`` is what Theorem 2 predicts.
    """

    ratio: float
    n_pairs: int
    worst_kind: str

    def to_dict(self) -> dict:
        return {"ratio": self.ratio, "n_pairs": self.n_pairs, "worst_kind": self.worst_kind}


def empirical_lipschitz(mdp: FiniteMDP, k: np.ndarray, rho: np.ndarray, alpha: float,
                        n_pairs: int = 200, seed: int = 0, scale: float | None = None) -> LipschitzEstimate:
    """Probe the sup-norm Lipschitz ratio of U3.

    Half the probes are random pairs (Gaussian, of the size of Q*).  The other half are
    adversarial: around a random Q1 with greedy policy pi, U3 is affine with linear part
    M_pi = I - alpha K D_rho + alpha gamma K D_rho P Pi_pi, so Q2 = Q1 + eps sign(M_pi[i]) at
    the row i of largest absolute row sum (eps small enough to keep the greedy policy) nearly
    attains ||M_pi||_inf.
    """
    rng = np.random.default_rng(seed)
    n = mdp.n_pairs
    k = np.asarray(k, dtype=float)
    if scale is None:
        scale = max(1.0, mdp.r_max / max(1e-12, 1.0 - mdp.gamma))
    half = max(1, n_pairs // 2)
    q1 = rng.normal(0.0, scale, (half, n))
    q2 = rng.normal(0.0, scale, (half, n))
    best, kind = _ratios(mdp, k, rho, alpha, q1, q2), "random"
    adv = []
    base = rng.normal(0.0, scale, (half, n))
    pmat = mdp.P_matrix.toarray()
    for q in base:
        table = unflatten(q, mdp.n_actions)
        pol = table.argmax(axis=1)
        srt = np.sort(table, axis=1)
        gap = float((srt[:, -1] - srt[:, -2]).min()) if mdp.n_actions > 1 else scale
        pi = np.zeros((mdp.n_states, n))
        pi[np.arange(mdp.n_states), np.arange(mdp.n_states) * mdp.n_actions + pol] = 1.0
        kd = k * rho
        m = np.eye(n) - alpha * kd + alpha * mdp.gamma * kd @ pmat @ pi
        i = int(np.abs(m).sum(axis=1).argmax())
        eps = max(gap, 1e-300) / 4.0
        adv.append(q + eps * np.sign(m[i]))
    if adv:
        r = _ratios(mdp, k, rho, alpha, base, np.array(adv))
        if r > best:
            best, kind = r, "adversarial"
    return LipschitzEstimate(best, 2 * half, kind)


def _ratios(mdp, k, rho, alpha, q1, q2) -> float:
    num = np.abs(u3(mdp, k, rho, alpha, q1) - u3(mdp, k, rho, alpha, q2)).max(axis=1)
    den = np.abs(q1 - q2).max(axis=1)
    ok = den > 0
    return float((num[ok] / den[ok]).max()) if ok.any() else 0.0


@dataclass(frozen=True)
class ProductBound:
    """Theorem 3 along a sequence of kernels: errors and the product bound, step by step."""

    errors: np.ndarray
    bounds: np.ndarray
    betas: np.ndarray

    @property
    def holds(self) -> bool:
        """Every error is within its bound (relative float slack 1e-9 for the iteration)."""
        return bool(np.all(self.errors <= self.bounds * (1 + 1e-9) + 1e-12))

    def to_dict(self) -> dict:
        return {"errors": self.errors.tolist(), "bounds": self.bounds.tolist(),
                "betas": self.betas.tolist(), "holds": self.holds}


def product_bound(mdp: FiniteMDP, kernels: Sequence[np.ndarray], betas: Sequence[float],
                  rho: np.ndarray, alpha: float, q0: np.ndarray, q_opt: np.ndarray) -> ProductBound:
    """Iterate Q_{k+1} = U3(K_k) Q_k and compare ||Q_k - Q*||_inf with prod beta_j ||Q_0 - Q*||."""
    q = np.asarray(q0, dtype=float)
    errs = [float(np.abs(q - q_opt).max())]
    for kk in kernels:
        q = u3(mdp, kk, rho, alpha, q)
        errs.append(float(np.abs(q - q_opt).max()))
    b = np.asarray(betas, dtype=float)
    bounds = errs[0] * np.concatenate([[1.0], np.cumprod(b)])
    return ProductBound(np.array(errs), bounds, b)
