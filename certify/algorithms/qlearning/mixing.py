"""Geometric mixing constants of a behaviour chain, stated as upper bounds.

Seed 002 (Section 5, Assumption 2) asks the behaviour-induced chain to mix geometrically:
sup_s ||P_beta^t(s, .) - mu||_TV <= C r^t.  This module computes C and r for a given chain
from Dobrushin's ergodicity coefficient (Dobrushin 1956; Seneta, "Non-negative Matrices and
Markov Chains", 2nd ed., Springer 1981, Section 4.3)

    delta(M) = max_{x, y} (1/2) sum_z |M(x, z) - M(y, z)| = 1 - min_{x, y} sum_z min(M(x, z), M(y, z)),

which is submultiplicative, delta(MN) <= delta(M) delta(N), and contracts total variation:
||nu M - nu' M||_TV <= delta(M) ||nu - nu'||_TV.  With delta_t = delta(P_beta^t) (delta_0 = 1)
and mu = mu P_beta^t,

    sup_s ||P_beta^t(s, .) - mu||_TV <= delta_t <= delta_m^q delta_u,   t = q m + u, 0 <= u < m,

so for the power m chosen below, r = delta_m^(1/m) and C = max_{u < m} delta_u / r^u (both
rounded up, checked in exact arithmetic on the floats: r^m >= delta_m, C r^u >= delta_u) give
sup_s ||P_beta^t(s, .) - mu||_TV <= C r^t for every t >= 0, and the mixing sum

    H_state = sum_{t >= 0} sup_s ||P_beta^t(s, .) - mu||_TV <= (sum_{u < m} delta_u) / (1 - delta_m).

m is the smallest power in 1..max_power whose bound on H_state is within 1% of the best.
The state-action chain (s, a) -> (s', a'), s' ~ P(.|s, a), a' ~ beta(.|s'), has law
[P(.|s, a) P_beta^(t-1)] x beta at time t >= 1, so its distance to the stationary pair law d
is at most delta_(t-1), and its mixing sum is
H_pair <= 1 + H_state (the t = 0 term is at most 1).  H_pair bounds every Poisson solution
h_i(x) = sum_t (K^t(x, i) - d_i) of the pair chain K, which is what the Markovian finite-time
bound (:mod:`certify.algorithms.qlearning.bounds_markov`) needs.

For chains of at most :data:`EXACT_MAX_STATES` states whose entries are (within 1e-15) fractions
with denominators <= 10^6 and whose rows then sum to exactly 1 (decimal data such as 0.3),
the coefficients are computed in exact rational arithmetic for that rational chain; otherwise
floating point is used with a rounding margin of 8 t S^2 eps added to delta_t.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.argcheck import check_count
from certify.errors import InvalidInput
from certify.exact import round_up_float
from certify.mdp.bellman import policy_matrix
from certify.mdp.finite import FiniteMDP, check_policy

EXACT_MAX_STATES = 12
MAX_POWER = 64


@dataclass(frozen=True)
class MixingConstants:
    """Mixing constants of a behaviour chain P_beta (see the module docstring).

    Attributes
    ----------
    deltas : tuple of float
        delta_t = delta(P_beta^t) for t = 0..max_power (upper bounds; delta_0 = 1).
    m : int
        The power used for the geometric bound.
    C, r : float
        sup_s ||P_beta^t(s, .) - mu||_TV <= C r^t for all t >= 0.
    h_state, h_pair : float
        Bounds on the mixing sums of the state chain and of the state-action chain.
    exact : bool
        Whether the coefficients were computed in exact rational arithmetic.
    """

    deltas: tuple[float, ...]
    m: int
    C: float
    r: float
    h_state: float
    h_pair: float
    exact: bool

    def tv_bound(self, t: np.ndarray | int) -> np.ndarray:
        """min(1, C r^t): the bound on sup_s ||P_beta^t(s, .) - mu||_TV."""
        t = np.asarray(t, dtype=float)
        return np.minimum(1.0, self.C * self.r**t)

    def mixing_time(self, eps: float = 0.25) -> int:
        """Smallest t with C r^t <= eps (an upper bound on the eps-mixing time)."""
        if self.C <= eps:
            return 0
        if self.r == 0.0:  # C r^t = 0 for every t >= 1
            return 1
        t = max(1, int(np.ceil(np.log(eps / self.C) / np.log(self.r))))
        while self.C * self.r**t > eps:  # the logarithms may round the wrong way
            t += 1
        return t

    def to_dict(self) -> dict:
        return {"C": self.C, "r": self.r, "power_m": self.m, "delta_m": self.deltas[self.m],
                "H_state": self.h_state, "H_pair": self.h_pair, "t_mix_0.25": self.mixing_time(),
                "exact": self.exact,
                "claim": "sup_s ||P_beta^t(s,.) - mu||_TV <= C r^t; H_pair >= sup |Poisson solution|",
                "source": "Dobrushin coefficient of P_beta^m (Seneta 1981, Sec. 4.3)"}


def dobrushin(M: np.ndarray) -> float:
    """delta(M) = max_{x, y} (1/2) sum_z |M(x, z) - M(y, z)| of a row-stochastic float matrix."""
    M = np.asarray(M, dtype=float)
    return float(0.5 * np.abs(M[:, None, :] - M[None, :, :]).sum(axis=2).max())


def _dobrushin_exact(M: list[list[Fraction]]) -> Fraction:
    """max_{x, y} (1/2) sum_z |M(x, z) - M(y, z)| in exact arithmetic."""
    n = len(M)
    best = Fraction(0)
    for x in range(n):
        for y in range(x + 1, n):
            best = max(best, sum((abs(a - b) for a, b in zip(M[x], M[y], strict=True)), Fraction(0)) / 2)
    return best


def _rational_chain(p_beta: np.ndarray) -> list[list[Fraction]] | None:
    """P_beta with each entry the simplest fraction (denominator <= 10^6) within 1e-15 of it,
    when every row then sums to exactly 1; None otherwise."""
    rows = []
    for row in p_beta:
        fr = [Fraction(float(x)).limit_denominator(10**6) for x in row]
        if any(abs(float(f) - float(x)) > 1e-15 for f, x in zip(fr, row, strict=True)) or sum(fr) != 1:
            return None
        rows.append(fr)
    return rows


def _matmul_exact(A: list[list[Fraction]], B: list[list[Fraction]]) -> list[list[Fraction]]:
    cols = list(zip(*B, strict=True))
    return [[sum((a * b for a, b in zip(row, col, strict=True)), Fraction(0)) for col in cols]
            for row in A]


def chain_deltas(p_beta: np.ndarray, max_power: int = MAX_POWER) -> tuple[list[float], bool]:
    """delta(P^t) for t = 0..max_power, as floats that are upper bounds, and whether exact.

    A float delta_t is rounded up from the exact value (``nextafter``) when it is not exact.
    """
    S = p_beta.shape[0]
    base = _rational_chain(p_beta) if S <= EXACT_MAX_STATES else None
    if base is not None:
        power = base
        out = [1.0]
        for t in range(1, max_power + 1):
            if t > 1:
                power = _matmul_exact(power, base)
            dv = _dobrushin_exact(power)
            f = float(dv)
            out.append(f if Fraction(f) >= dv else float(np.nextafter(f, 2.0)))
        return out, True
    eps = np.finfo(float).eps
    power = p_beta.copy()
    out = [1.0]
    for t in range(1, max_power + 1):
        if t > 1:
            power = power @ p_beta
        out.append(float(min(1.0, dobrushin(power) + 8.0 * t * S * S * eps)))
    return out, False


def behaviour_chain(mdp: FiniteMDP, behaviour: np.ndarray) -> np.ndarray:
    """P_beta(s, s') = sum_a beta(a|s) P(s'|s, a), dense (S, S)."""
    beta = check_policy(np.asarray(behaviour, dtype=float), mdp, "sampling.behaviour")
    return (policy_matrix(mdp, beta) @ mdp.P_matrix).toarray()


def mixing_constants(p_beta: np.ndarray, max_power: int = MAX_POWER) -> MixingConstants:
    """Mixing constants of the row-stochastic chain ``p_beta`` (module docstring).

    sup_s ||P_beta^t(s, .) - mu||_TV <= C r^t (seed 002, Section 5, Assumption 2) from
    Dobrushin's coefficient delta(M) = 1 - min_{x, y} sum_z min(M(x, z), M(y, z)), which is
    submultiplicative (Dobrushin 1956; Seneta 1981, Section 4.3).

    Parameters
    ----------
    p_beta : array (S, S)
        Row-stochastic transition matrix of the behaviour chain.
    max_power : int
        Largest power m tried.

    Raises
    ------
    InvalidInput
        When delta(P_beta^t) = 1 for every t <= max_power: the chain is periodic, reducible,
        or mixes too slowly for a useful bound.
    """
    from certify.mdp.validate import as_real_array

    p_beta = as_real_array(p_beta, "p_beta", None, InvalidInput)
    if p_beta.ndim != 2 or p_beta.shape[0] != p_beta.shape[1]:
        raise InvalidInput(f"p_beta: expected a square matrix, found shape {p_beta.shape}")
    max_power = check_count(max_power, "max_power")
    deltas, exact = chain_deltas(p_beta, max_power)
    fr = [Fraction(x) for x in deltas]  # the float upper bounds read exactly
    h_of = {m: sum(fr[:m]) / (1 - fr[m]) for m in range(1, max_power + 1) if fr[m] < 1}
    m_best = 0
    if h_of:  # the smallest power whose mixing sum is within 1% of the best one
        floor = min(h_of.values())
        m_best = min(m for m, h in h_of.items() if h <= Fraction(101, 100) * floor)
    if m_best == 0:
        raise InvalidInput(f"behaviour chain: the Dobrushin coefficient of P_beta^t is 1 for every "
                           f"t <= {max_power}; the chain is periodic or not irreducible (or mixes "
                           "too slowly), so no geometric mixing bound follows")
    # r and C are rounded up so that delta_t <= C r^t holds exactly for the floats r and C:
    # r^m >= delta_m and C r^u >= delta_u for u < m (then delta_(qm+u) <= delta_m^q delta_u)
    dm = fr[m_best]
    if dm == 0:  # delta_t = 0 for t >= m; r covers 0 < t < m, C = 1 covers t = 0
        r = max([0.0] + [_root_up(fr[u], u) for u in range(1, m_best)])
        C = 1.0
    else:
        r = _root_up(dm, m_best)
        C = round_up_float(max(fr[u] / Fraction(r) ** u for u in range(m_best)))
    best = h_of[m_best]
    return MixingConstants(tuple(deltas), m_best, C, r, round_up_float(best),
                           round_up_float(1 + best), exact)


def _root_up(x: Fraction, m: int) -> float:
    """A double r >= x^(1/m) (checked exactly: r^m >= x)."""
    r = float(x) ** (1.0 / m)
    while Fraction(r) ** m < x:
        r = float(np.nextafter(r, np.inf))
    return r


def behaviour_mixing(mdp: FiniteMDP, behaviour: np.ndarray, max_power: int = MAX_POWER) -> MixingConstants:
    """:func:`mixing_constants` of the state chain induced by the behaviour policy."""
    return mixing_constants(behaviour_chain(mdp, behaviour), max_power)
