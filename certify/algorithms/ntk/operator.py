"""The operator U3 on a finite MDP, its empirical Lipschitz ratio, and Theorem 3's bound.

U3 Q = Q + alpha K D_rho (T*Q - Q) (Achiam, Knight and Abbeel, arXiv 1903.08894, eq. (14)),
with Q a state-major vector of length n = |S||A| and T* the Bellman optimality operator
(:func:`certify.mdp.bellman_optimality`).  Q* is a fixed point of U3 for every K.

Theorem 3 (paper): iterating operators U_k with sup-norm Lipschitz constants beta_k and the
common fixed point Q* gives ||Q_k - Q*|| <= (prod_{j<k} beta_j) ||Q_0 - Q*||.  beta(K) of
:mod:`certify.algorithms.ntk.theorem2` is such a constant for every K, so the bound needs no hypothesis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.mdp import FiniteMDP, bellman_optimality
from certify.mdp.ordering import flatten, unflatten


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
    pair: tuple[np.ndarray, np.ndarray] | None = None
    """The probe pair (Q1, Q2) attaining ``ratio`` (None when no pair differs)."""

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
    (best, j), kind = _ratios(mdp, k, rho, alpha, q1, q2), "random"
    pair = None if j < 0 else (q1[j], q2[j])
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
        q_adv = np.array(adv)
        r, j = _ratios(mdp, k, rho, alpha, base, q_adv)
        if r > best:
            best, kind, pair = r, "adversarial", (base[j], q_adv[j])
    return LipschitzEstimate(best, 2 * half, kind, pair)


def _ratios(mdp, k, rho, alpha, q1, q2) -> tuple[float, int]:
    """Largest float ratio over the pairs (q1[j], q2[j]) and its index j (-1: none differ)."""
    num = np.abs(u3(mdp, k, rho, alpha, q1) - u3(mdp, k, rho, alpha, q2)).max(axis=1)
    den = np.abs(q1 - q2).max(axis=1)
    ok = np.flatnonzero(den > 0)
    if not ok.size:
        return 0.0, -1
    ratios = num[ok] / den[ok]
    j = int(ratios.argmax())
    return float(ratios[j]), int(ok[j])


def exact_ratio_above_one(mdp: FiniteMDP, k: np.ndarray, rho: np.ndarray, alpha: Fraction,
                          q1: np.ndarray, q2: np.ndarray) -> bool:
    """Exactly: is ||U3 Q1 - U3 Q2||_inf > ||Q1 - Q2||_inf for these doubles?

    The float ratio of :func:`empirical_lipschitz` is rounded; a refutation of contraction must
    not rest on it.  Every input is read as the double (dyadic rational) it is and ``alpha`` is
    exact; only the row where the float difference is largest is evaluated, in O(nnz(P) + n)
    rational operations, so False means "not confirmed", not "contracts".
    """
    q1, q2 = np.asarray(q1, dtype=float), np.asarray(q2, dtype=float)
    kf, rf = np.asarray(k, dtype=float), np.asarray(rho, dtype=float).reshape(-1)
    diff = np.abs(u3(mdp, kf, rf, float(alpha), q1) - u3(mdp, kf, rf, float(alpha), q2))
    i = int(diff.argmax())
    den = max(abs(Fraction(float(a)) - Fraction(float(b))) for a, b in zip(q1, q2, strict=True))
    if den == 0:
        return False
    g = Fraction(mdp.gamma)
    r = mdp.R.reshape(-1)
    pm = mdp.P_matrix
    cols = np.flatnonzero(kf[i] * rf)  # j with K_ij rho_j != 0 (both doubles, exact test)

    def td_terms(q: np.ndarray) -> dict[int, Fraction]:
        v = [Fraction(float(x)) for x in q.reshape(mdp.n_states, mdp.n_actions).max(axis=1)]
        out = {}
        for j in cols.tolist():
            lo, hi = pm.indptr[j], pm.indptr[j + 1]
            nxt = sum((Fraction(float(pv)) * v[int(t)] for pv, t in
                       zip(pm.data[lo:hi], pm.indices[lo:hi], strict=True)), Fraction(0))
            out[j] = Fraction(float(r[j])) + g * nxt - Fraction(float(q[j]))
        return out

    t1, t2 = td_terms(q1), td_terms(q2)
    change = sum((Fraction(float(kf[i, j])) * Fraction(float(rf[j])) * (t1[j] - t2[j])
                  for j in cols.tolist()), Fraction(0))
    num = abs(Fraction(float(q1[i])) - Fraction(float(q2[i])) + alpha * change)
    return num > den


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
