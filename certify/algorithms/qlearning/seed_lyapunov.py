"""Seed 002's own Lyapunov construction (Appendix H, Lemmas 7-9) and its Theorem 2 constant.

For the direct family Sigma = {A_pi = I + alpha D (gamma P Pi_pi - I)} and rho = rho_eps > JSR
(the seed's "fix eps with JSR + eps < 1"), seed 002 defines (its Equations 15-16)

    V_N(x) = sum_{k=0}^{N} max_{|w| = k} ||A_w x||_2^2 / rho^(2k),   V(x) = lim_N V_N(x),

(A_w the product along the word w, the empty word giving ||x||^2), proves
||x||_2^2 <= V(x) <= C_eps ||x||_2^2 (Lemma 7.3, Equation 17), V(A_pi x) <= rho^2 V(x) for every
deterministic and (Lemma 9, by convexity) stochastic policy, and uses C_eps in Theorem 2.

**Computing V and C_eps.**  For alpha d_max <= 1 every A_pi is nonnegative and the family has
independent row uncertainty, so T(x) = max_pi A_pi x (row-wise) is attained by one policy for
all rows at once; for x >= 0 the word maximising ||A_w x|| is the greedy one and
max_{|w| = k} ||A_w x||_2 = ||T^k x||_2.  Since |A_w x| <= A_w |x| <= T^k |x| entrywise,

    V(x) <= V(|x|) = sum_k ||T^k |x|||_2^2 / rho^(2k),     C_eps = sup_{x >= 0, ||x|| = 1} V(x).

Bounds used here (every one rounded the safe way):

* lower: the Perron vector u >= 0 of the JSR-attaining member has T^k u >= JSR^k u, so
  C_eps >= 1 / (1 - (JSR_lower / rho)^2);
* upper: for x >= 0 with ||x||_2 = 1, ||T^k x||_2^2 <= ||A_w||_1 ||A_w||_inf for the greedy word,
  with ||A_w||_inf <= t_k = ||T^k 1||_inf and ||A_w||_1 <= c^k (c the largest column sum over
  the family, :func:`certify.algorithms.qlearning.meansquare.column_rate` with w = 1), and
  ||T^k x||_2^2 <= n t_k^2.  The weighted max-norm certificate T(w) <= rho_w w gives
  t_k <= kappa rho_w^k (kappa = max w / min w).  Summing k <= k0 from the iteration and the
  tail k > k0 from the certificate:

      C_eps <= sum_{k <= k0} min(t_k c^k, n t_k^2) / rho^(2k) + n kappa^2 q^(k0 + 1) / (1 - q),
      q = (rho_w / rho)^2.

  (The seed's own proof of Lemma 7.3 takes M >= sup_k max_w ||A_w|| / rho~^k and
  C = M^2 / (1 - (rho~ / rho)^2); with rho~ = rho_w and M = sqrt(n) kappa this is the tail
  term with k0 = -1.)  t_k is iterated in floats with an inflation of (1 + (m + n + 8) u) per step
  (u the unit round-off, m the longest row of P), so it stays an upper bound.

**Theorem 2 (reconstruction).**  The seed's proof (Appendix I, Equations 20-31) starts from the
triangle inequality for the norm sqrt V: sqrt V(e_{k+1}) <= rho sqrt V(e_k) + alpha sqrt(C_eps)
||w_k||_2, with E[||w_k||_2^2 | F_k] <= W (Appendix B, Lemma 5).  Its displayed constants were
lost in conversion; taking expectations of this inequality directly (the seed squares it and
splits the cross term, which gives a larger constant) gives

    E||Q_K - Q*||_inf <= E sqrt V(e_K) <= sqrt(C_eps) rho^K ||e_0||_2
                                         + alpha sqrt(C_eps W) (1 - rho^K) / (1 - rho),

whose floor alpha sqrt(C_eps W) / (1 - rho) does *not* vanish with alpha (1 - rho and 1 / C_eps
are both of order alpha), as the seed itself remarks after Theorem 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.algorithms.qlearning.bounds import noise_constants
from certify.algorithms.qlearning.meansquare import (
    _initial_error,
    column_rate,
    exact_model,
    maxnorm_rate,
    pow_up,
)
from certify.errors import InvalidInput
from certify.exact import round_down_float, round_up_float
from certify.exact.intervals import sqrt_up
from certify.mdp.finite import FiniteMDP
from certify.mdp.sampling import Sampling

F = Fraction
HEAD_MAX = 20_000
"""The most steps k0 of the iteration T^k 1 (fewer for large MDPs: HEAD_WORK / nnz(P))."""
HEAD_WORK = 2 * 10**7


def greedy_operator(mdp: FiniteMDP, d: np.ndarray, alpha: float):
    """x -> T(x) = max_pi A_pi x for x >= 0 (floats): (1 - alpha d_i) x_i + alpha gamma d_i
    sum_s' P(s'|i) max_a x(s', a)."""
    P = mdp.P_matrix.tocsr()
    S, A = mdp.n_states, mdp.n_actions
    d = np.asarray(d, dtype=float)
    a, g = float(alpha), float(mdp.gamma)

    def T(x: np.ndarray) -> np.ndarray:
        return (1 - a * d) * x + a * g * d * (P @ x.reshape(S, A).max(axis=1))

    return T


def v_eps(mdp: FiniteMDP, d: np.ndarray, alpha: float, rho: float, x: np.ndarray,
          n_terms: int = 2000) -> float:
    """sum_{k < n_terms} ||T^k |x|||_2^2 / rho^(2k): the seed's V_N(|x|) (N = n_terms - 1), equal
    to V_N(x) for x >= 0 and >= V_N(x) otherwise (module docstring); floats, for inspection."""
    T = greedy_operator(mdp, d, alpha)
    y = np.abs(np.asarray(x, dtype=float).reshape(-1))
    total, scale = 0.0, 1.0
    for _ in range(n_terms):
        total += scale * float(y @ y)
        y = T(y)
        scale /= rho * rho
    return total


@dataclass(frozen=True)
class SeedTheorem2:
    """``finite_time.seed_theorem2``: C_eps of seed 002 (Lemma 7.3) and the Theorem 2 bound.

    ``c_eps_lower <= C_eps <= c_eps`` (the seed's best constant for this rho); ``bound`` is the
    reconstructed Theorem 2 bound on E||Q_K - Q*||_inf with C_eps replaced by ``c_eps``.
    """

    rho: float
    eps: float
    c_eps: float
    c_eps_lower: float
    W: float
    e0_2: float
    steps: int
    transient: float
    floor: float
    bound: float
    head_terms: int

    def to_dict(self) -> dict:
        return {"rho_eps": self.rho, "eps": self.eps, "C_eps": self.c_eps,
                "C_eps_lower": self.c_eps_lower, "W": self.W, "e0_2norm": self.e0_2,
                "steps": self.steps, "transient": self.transient, "floor": self.floor,
                "bound": self.bound, "head_terms": self.head_terms,
                "formula": "E||Q_K - Q*||_inf <= sqrt(C_eps) rho^K ||e_0||_2 + alpha "
                           "sqrt(C_eps W) (1 - rho^K) / (1 - rho)",
                "source": "seed 002, Appendix H (Lemmas 7-9, V_eps, C_eps) and Theorem 2 "
                          "(reconstruction of the displayed constant)"}


def c_eps_bounds(mdp: FiniteMDP, sampling: Sampling, alpha: float, rho: Fraction,
                 jsr_lower: float, w: np.ndarray) -> tuple[Fraction, Fraction, int]:
    """(lower, upper, k0): c_eps_lower <= C_eps <= upper for rho_eps = ``rho`` (module docstring).

    ``w`` are the weights of a weighted max-norm certificate; its rate rho_w is recomputed
    exactly and must be below ``rho``.
    """
    model = exact_model(mdp, sampling, alpha, 0.0)
    if model.alpha * max(model.d) > 1:
        raise InvalidInput("seed Lyapunov construction: needs alpha d_max <= 1 (a nonnegative "
                           "family)")
    n = model.n
    wq = [F(float(x)) for x in np.asarray(w, dtype=float).reshape(-1)]
    if len(wq) != n or min(wq) <= 0:
        raise InvalidInput("seed Lyapunov construction: the certificate weights must be positive "
                           f"and {n} in number")
    rho_w = maxnorm_rate(model, wq)
    if not rho_w < rho < 1:
        raise InvalidInput(f"seed Lyapunov construction: need rho_w = {float(rho_w):.12g} < "
                           f"rho_eps = {float(rho):.12g} < 1")
    kappa = max(wq) / min(wq)
    c = column_rate(model, [F(1)] * n)
    q = (rho_w / rho) ** 2
    lower = 1 / (1 - (F(jsr_lower) / rho) ** 2) if 0 < jsr_lower < rho else F(1)
    # head: t_k = ||T^k 1||_inf iterated in floats, inflated each step
    P = mdp.P_matrix.tocsr()
    m = int(np.diff(P.indptr).max()) if P.nnz else 1
    infl = 1.0 + (m + n + 8) * 2.0**-52  # float T and the exact renormalisation of d, P
    k0 = int(min(HEAD_MAX, max(1, HEAD_WORK // max(1, P.nnz + n))))
    # stop when the tail bound is below 1e-6 of the head (no later term can matter)
    T = greedy_operator(mdp, sampling.d, alpha)
    y = np.ones(n)
    head = 0.0
    cf, rf, rinv2 = float(c) * infl, float(rho), 1.0
    ck = 1.0
    t_list = []
    for k in range(k0 + 1):
        t = float(y.max()) * (1.0 + 1e-12)
        t = min(t, float(kappa) * float(rho_w) ** k * (1 + 1e-9))
        t_list.append(t)
        head += min(t * ck, n * t * t) * rinv2 * (1.0 + 1e-12)
        y = T(y) * infl
        ck *= cf
        rinv2 /= rf * rf * (1.0 - 2.0**-50)
        if k >= 10 and n * float(kappa) ** 2 * float(q) ** (k + 1) / (1 - float(q)) < 1e-9 * head:
            k0 = k
            break
    head_q = F(head) * (1 + F(1, 10**9))  # the float sum's own rounding (<= 2e4 terms)
    tail = n * kappa**2 * pow_up(q, k0 + 1) / (1 - q)
    return lower, head_q + tail, k0


def seed_theorem2(mdp: FiniteMDP, sampling: Sampling, alpha: float, noise: float, steps: int,
                  jsr_lower: float, jsr_upper: float, w: np.ndarray,
                  eps: float | None = None, q0: np.ndarray | None = None) -> SeedTheorem2:
    """The seed's Theorem 2 bound with a certified C_eps (module docstring).

    Parameters
    ----------
    mdp, sampling, alpha, noise, steps
        As for :func:`certify.algorithms.qlearning.meansquare.mean_square_bound`.
    jsr_lower, jsr_upper : float
        The certified bracket of the direct JSR.
    w : array (n,)
        Weights of the upper certificate (T(w) <= jsr_upper w).
    eps : float, optional
        rho_eps = jsr_upper + eps; default half the gap to 1.
    """
    if not 0 < jsr_upper < 1:
        raise InvalidInput(f"seed Theorem 2: needs a certified JSR below 1 (found {jsr_upper})")
    eps_f = (1 - jsr_upper) / 2 if eps is None else float(eps)
    if not 0 < eps_f < 1 - jsr_upper:
        raise InvalidInput(f"eps = {eps_f!r}: expected 0 < eps < 1 - JSR = {1 - jsr_upper:.6g}")
    rho = F(jsr_upper) + F(eps_f)
    lower, c_up, k0 = c_eps_bounds(mdp, sampling, alpha, rho, jsr_lower, w)
    model = exact_model(mdp, sampling, alpha, noise, q0)
    e_hat, delta = _initial_error(model, q0)
    e0_sq = sum((abs(x) + delta) ** 2 for x in e_hat)
    q0_sup = 0.0 if q0 is None else float(np.abs(np.asarray(q0)).max())
    W = F(noise_constants(mdp, q0_sup, noise).W)
    sc = sqrt_up(c_up)
    trans = sc * pow_up(rho, steps) * sqrt_up(e0_sq)
    floor = F(float(alpha)) * sc * sqrt_up(W) / (1 - rho)
    total = trans + floor
    return SeedTheorem2(round_up_float(rho), eps_f, round_up_float(c_up), round_down_float(lower),
                        round_up_float(W), round_up_float(sqrt_up(e0_sq)), int(steps),
                        round_up_float(trans), round_up_float(floor), round_up_float(total), k0)


__all__ = ["SeedTheorem2", "c_eps_bounds", "greedy_operator", "seed_theorem2", "v_eps"]
