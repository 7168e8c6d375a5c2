"""Finite-time bounds for constant-step Q-learning from the certificates' constants.

Seed 002 (Theorems 2-4) bounds E||Q_k - Q*|| by an exponential transient at the certified
rate plus a noise floor.  This module computes every constant explicitly from a weighted
max-norm certificate (w, rho) or a quadratic one (X, beta).  Constants marked
*reconstruction* follow theory.md section 3, not a verbatim statement of the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mdp.finite import FiniteMDP


@dataclass(frozen=True)
class NoiseConstants:
    """Bounds on the iterates and the martingale noise of constant-step Q-learning.

    q_bar
        sup_k ||Q_k||_inf <= q_bar = max(||Q_0||_inf, R_max / (1 - gamma)) (seed 002,
        Appendix B, Lemma 5), for alpha <= 1 and rewards bounded by R_max.
    td_bar
        |r + gamma max Q(s') - Q(s, a)| <= td_bar = R_max + (1 + gamma) q_bar.
    w_inf
        ||w_k||_inf <= w_inf = 2 td_bar (a sample minus its conditional mean).
    W
        E[||w_k||_2^2 | F_k] <= W = td_bar^2 (variance <= second moment of the one-hot
        sampled TD error) -- reconstruction.
    """

    q_bar: float
    td_bar: float
    w_inf: float
    W: float


def noise_constants(mdp: FiniteMDP, q0_sup: float = 0.0, reward_noise: float = 0.0) -> NoiseConstants:
    """The constants of :class:`NoiseConstants`; ``reward_noise`` b adds |xi| <= b to rewards."""
    r_max = mdp.r_max + reward_noise
    q_bar = max(q0_sup, r_max / (1.0 - mdp.gamma))
    td_bar = r_max + (1.0 + mdp.gamma) * q_bar
    return NoiseConstants(q_bar, td_bar, 2.0 * td_bar, td_bar**2)


@dataclass(frozen=True)
class MaxNormBound:
    """Pathwise bound from a weighted max-norm certificate (reconstruction of Theorem 2).

    With ||A_pi||_w <= rho for every pi and kappa = max(w) / min(w),

        ||e_k||_inf <= kappa rho^k ||e_0||_inf + alpha kappa w_inf (1 - rho^k) / (1 - rho),

    since ||x||_inf / max w <= ||x||_w <= ||x||_inf / min w and
    ||e_{k+1}||_w <= rho ||e_k||_w + alpha ||w_k||_w.
    """

    rho: float
    kappa: float
    alpha: float
    w_inf: float

    def transient(self, k: np.ndarray, e0: float) -> np.ndarray:
        return self.kappa * self.rho ** np.asarray(k, dtype=float) * e0

    def floor(self) -> float:
        return self.alpha * self.kappa * self.w_inf / (1.0 - self.rho)

    def curve(self, k: np.ndarray, e0: float) -> np.ndarray:
        k = np.asarray(k, dtype=float)
        return self.transient(k, e0) + self.alpha * self.kappa * self.w_inf * (
            1.0 - self.rho**k) / (1.0 - self.rho)

    def to_dict(self) -> dict:
        return {"rate": self.rho, "kappa": self.kappa, "alpha": self.alpha,
                "w_inf": self.w_inf, "noise_floor": self.floor(),
                "formula": "||e_k||_inf <= kappa rho^k ||e_0||_inf + alpha kappa w_inf "
                           "(1 - rho^k)/(1 - rho)"}


@dataclass(frozen=True)
class QuadraticBound:
    """Mean-square bound from a quadratic certificate (theory.md section 3):

        E[e_k^T X e_k] <= beta^(2k) e_0^T X e_0 + alpha^2 lambda_max(X) W / (1 - beta^2).
    """

    beta: float
    lam_max: float
    alpha: float
    W: float

    def floor(self) -> float:
        return self.alpha**2 * self.lam_max * self.W / (1.0 - self.beta**2)

    def to_dict(self) -> dict:
        return {"rate": self.beta, "lambda_max_X": self.lam_max, "alpha": self.alpha, "W": self.W,
                "noise_floor": self.floor(),
                "formula": "E[e_k^T X e_k] <= beta^(2k) e_0^T X e_0 + alpha^2 lambda_max(X) W "
                           "/ (1 - beta^2)"}


def max_norm_bound(w: np.ndarray, rho: float, alpha: float, noise: NoiseConstants) -> MaxNormBound:
    w = np.asarray(w, dtype=float)
    return MaxNormBound(rho, float(w.max() / w.min()), alpha, noise.w_inf)
