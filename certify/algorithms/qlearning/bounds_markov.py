"""Finite-time bound for single-trajectory (Markovian) Q-learning: the shape of seed 002, Theorem 4.

Seed 002, Section 5 and Appendix K: along one behaviour trajectory x_j = (s_j, a_j) with
stationary start (Assumption 2), the error obeys the same direct switched system as in the
i.i.d. case, e_{k+1} = A_{sigma_k} e_k + alpha w_k, with D = diag(d) for the stationary pair
law d, but the noise w_k = e_{x_k} delta_k - D g_k (g_k = T Q_k - Q_k, delta_k the sampled TD
error) is not a martingale difference.  The seed's displayed constants were lost in
conversion; this module is a **reconstruction** that follows the seed's proof structure
(reference filter, Poisson equation for the Markovian part, summation by parts, Theorem 3's
decomposition) with every constant explicit:

Reference filter z_{k+1} = (I - alpha D) z_k + alpha w_k, z_0 = 0, coordinate i, b_i = 1 - alpha d_i.
Split w_k(i) = 1{x_k = i} (delta_k - g_k(i))  [fresh noise]  +  (1{x_k = i} - d_i) g_k(i).
For the second part use the Poisson solution h_i(x) = sum_t (K^t(x, i) - d_i) of the pair chain
K, |h_i| <= H (H = H_pair of :mod:`certify.algorithms.qlearning.mixing`), 1{x_k = i} - d_i = h_i(x_k) -
(K h_i)(x_k)
= m_{k+1} + h_i(x_k) - h_i(x_{k+1}) with the martingale difference
m_{k+1} = h_i(x_{k+1}) - (K h_i)(x_k).  With |delta| <= td_bar, |g| <= td_bar, and
|g_{k+1}(i) - g_k(i)| <= (1 + gamma) alpha td_bar (one coordinate of Q moves by at most
alpha td_bar per step):

* fresh noise (as in the i.i.d. case, P(x_j = i) = d_i under stationarity):
  E sum_i U1_i^2 <= sum_i alpha td_bar^2 (1 - b_i^(2k)) / (2 - alpha d_i);
* Poisson martingale, Var(h_i(x_{j+1}) | F_j) <= H^2:
  E sum_i U2_i^2 <= sum_i alpha td_bar^2 H^2 (1 - b_i^(2k)) / (d_i (2 - alpha d_i));
* telescoping remainder, pathwise by summation by parts (k >= 1):
  |V_i| <= alpha H (2 td_bar + (1 + gamma) td_bar / d_i).

Hence E||z_k||_inf <= Z_k = sqrt(E||U1||_2^2) + sqrt(E||U2||_2^2) + max_i |V_i|, and Theorem 3's
argument (``certify.algorithms.qlearning.bounds.ReferenceFilterBound``) gives, for a certificate T(w) <=
rho w,

    E||e_k||_inf <= w_max rho^k ||e_0||_w + Z_k + (w_max / w_min) c Z (1 - rho^k) / (1 - rho),

Z = sup_k Z_k.  The floor is O(sqrt(alpha) (1 + H / sqrt(d_min))) + O(alpha H / d_min): it
vanishes as alpha -> 0 and grows with the mixing constant H, as the seed's Theorem 4 states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from certify.algorithms.qlearning.bounds import NoiseConstants, ReferenceFilterBound, reference_filter_bound
from certify.algorithms.qlearning.mixing import MixingConstants
from certify.errors import InvalidInput
from certify.mdp.finite import FiniteMDP


@dataclass(frozen=True)
class MarkovReferenceFilterBound(ReferenceFilterBound):
    """Theorem 4 shape (reconstruction, module docstring): the reference-filter bound with the
    Markovian filter bound Z_k; ``h`` bounds the Poisson solutions of the pair chain."""

    gamma: float
    h: float
    mixing: MixingConstants

    def _parts(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        k = np.asarray(k, dtype=float).reshape(-1)
        d = np.asarray(self.d)
        one = 1.0 - (1.0 - self.alpha * d[:, None]) ** (2.0 * k[None, :])
        base = self.alpha * self.td_bar**2 / (2.0 - self.alpha * d)
        u1 = np.sqrt((base[:, None] * one).sum(axis=0))
        u2 = np.sqrt((base[:, None] * self.h**2 / d[:, None] * one).sum(axis=0))
        v = float(np.max(self.alpha * self.h * self.td_bar * (2.0 + (1.0 + self.gamma) / d)))
        return u1, u2, v

    def z(self, k: np.ndarray) -> np.ndarray:
        """Z_k, the bound on E||z_k||_inf for the Markovian reference filter (Z_0 = 0)."""
        k_arr = np.asarray(k, dtype=float)
        u1, u2, v = self._parts(k_arr)
        return (u1 + u2 + np.where(k_arr.reshape(-1) >= 1, v, 0.0)).reshape(k_arr.shape)

    @property
    def z_inf(self) -> float:
        d = np.asarray(self.d)
        base = self.alpha * self.td_bar**2 / (2.0 - self.alpha * d)
        _, _, v = self._parts(np.zeros(1))
        return float(np.sqrt(base.sum()) + self.h * np.sqrt((base / d).sum()) + v)

    def to_dict(self) -> dict:
        out = super().to_dict()
        u1, u2, v = self._parts(np.array([np.inf]))
        out.update({"H_poisson": self.h, "mixing": self.mixing.to_dict(),
                    "Z_parts": {"fresh_noise": float(u1[0]), "poisson_martingale": float(u2[0]),
                                "telescoping": v},
                    "formula": "E||e_k||_inf <= w_max rho^k ||e_0||_w + Z_k + (w_max/w_min) c Z "
                               "(1 - rho^k)/(1 - rho), Z_k = fresh + Poisson-martingale + "
                               "telescoping terms (mixing constant H)",
                    "source": "seed 002, Theorem 4 (Markovian reference filter), reconstruction"})
        return out


def markov_reference_bound(mdp: FiniteMDP, d: np.ndarray, w: np.ndarray, rho: float, alpha: float,
                           noise: NoiseConstants, mixing: MixingConstants) -> MarkovReferenceFilterBound:
    """:class:`MarkovReferenceFilterBound` of a weighted max-norm certificate (w, rho).

    ``d`` is the stationary pair law of the behaviour chain and ``mixing`` its mixing
    constants (:func:`certify.algorithms.qlearning.mixing.behaviour_mixing`); w = 1 with the row-sum
    rate gives
    the row-sum version.
    """
    d = np.asarray(d, dtype=float)
    if np.any(d <= 0):
        raise InvalidInput("d: the Markovian bound needs every pair visited (d > 0); pairs "
                           f"{np.flatnonzero(d <= 0).tolist()} have d = 0")
    base = reference_filter_bound(mdp, d, w, rho, alpha, noise)
    return MarkovReferenceFilterBound(**vars(base), gamma=float(mdp.gamma), h=mixing.h_pair,
                                      mixing=mixing)
