"""Finite-time bounds for constant-step Q-learning from the certificates' constants.

Seed 002 (Theorems 2-4) bounds E||Q_k - Q*|| by an exponential transient at the certified
rate plus a noise floor.  This module computes every constant explicitly from a weighted
max-norm certificate (w, rho) or a quadratic one (X, beta).  Constants marked
*reconstruction* follow theory.md section 3, not a verbatim statement of the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.exact import round_up_float
from certify.mdp.finite import FiniteMDP


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
    """The constants of :class:`NoiseConstants`; ``reward_noise`` b adds |xi| <= b to rewards.

    Each constant is computed exactly from the floats given and rounded up.

    Parameters
    ----------
    mdp : FiniteMDP
    q0_sup : float
        ||Q_0||_inf.
    reward_noise : float
        Bound b of the additive reward noise.
    """
    from certify.mdp.io import as_mdp

    mdp = as_mdp(mdp)
    r_max = Fraction(mdp.r_max) + Fraction(reward_noise)
    q_bar = max(Fraction(q0_sup), r_max / (1 - Fraction(mdp.gamma)))
    td_bar = r_max + (1 + Fraction(mdp.gamma)) * Fraction(round_up_float(q_bar))
    td = round_up_float(td_bar)
    return NoiseConstants(round_up_float(q_bar), td, round_up_float(2 * Fraction(td)),
                          round_up_float(Fraction(td) ** 2))


@dataclass(frozen=True)
class MaxNormBound:
    """Pathwise bound from a weighted max-norm certificate (reconstruction of Theorem 2).

    With ||A_pi||_w <= rho for every pi and kappa = max(w) / min(w),

        ||e_k||_inf <= kappa rho^k ||e_0||_inf + alpha kappa w_inf (1 - rho^k) / (1 - rho),

    since ||x||_inf / max w <= ||x||_w <= ||x||_inf / min w and
    ||e_{k+1}||_w <= rho ||e_k||_w + alpha ||w_k||_w.

    ``e_max`` (when known) is the trivial bound ||e_k||_inf <= 2 q_bar that holds surely
    (:class:`NoiseConstants`); a floor at or above it makes the bound vacuous for large k.
    """

    rho: float
    kappa: float
    alpha: float
    w_inf: float
    e_max: float | None = None

    @property
    def vacuous(self) -> bool:
        """Whether the noise floor is at or above the trivial bound ``e_max``."""
        return self.e_max is not None and self.floor() >= self.e_max

    def transient(self, k: np.ndarray, e0: float) -> np.ndarray:
        return self.kappa * self.rho ** np.asarray(k, dtype=float) * e0

    def floor(self) -> float:
        """alpha kappa w_inf / (1 - rho), rounded up."""
        return round_up_float(Fraction(self.alpha) * Fraction(self.kappa) * Fraction(self.w_inf)
                              / (1 - Fraction(self.rho)))

    def curve(self, k: np.ndarray, e0: float) -> np.ndarray:
        k = np.asarray(k, dtype=float)
        return self.transient(k, e0) + self.alpha * self.kappa * self.w_inf * (
            1.0 - self.rho**k) / (1.0 - self.rho)

    def to_dict(self) -> dict:
        return {"rate": self.rho, "kappa": self.kappa, "alpha": self.alpha,
                "w_inf": self.w_inf, "noise_floor": self.floor(), "trivial": self.e_max,
                "vacuous": self.vacuous,
                "formula": "||e_k||_inf <= kappa rho^k ||e_0||_inf + alpha kappa w_inf "
                           "(1 - rho^k)/(1 - rho)"}


@dataclass(frozen=True)
class QuadraticBound:
    """Mean-square bound from a quadratic certificate (theory.md section 3):

        E[e_k^T X e_k] <= beta^(2k) e_0^T X e_0 + alpha^2 lambda_max(X) W / (1 - beta^2).

    ``lam_max`` is an upper bound on lambda_max(X) (the bound stays a bound with it):
    :func:`certify.algorithms.qlearning.analysis.analyze_qlearning` uses Gershgorin's row sums of the
    rational X,
    rounded up.
    """

    beta: float
    lam_max: float
    alpha: float
    W: float

    def floor(self) -> float:
        """alpha^2 lambda_max(X) W / (1 - beta^2), rounded up."""
        a, b = Fraction(self.alpha), Fraction(self.beta)
        return round_up_float(a * a * Fraction(self.lam_max) * Fraction(self.W) / (1 - b * b))

    def to_dict(self) -> dict:
        return {"rate": self.beta, "lambda_max_X": self.lam_max, "alpha": self.alpha, "W": self.W,
                "noise_floor": self.floor(),
                "formula": "E[e_k^T X e_k] <= beta^(2k) e_0^T X e_0 + alpha^2 lambda_max(X) W "
                           "/ (1 - beta^2)"}


def max_norm_bound(w: np.ndarray, rho: float, alpha: float, noise: NoiseConstants) -> MaxNormBound:
    """:class:`MaxNormBound` from the weights w of a weighted max-norm certificate with rate
    rho: kappa = max(w) / min(w), rounded up.

    Parameters
    ----------
    w : array (n,)
        Positive weights of the certificate.
    rho : float
        Certified rate.
    alpha : float
        Step size.
    noise : NoiseConstants
    """
    w = np.asarray(w, dtype=float)
    kappa = round_up_float(Fraction(float(w.max())) / Fraction(float(w.min())))
    return MaxNormBound(rho, kappa, alpha, noise.w_inf, round_up_float(2 * Fraction(noise.q_bar)))


@dataclass(frozen=True)
class ReferenceFilterBound:
    """Mean sup-norm bound by a reference filter (reconstruction of seed 002, Theorem 3).

    Split e_k = y_k + z_k with the reference filter z_{k+1} = (I - alpha D) z_k + alpha w_k,
    z_0 = 0, driven by the same martingale noise w_k.  Then
    y_{k+1} = A_{sigma_k} y_k + alpha gamma D P Pi_{sigma_k} z_k, the noise cancels in y, and
    with a certificate T(w) <= rho w (so ||A_sigma||_w <= rho for every stochastic sigma):

        E||e_k||_inf <= w_max rho^k ||e_0||_w + Z_k + (w_max / w_min) c Z (1 - rho^k) / (1 - rho),

    where c = max_i alpha gamma d_i (P max_a w)(i) / w_i bounds ||alpha gamma D P Pi_sigma||_w,
    and, since E[w_k(i)^2 | F_k] <= d_i td_bar^2 and the filter is diagonal,

        E||z_k||_inf^2 <= E||z_k||_2^2 <= Z_k^2 = sum_i alpha td_bar^2 (1 - b_i^(2k)) / (2 - alpha d_i),

    b_i = 1 - alpha d_i, Z = Z_infinity.  The floor is of order sqrt(alpha).  With w = 1 and
    rho = the row-sum rate this is the same bound for the row-sum certificate.
    """

    rho: float
    w_min: float
    w_max: float
    c: float
    alpha: float
    td_bar: float
    d: tuple[float, ...]

    def z(self, k: np.ndarray) -> np.ndarray:
        """Z_k, the root-mean-square bound on the reference filter at step k."""
        k = np.asarray(k, dtype=float)
        d = np.asarray(self.d)
        b2 = (1.0 - self.alpha * d) ** 2
        scale = self.alpha * self.td_bar**2 / (2.0 - self.alpha * d)
        terms = scale[:, None] * (1.0 - b2[:, None] ** k.reshape(1, -1))
        return np.sqrt(terms.sum(axis=0)).reshape(k.shape)

    @property
    def z_inf(self) -> float:
        d = np.asarray(self.d)
        return float(np.sqrt((self.alpha * self.td_bar**2 / (2.0 - self.alpha * d)).sum()))

    def floor(self) -> float:
        return self.z_inf * (1.0 + self.w_max * self.c / (self.w_min * (1.0 - self.rho)))

    def curve(self, k: np.ndarray, e0_w: float) -> np.ndarray:
        """The bound on E||e_k||_inf for an initial error with ||e_0||_w = e0_w."""
        k = np.asarray(k, dtype=float)
        return (self.w_max * self.rho**k * e0_w + self.z(k)
                + self.w_max * self.c * self.z_inf * (1.0 - self.rho**k) / (self.w_min * (1.0 - self.rho)))

    def to_dict(self) -> dict:
        return {"rate": self.rho, "w_min": self.w_min, "w_max": self.w_max, "coupling_c": self.c,
                "alpha": self.alpha, "td_bar": self.td_bar, "Z": self.z_inf,
                "noise_floor": self.floor(),
                "formula": "E||e_k||_inf <= w_max rho^k ||e_0||_w + Z_k + (w_max/w_min) c Z "
                           "(1 - rho^k)/(1 - rho)",
                "source": "seed 002, Theorem 3 (reference filter), reconstruction"}


def reference_filter_bound(mdp: FiniteMDP, d: np.ndarray, w: np.ndarray, rho: float, alpha: float,
                           noise: NoiseConstants) -> ReferenceFilterBound:
    """:class:`ReferenceFilterBound` of a weighted max-norm certificate (w, rho).

    ``d`` is the sampling distribution (state-major); c is computed with |C| entrywise, so
    the bound also holds when alpha d_max > 1 (then the certificate must be one for the
    absolute family).

    Parameters
    ----------
    mdp : FiniteMDP
    d : array (n,)
        Sampling distribution over pairs.
    w : array (n,)
        Positive weights of the certificate.
    rho : float
        Certified rate.
    alpha : float
        Step size.
    noise : NoiseConstants
    """
    w = np.asarray(w, dtype=float)
    d = np.asarray(d, dtype=float)
    w_state = w.reshape(mdp.n_states, mdp.n_actions).max(axis=1)
    c = float(np.max(alpha * mdp.gamma * d * (mdp.P_matrix @ w_state) / w))
    return ReferenceFilterBound(float(rho), float(w.min()), float(w.max()), c, float(alpha),
                                noise.td_bar, tuple(float(x) for x in d))


def row_sum_reference_bound(mdp: FiniteMDP, d: np.ndarray, rho_row: float, alpha: float,
                            noise: NoiseConstants) -> ReferenceFilterBound:
    """The reference-filter bound of the row-sum certificate (w = 1, rho = rho_row)."""
    return reference_filter_bound(mdp, d, np.ones(mdp.n_pairs), rho_row, alpha, noise)


@dataclass(frozen=True)
class QuadraticCurve:
    """Sup-norm curve of a quadratic certificate (theory.md section 3; seed 002, Theorem 2
    with the CQLF in place of the extremal norm -- reconstruction).

    From E[e_{k+1}^T X e_{k+1} | F_k] <= beta^2 e_k^T X e_k + alpha^2 lambda_max(X) W
    and ||e||_inf^2 <= ||e||_2^2 <= e^T X e / lambda_min(X), Jensen gives

        E||e_k||_inf <= sqrt((beta^(2k) e_0^T X e_0 + alpha^2 lambda_max(X) W (1 - beta^(2k))
                              / (1 - beta^2)) / lambda_min(X)).
    """

    beta: float
    lam_min: float
    lam_max: float
    alpha: float
    W: float

    def curve(self, k: np.ndarray, e0_X: float) -> np.ndarray:
        """Bound on E||e_k||_inf for e_0^T X e_0 = e0_X."""
        b2k = self.beta ** (2.0 * np.asarray(k, dtype=float))
        ms = b2k * e0_X + self.alpha**2 * self.lam_max * self.W * (1.0 - b2k) / (1.0 - self.beta**2)
        return np.sqrt(ms / self.lam_min)

    def floor(self) -> float:
        return float(np.sqrt(self.alpha**2 * self.lam_max * self.W / ((1.0 - self.beta**2) * self.lam_min)))

    def to_dict(self) -> dict:
        return {"rate": self.beta, "lambda_min_X": self.lam_min, "lambda_max_X": self.lam_max,
                "alpha": self.alpha, "W": self.W, "noise_floor": self.floor(),
                "formula": "E||e_k||_inf <= sqrt((beta^(2k) e_0'Xe_0 + alpha^2 lambda_max(X) W "
                           "(1 - beta^(2k))/(1 - beta^2)) / lambda_min(X))",
                "source": "seed 002, Theorem 2 with a CQLF, reconstruction"}


def quadratic_curve(X: np.ndarray, beta: float, alpha: float, noise: NoiseConstants) -> QuadraticCurve:
    """:class:`QuadraticCurve` from a quadratic certificate (X, beta); the eigenvalues of X
    are float estimates (a prediction for cross-validation, not a certificate).

    Parameters
    ----------
    X : array (n, n)
        Positive definite matrix of the certificate.
    beta : float
        Certified rate.
    alpha : float
        Step size.
    noise : NoiseConstants
    """
    ev = np.linalg.eigvalsh(np.asarray(X, dtype=float))
    return QuadraticCurve(float(beta), float(ev.min()), float(ev.max()), float(alpha), noise.W)
