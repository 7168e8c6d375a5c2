"""Mean-field softmax policies: a two-layer tanh network over particles, exact drift.

Seed 004 (Leahy, Kerimkulov, Siska and Szpruch, "Convergence of policy gradient for entropy
regularized MDPs with neural network approximation in the mean-field regime").  A particle
is theta = (c_k, w_k, b_k)_{k=1..K}; with the encoding x(s, a) = (e_s, e_a) (one-hot state
and one-hot action, |x|^2 = 2) and y = (x, 1), z_k = (w_k, b_k),

    f(s, a, theta) = sum_k psi(c_k) tanh(<z_k, y(s, a)>),   psi = tanh,
    F_nu(s, a) = (1/N) sum_n f(s, a, theta_n),   pi_nu(a|s) ~ mu(a) exp(F_nu(s, a)).

The drift is grad_theta dV/dnu(nu, theta) = sum_{(s,a)} W_nu(s, a) grad_theta f(s, a, theta),
where W_nu = dV^{pi}_tau(rho)/dF is the exact tabular policy gradient at logits F_nu
(:func:`certify.algorithms.pg.tabular.policy_gradient`); equivalently (1/(1-gamma)) E_{d^pi_rho}
cov_pi(Q - tau ln(pi/mu), grad f) as in the seed.  With the Gaussian potential
U(theta) = kappa |theta|^2 / 2 + (d/2) ln(2 pi / kappa) (kappa-strongly convex), the particle
scheme is

    theta_{k+1} = theta_k + eta (grad dV/dnu(nu_k, theta_k) - (sigma^2/2) kappa theta_k)
                  + sqrt(eta) sigma zeta_{k+1}.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from certify.algorithms.pg.params import check_count, check_positive, initial_distribution, reference_measure
from certify.algorithms.pg.tabular import policy_gradient
from certify.mdp.finite import FiniteMDP
from certify.mdp.ordering import flatten, unflatten


def encoding(n_states: int, n_actions: int) -> np.ndarray:
    """Rows y(s, a) = (e_s, e_a, 1) over state-action pairs in state-major order."""
    eye_s, eye_a = np.eye(n_states), np.eye(n_actions)
    rows = [np.concatenate([eye_s[s], eye_a[a], [1.0]]) for s in range(n_states)
            for a in range(n_actions)]
    return np.array(rows)


@dataclass(frozen=True, eq=False)
class MeanField:
    """An entropy-regularised MDP with the mean-field tanh parameterisation.

    Attributes
    ----------
    mdp, tau, mu, rho : the regularised MDP (reference measure mu, initial distribution rho)
    sigma, kappa : noise level and strong convexity of the Gaussian potential U
    width : K, hidden units per particle
    """

    mdp: FiniteMDP
    tau: float
    mu: np.ndarray
    rho: np.ndarray
    sigma: float
    kappa: float
    width: int

    @property
    def features(self) -> np.ndarray:
        return encoding(self.mdp.n_states, self.mdp.n_actions)

    @property
    def particle_shape(self) -> tuple[int, int]:
        """(K, 1 + m): column 0 is c_k, columns 1.. are z_k = (w_k, b_k)."""
        return (self.width, self.features.shape[1] + 1)

    @property
    def dim(self) -> int:
        k, m = self.particle_shape
        return k * m


def make_meanfield(mdp: FiniteMDP, tau: float, sigma: float, kappa: float, width: int = 4,
                   mu: object | None = None, rho: object | None = None) -> MeanField:
    """Validated :class:`MeanField` (tau, sigma, kappa > 0; mu, rho distributions)."""
    return MeanField(mdp, check_positive(tau, "tau"), reference_measure(mu, mdp.n_actions),
                     initial_distribution(rho, mdp.n_states), check_positive(sigma, "sigma"),
                     check_positive(kappa, "kappa"), check_count(width, "width"))


def unit_outputs(mf: MeanField, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(psi(c) of shape (N, K), tanh(u) of shape (N, K, n)) for particles (N, K, 1 + m)."""
    u = np.einsum("nkm,im->nki", theta[..., 1:], mf.features)
    return np.tanh(theta[..., 0]), np.tanh(u)


def logits(mf: MeanField, theta: np.ndarray) -> np.ndarray:
    """F_nu(s, a) = (1/N) sum_n sum_k psi(c_nk) tanh(<z_nk, y(s, a)>), shape (S, A)."""
    p, h = unit_outputs(mf, theta)
    return unflatten(np.einsum("nk,nki->i", p, h) / theta.shape[0], mf.mdp.n_actions)


def drift_weights(mf: MeanField, theta: np.ndarray) -> tuple[np.ndarray, float]:
    """W_nu (flattened over pairs) and the regularised value V^{pi_nu}_tau(rho)."""
    grad, value = policy_gradient(mf.mdp, logits(mf, theta), mf.tau, mf.mu, mf.rho)
    return flatten(grad), value


def value_drift(mf: MeanField, weights: np.ndarray, points: np.ndarray) -> np.ndarray:
    """grad_theta dV/dnu at ``points`` (M, K, 1 + m) for the measure with weights W_nu."""
    p, h = unit_outputs(mf, points)
    out = np.empty_like(points)
    out[..., 0] = (1.0 - p**2) * np.einsum("nki,i->nk", h, weights)
    out[..., 1:] = p[..., None] * np.einsum("nki,i,im->nkm", 1.0 - h**2, weights, mf.features)
    return out


def full_drift(mf: MeanField, theta: np.ndarray) -> tuple[np.ndarray, float]:
    """Drift of the particle scheme, grad dV/dnu - (sigma^2/2) kappa theta, and V(rho)."""
    w, value = drift_weights(mf, theta)
    return value_drift(mf, w, theta) - 0.5 * mf.sigma**2 * mf.kappa * theta, value


def initial_particles(mf: MeanField, n: int, rng: np.random.Generator,
                      shift: float = 0.0) -> np.ndarray:
    """N particles drawn from N(shift, I) in R^d, shaped (N, K, 1 + m)."""
    return shift + rng.standard_normal((n,) + mf.particle_shape)


def particle_step(mf: MeanField, theta: np.ndarray, eta: float,
                  noise: np.ndarray) -> tuple[np.ndarray, float]:
    """One step of noisy particle gradient ascent with the given standard normal noise."""
    drift, value = full_drift(mf, theta)
    return theta + eta * drift + np.sqrt(eta) * mf.sigma * noise, value
