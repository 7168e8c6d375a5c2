"""Rigorous float enclosures of Theorem 2's row quantities: which rows need an exact look.

Theorem 2 (Achiam, Knight and Abbeel, arXiv 1903.08894) needs, per row i,

    m16_i = 1 - alpha a_i,   m17_i = (1 - gamma) a_i - (1 + gamma) o_i,
    beta_i = |1 - alpha a_i| + alpha gamma |a_i| + (1 + gamma) alpha o_i,

with a_i = K_ii rho_i and o_i = sum_{j != i} |K_ij| rho_j, and then only the minima of m16,
m17, the maximum of beta (and the rows attaining them).  We enclose every a_i, o_i in an
interval computed in floats with a proven error bound, push the intervals through the
formulas with outward rounding, and keep as *candidates* only the rows whose interval can
reach the extremum.  Every row that attains an exact extremum is a candidate, so evaluating
the candidates exactly (:mod:`certify.algorithms.ntk.exactrows`) gives the exact extrema and their rows.
Nothing is accepted on a float: the floats only decide which rows need not be looked at.

Error bound for the row sums (Higham, *Accuracy and Stability of Numerical Algorithms*,
2nd ed., 2002, eq. (3.5) and Section 2.2 for underflow): a floating-point sum of n products,
in any order and with or without fused multiply-add, satisfies

    |fl(sum_j x_j y_j) - sum_j x_j y_j| <= gamma_n sum_j |x_j y_j| + n eta,
    gamma_n = n u / (1 - n u),  u = 2^-53,  eta = 2^-1074 (subnormal spacing).

Rational input is first rounded to doubles (relative error u per entry, plus eta), which the
bound below also covers.  We use the generous c_n = 2 (n + 4) u / (1 - (n + 4) u) for the
relative part and 4 (n + 2) eta (1 + max|K|) for the absolute part.  Interval operations
widen each rounded endpoint by one ulp (numpy.nextafter), which is rigorous for IEEE
round-to-nearest.  Any non-finite intermediate makes every row a candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.exact import round_down_float, round_up_float

U = 2.0**-53
ETA = 2.0**-1074

Interval = tuple[np.ndarray, np.ndarray]


def _down(x: np.ndarray) -> np.ndarray:
    return np.nextafter(x, -np.inf)


def _up(x: np.ndarray) -> np.ndarray:
    return np.nextafter(x, np.inf)


def add(x: Interval, y: Interval) -> Interval:
    return _down(x[0] + y[0]), _up(x[1] + y[1])


def sub(x: Interval, y: Interval) -> Interval:
    return _down(x[0] - y[1]), _up(x[1] - y[0])


def mul(x: Interval, y: Interval) -> Interval:
    ps = [x[0] * y[0], x[0] * y[1], x[1] * y[0], x[1] * y[1]]
    return _down(np.minimum.reduce(ps)), _up(np.maximum.reduce(ps))


def iabs(x: Interval) -> Interval:
    lo, hi = x
    return (np.where(lo >= 0, lo, np.where(hi <= 0, -hi, 0.0)),
            np.where(lo >= 0, hi, np.where(hi <= 0, -lo, np.maximum(-lo, hi))))


def scalar(q: Fraction) -> Interval:
    """A rational scalar as a one-element interval [round_down, round_up]."""
    return np.array([round_down_float(q)]), np.array([round_up_float(q)])


@dataclass(frozen=True)
class Enclosures:
    """Intervals (lo, hi) of a_i, m16_i, m17_i, beta_i; ``finite`` False: enclosure unusable."""

    a: Interval
    m16: Interval
    m17: Interval
    beta: Interval
    finite: bool


def enclose(k: np.ndarray, rho: np.ndarray, gamma: Fraction, alpha: Fraction) -> Enclosures:
    """Rigorous enclosures of the per-row quantities of Theorem 2 (see the module docstring)."""
    kf = np.asarray(k).astype(float, copy=False)
    rf = np.asarray(rho).reshape(-1).astype(float, copy=False)
    n = kf.shape[0]
    with np.errstate(all="ignore"):
        absk = np.abs(kf)
        diag_k = np.diag(kf)
        s = absk @ rf - np.abs(diag_k) * rf  # float o_i (diagonal removed)
        scale = absk @ np.abs(rf)  # sum_j |K_ij rho_j| bounds every term in the error analysis
        c = 2.0 * (n + 4) * U / (1.0 - (n + 4) * U)
        absolute = 4.0 * (n + 2) * ETA * (1.0 + float(absk.max()))
        err = _up(_up(c * scale) + absolute)
        o = (_down(s - err), _up(s + err))
        a_f = diag_k * rf
        a_err = _up(_up(4.0 * U * np.abs(a_f)) + 4.0 * ETA * (1.0 + np.abs(diag_k)))
        a = (_down(a_f - a_err), _up(a_f + a_err))
        al, g = scalar(alpha), scalar(gamma)
        one = (np.ones(1), np.ones(1))
        aa = mul(al, a)
        m16 = sub(one, aa)
        m17 = sub(mul(sub(one, g), a), mul(add(one, g), o))
        beta = add(add(iabs(m16), mul(mul(al, g), iabs(a))), mul(mul(add(one, g), al), o))
        finite = bool(all(np.all(np.isfinite(v)) for iv in (a, m16, m17, beta) for v in iv))
    return Enclosures(a, m16, m17, beta, finite)


def candidates(enc: Enclosures) -> dict[str, np.ndarray]:
    """Rows that may attain min m16 (= max a), min m17 and max beta (all rows if not finite)."""
    n = enc.a[0].size
    if not enc.finite:
        every = np.arange(n)
        return {"a": every, "m16": every, "m17": every, "beta": every}
    return {
        "a": np.flatnonzero(enc.a[1] >= enc.a[0].max()),
        "m16": np.flatnonzero(enc.m16[0] <= enc.m16[1].min()),
        "m17": np.flatnonzero(enc.m17[0] <= enc.m17[1].min()),
        "beta": np.flatnonzero(enc.beta[1] >= enc.beta[0].max()),
    }
