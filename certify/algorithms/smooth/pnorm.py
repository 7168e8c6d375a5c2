"""Weighted p-norm Lyapunov certificates for the smooth Q-learning ODE dQ/dt = D (F_h(Q) - Q).

Lyapunov function (theory.md section 1, weights derived): with p even, u > 0 and
e = Q - Q*_h,

    V(Q) = (1/p) sum_i (u_i / d_i) e_i^p ,   dV/dt = sum_i u_i e_i^{p-1} (g_i - e_i),

g = F_h(Q) - F_h(Q*_h).  Two sound arguments bound dV/dt <= -c V (both checked exactly in
rational arithmetic by :meth:`PNormLyapunovCertificate.verify`):

``norm-equivalence`` (theory.md, [derived]): ||g||_inf <= a ||e||_inf with a the sup-norm
    modulus (times the largest exact row sum of P, 1 for a stochastic P), Hoelder and
    ||x||_inf <= ||x||_{u,p} / min(u)^{1/p}, ||x||_{u,p} <= (sum u)^{1/p}
    ||x||_inf give dV/dt <= -(1 - a (sum u / min u)^{1/p}) sum_i u_i e_i^p, and
    sum u e^p >= p d_min V.  Exact check: a^p sum(u) <= min(u) (1 - c / (p d_min))^p.
    Plain weights u = 1 (optimal here, since sum u / min u >= n) give the threshold: the
    smallest even p with a n^{1/p} < 1 (n = 6, gamma = 0.9: p = 18).

``young`` (reconstruction, for operators with grad h in the simplex): by the mean value
    theorem g = gamma P Pi_lam e with Pi_lam a stochastic-policy matrix (seed 002 Lemma 6 for
    max).  Young's inequality |x|^{p-1} |y| <= ((p-1)|x|^p + |y|^p) / p (certify.proofs.young_inequality)
    bounds dV/dt by sum_i kappa_i e_i^p with
        p kappa_i = gamma (p - 1) r_i u_i + gamma col_s(u) - p u_i,  col_s(u) = sum_j P(s|j) u_j,
    i = (s, a), r_i = sum_s P(s|i) the exact row sum of the stored P (1 for a stochastic P;
    P >= 0 is checked, so a forged P cannot pass); so dV/dt <= -c V if p kappa_i <= -c u_i / d_i
    on every row.  This is O(nnz(P)) exact row checks.  A feasible u exists iff
    gamma (p - 1 + rho) < p for the Perron root rho = |A| of N_ij = P(s_i|j): the threshold
    p > gamma (|A| - 1) / (1 - gamma) does not grow with the number of states.  The weights are
    found by bisection on c with the Perron vector of (gamma / p) diag(1 / beta) N,
    beta_i = 1 - gamma (p - 1)/p - c / (p d_i).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from certify.certificates.pnorm import PNormLyapunovCertificate
from certify.errors import InvalidInput
from certify.exact import as_fraction
from certify.mdp.finite import FiniteMDP


def check_p(p: object) -> int:
    """Validate a requested p: an even integer >= 2."""
    if isinstance(p, bool) or not isinstance(p, int | np.integer) or p < 2 or p % 2:
        raise InvalidInput(f"p = {p!r}; expected an even integer >= 2 (so that |x|^p is a "
                           "polynomial and V is smooth)")
    return int(p)


def plain_threshold_p(n: int, modulus: float | Fraction, p_max: int = 100_000) -> int | None:
    """Smallest even p with modulus * n^(1/p) < 1, decided exactly (modulus^p n < 1).

    None when the modulus is >= 1 (no p works) or p would exceed ``p_max``.

    Parameters
    ----------
    n : int
        Number of state-action pairs.
    modulus : float or Fraction
        Sup-norm contraction modulus a.
    p_max : int
    """
    a = as_fraction(modulus)
    if a >= 1:
        return None
    if a == 0:
        return 2
    p = max(2, 2 * math.floor(math.log(n) / (-math.log(float(a))) / 2))
    while p <= p_max:
        if a ** p * n < 1:
            return p
        p += 2
    return None


def young_threshold_p(gamma: float, n_actions: int) -> int:
    """Smallest even p with gamma (p - 1 + |A|) < p, decided exactly."""
    g = as_fraction(gamma)
    p = 2
    while g * (p - 1 + n_actions) >= p:
        p += 2
    return p


def _col(P: sp.csr_matrix, u: np.ndarray, n_actions: int) -> np.ndarray:
    """col_{s(i)}(u) = sum_j P(s_i | j) u_j, repeated over the actions of each state."""
    return np.repeat(P.T @ u, n_actions)


def _perron(mdp: FiniteMDP, d: np.ndarray, p: int, c: float) -> tuple[float, np.ndarray] | None:
    g = mdp.gamma
    beta = 1.0 - g * (p - 1) / p - c / (p * d)
    if np.any(beta <= 0):
        return None
    A = mdp.n_actions
    # K = (gamma/p) P^T diag(1/beta) B on states; u = (gamma/p) (1/beta) * repeat(v)
    K = (g / p) * (mdp.P_matrix.T @ sp.diags(1.0 / beta) @ sp.kron(sp.identity(mdp.n_states),
                                                                   np.ones((A, 1))))
    K = K.toarray() if sp.issparse(K) else np.asarray(K)
    vals, vecs = np.linalg.eig(K)
    k = int(np.argmax(vals.real))
    v = np.abs(vecs[:, k].real)
    u = (g / p) * np.repeat(v, A) / beta
    return float(vals[k].real), u


@dataclass(frozen=True)
class PNormSearch:
    """Outcome of :func:`search_young`: weights u, rate c and the float factor kappa."""

    p: int
    u: np.ndarray
    c: float
    factor: float


def search_young(mdp: FiniteMDP, d: np.ndarray, p: int, steps: int = 60) -> PNormSearch | None:
    """Best decay rate c (and weights u) for the ``young`` argument at exponent p."""
    g = mdp.gamma
    c_hi = float(p * d.min() * (1.0 - g * (p - 1) / p))
    if c_hi <= 0:
        return None
    if g == 0:
        # F_h is constant: dV/dt = -sum_i u_i e_i^p <= -p d_min V for any u > 0.  The Perron
        # weights u = (gamma / p) v / beta vanish here, so take u = 1 and c just below p d_min.
        u = np.ones(mdp.n_states * mdp.n_actions)
        return PNormSearch(p, u, c_hi * (1 - 1e-6), 0.0)
    r0 = _perron(mdp, d, p, 0.0)
    if r0 is None or r0[0] >= 1:
        return None
    lo, hi = 0.0, c_hi
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        r = _perron(mdp, d, p, mid)
        if r is not None and r[0] < 1:
            lo = mid
        else:
            hi = mid
    c = lo * (1 - 1e-6)
    _, u = _perron(mdp, d, p, c)  # type: ignore[misc]
    u = u / u.max()
    factor = float(np.max((g * (p - 1) * u + g * _col(mdp.P_matrix, u, mdp.n_actions)) / (p * u)))
    return PNormSearch(p, u, c, factor)


def make_certificate(mdp: FiniteMDP, d: np.ndarray, operator: str, p: int, u: np.ndarray,
                     c: float, argument: str, grad_bound: Fraction = Fraction(1),
                     ) -> PNormLyapunovCertificate:
    """Rationalise float weights and rate into a certificate (verify() decides)."""
    uq = tuple(Fraction(float(x)).limit_denominator(10**12) for x in u)
    cq = Fraction(float(c)).limit_denominator(10**12)
    return PNormLyapunovCertificate(operator, as_fraction(mdp.gamma), mdp.P_matrix.copy(),
                                    tuple(as_fraction(x) for x in d), mdp.n_actions, p, uq, cq,
                                    argument, grad_bound, {"search": "bisection + Perron vector"
                                                           if argument == "young" else "closed form"})
