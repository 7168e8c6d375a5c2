"""Computable upper bounds on C2 and L for the mean-field tanh parameterisation.

The convergence theorem of seed 004 needs beta = sigma^2 kappa / 2 - C2 - L > 0, where
C2 >= sup ||grad^2_theta dV/dnu(nu, theta)||_op and L is the W1-Lipschitz constant of
nu -> grad_theta dV/dnu(nu, theta).  The seed gives no values; the bounds below are
**derived** for the network of :mod:`certify.algorithms.pg.meanfield` (the derivation is checked step
by step in ``certify/proofs/pg_constants.py``).  Notation: K units, |y|^2 = 3 (one-hot state, one-hot
action, bias), psi = tanh with sup|tanh| = sup|tanh'| = 1, sup|tanh''| = 4 sqrt(3) / 9,
spn = max R - min R.

1. |F_nu| <= K, so KL(pi(.|s) | mu) <= 2K and the soft value of every pi_nu has span
   <= (spn + 2 tau K)/(1 - gamma).  Hence X = Q - tau ln(pi/mu) has, in each state, span
   Delta = spn + gamma (spn + 2 tau K)/(1 - gamma) + 2 tau K, and the weights
   W = dV/dF = d pi (X - E_pi X)/(1 - gamma) satisfy sum |W| <= Delta / (2 (1 - gamma))
   (mean absolute deviation <= span / 2).
2. grad^2 f is block diagonal over units; a block is [[psi'' h, psi' h' y^T],
   [psi' h' y, psi h'' y y^T]], of norm <= lambda_max [[s2, |y|], [|y|, s2 |y|^2]] =: H2.
   So C2 <= Delta H2 / (2 (1 - gamma)).
3. |grad f|^2 = sum_k (1 - P_k)^2 H_k + P_k (1 - H_k)^2 |y|^2 with P = psi^2, H = h^2 in
   [0, 1]; each term is convex in P and in H, so its maximum is at a corner of [0, 1]^2:
   |grad f|^2 <= K max(1, |y|^2) = 3K =: G1^2 (attained as c -> inf, <z, y> = 0), so
   |F_nu' - F_nu| <= G1 W1(nu, nu').
4. F -> W is Lipschitz from sup norm to l1 with constant
   Lam = [gamma Delta/(1-gamma) + Delta + (1+gamma) Delta / (2(1-gamma)) + 2 tau] / (1-gamma)
   (derivatives of the occupancy, of pi and of the soft advantage), so L <= G1^2 Lam.

All bounds are exact rationals (square roots enclosed from above), so beta > 0 is decided
by an exact comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.algorithms.pg.meanfield import MeanField, drift_weights, value_drift
from certify.exact import as_fraction, round_down_float, round_up_float
from certify.exact.intervals import sqrt_up
from certify.verdict import Verdict

Y_NORM_SQ = Fraction(3)  # |y(s, a)|^2 for the one-hot encoding with a bias entry


@dataclass(frozen=True)
class MeanFieldConstants:
    """Exact rational upper bounds and the margin beta (lower bound) with its verdict."""

    delta: Fraction
    weight_l1: Fraction
    hess_f: Fraction
    grad_f_sq: Fraction
    lam: Fraction
    c2: Fraction
    lip: Fraction
    beta: Fraction
    drift_lip: Fraction
    verdict: Verdict
    reason: str
    structured: object | None = None  # StructuredConstants when they were computed

    def to_dict(self) -> dict:
        extra = {} if self.structured is None else {"structured": self.structured.to_dict()}
        return {**extra,
            "c2_bound": round_up_float(self.c2), "l_bound": round_up_float(self.lip),
            "beta": round_down_float(self.beta), "beta_exact": str(self.beta),
            "c2_bound_exact": str(self.c2), "l_bound_exact": str(self.lip),
            "ingredients": {"delta (span of Q - tau ln pi/mu)": round_up_float(self.delta),
                            "sum |W| bound": round_up_float(self.weight_l1),
                            "Hessian of f bound": round_up_float(self.hess_f),
                            "|grad f|^2 bound": round_up_float(self.grad_f_sq),
                            "F -> W Lipschitz bound": round_up_float(self.lam)},
            "derivation": ("certify.algorithms.pg.constants docstring (closed forms, "
                           "certify/proofs/pg_constants.py)")
                          + ("" if self.structured is None else
                             "; problem-specific: certify.algorithms.pg.structured_constants "
                             "(certify/proofs/pg_structured.py)"),
        }


def bound_constants(mf: MeanField, structured_budget: int = 0) -> MeanFieldConstants:
    """The bounds 1-4 of the module docstring for ``mf``, in exact rationals.

    With ``structured_budget`` > 0 and a supported MDP (two actions, at most three states),
    C2 and L are the smaller of these and the problem-specific bounds of
    :mod:`certify.algorithms.pg.structured_constants` (branch and bound with that many boxes each).
    """
    spn = as_fraction(float(mf.mdp.R.max())) - as_fraction(float(mf.mdp.R.min()))
    out = margin_bounds(as_fraction(mf.mdp.gamma), spn, as_fraction(mf.tau), mf.width,
                        as_fraction(mf.sigma), as_fraction(mf.kappa))
    if structured_budget > 0:
        from certify.algorithms.pg.structured_constants import combine, structured_constants

        sc = structured_constants(mf.mdp, mf.tau, mf.mu, mf.rho, mf.width, structured_budget)
        out = combine(out, sc, as_fraction(mf.sigma), as_fraction(mf.kappa))
        if sc is not None:
            from dataclasses import replace

            out = replace(out, structured=sc)
    return out


def margin_bounds(gamma: Fraction, spn: Fraction, tau: Fraction, width: int, sigma: Fraction,
                  kappa: Fraction) -> MeanFieldConstants:
    """The bounds 1-4 of the module docstring from the exact inputs alone.

    The bounds depend on the MDP only through gamma and the reward span ``spn``
    = max R - min R; :class:`certify.certificates.pg.MeanFieldMarginCertificate` calls this
    to re-check a saved margin.
    """
    g, k = gamma, Fraction(width)
    delta = spn + g * (spn + 2 * tau * k) / (1 - g) + 2 * tau * k
    weight_l1 = delta / (2 * (1 - g))
    s2 = 4 * sqrt_up(3) / 9
    y = sqrt_up(Y_NORM_SQ)
    a, b, c = s2, y, s2 * Y_NORM_SQ
    hess_f = (a + c + sqrt_up((a - c) ** 2 + 4 * b * b)) / 2
    grad_f_sq = k * max(Fraction(1), Y_NORM_SQ)
    lam = (g * delta / (1 - g) + delta + (1 + g) * delta / (2 * (1 - g)) + 2 * tau) / (1 - g)
    c2 = weight_l1 * hess_f
    lip = grad_f_sq * lam
    confine = sigma ** 2 * kappa / 2
    beta = confine - c2 - lip
    if beta > 0:
        verdict = Verdict.CERTIFIED
        reason = ("beta = sigma^2 kappa/2 - C2 - L > 0 holds exactly with the derived upper "
                  "bounds: W2 contraction at rate exp(-beta t) (seed 004 theorem)")
    else:
        verdict = Verdict.INCONCLUSIVE
        reason = ("beta <= 0 with the derived upper bounds: the sufficient condition of the "
                  "theorem fails; this is not a refutation of convergence")
    return MeanFieldConstants(delta, weight_l1, hess_f, grad_f_sq, lam, c2, lip, beta,
                              c2 + lip + confine, verdict, reason)


def sampled_c2(mf: MeanField, particles: np.ndarray, points: np.ndarray,
               h: float = 1e-5) -> float:
    """max over ``points`` of ||grad^2 dV/dnu(nu, theta)||_op, nu the empirical measure.

    The Hessian is the central finite-difference Jacobian of the drift (independent of the
    analytic bound), symmetrised.
    """
    w, _ = drift_weights(mf, particles)
    shape = mf.particle_shape
    best = 0.0
    for p in points:
        flat = p.reshape(-1)
        jac = np.empty((flat.size, flat.size))
        for j in range(flat.size):
            e = np.zeros_like(flat)
            e[j] = h
            up = value_drift(mf, w, (flat + e).reshape((1,) + shape)).reshape(-1)
            dn = value_drift(mf, w, (flat - e).reshape((1,) + shape)).reshape(-1)
            jac[:, j] = (up - dn) / (2 * h)
        best = max(best, float(np.max(np.abs(np.linalg.eigvalsh((jac + jac.T) / 2)))))
    return best


def w1_empirical(a: np.ndarray, b: np.ndarray) -> float:
    """W1 between two empirical measures with N equally weighted atoms each (assignment)."""
    from scipy.optimize import linear_sum_assignment  # here: scipy.optimize loads slowly

    x, y = a.reshape(len(a), -1), b.reshape(len(b), -1)
    cost = np.linalg.norm(x[:, None, :] - y[None, :, :], axis=-1)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


def w2_empirical(a: np.ndarray, b: np.ndarray) -> float:
    """W2 between two empirical measures with N equally weighted atoms each (assignment)."""
    from scipy.optimize import linear_sum_assignment

    x, y = a.reshape(len(a), -1), b.reshape(len(b), -1)
    cost = ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=-1)
    rows, cols = linear_sum_assignment(cost)
    return float(np.sqrt(cost[rows, cols].mean()))


def sampled_lipschitz(mf: MeanField, nu_a: np.ndarray, nu_b: np.ndarray,
                      points: np.ndarray) -> float:
    """max over ``points`` of |grad dV/dnu(nu_a, theta) - grad dV/dnu(nu_b, theta)| / W1."""
    wa, _ = drift_weights(mf, nu_a)
    wb, _ = drift_weights(mf, nu_b)
    diff = (value_drift(mf, wa, points) - value_drift(mf, wb, points)).reshape(len(points), -1)
    return float(np.linalg.norm(diff, axis=1).max() / w1_empirical(nu_a, nu_b))
