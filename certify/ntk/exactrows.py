"""Exact integer forms of a kernel and a distribution, and the row sums Theorem 2 needs.

A float array is a dyadic array (every double is m 2^e exactly, :func:`certify.exact.dyadic`);
an array of Fractions is scaled by the lcm of its denominators.  Either way we get Python
integers ``ints`` and one positive integer ``denom`` with ``array = ints / denom`` exactly,
and the O(n^2) row sums of Theorem 2 run in integer arithmetic (no gcd per operation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..exact import as_fraction, dyadic


@dataclass(frozen=True)
class Scaled:
    """``ints / denom`` equals the original array exactly (``ints`` holds Python ints)."""

    ints: np.ndarray
    denom: int


def scaled(a: np.ndarray) -> Scaled:
    """Exact integer form of a float array or an object array of rationals."""
    arr = np.asarray(a)
    if arr.dtype != object:
        d = dyadic(arr.astype(float))
        ints = d.ints.reshape(arr.shape)
        if d.exp >= 0:
            return Scaled(ints * (1 << d.exp), 1)
        return Scaled(ints, 1 << (-d.exp))
    fr = [as_fraction(v) for v in arr.reshape(-1)]
    denom = math.lcm(*(f.denominator for f in fr)) if fr else 1
    ints = np.empty(len(fr), dtype=object)
    for i, f in enumerate(fr):
        ints[i] = f.numerator * (denom // f.denominator)
    return Scaled(ints.reshape(arr.shape), denom)


@dataclass(frozen=True)
class RowSums:
    """Per-row exact quantities of Theorem 2 (Achiam et al., arXiv 1903.08894).

    Attributes
    ----------
    diag : list[Fraction]
        a_i = K_ii rho_i.
    off : list[Fraction]
        o_i = sum_{j != i} |K_ij| rho_j.
    off_unweighted : list[Fraction]
        sum_{j != i} |K_ij| (for the row ratio).
    k_diag : list[Fraction]
        K_ii.
    """

    diag: list[Fraction]
    off: list[Fraction]
    off_unweighted: list[Fraction]
    k_diag: list[Fraction]


def row_sums(k: np.ndarray, rho: np.ndarray) -> RowSums:
    """Exact a_i, o_i of a square kernel ``k`` and a weight vector ``rho``."""
    ks, rs = scaled(k), scaled(rho)
    n = ks.ints.shape[0]
    absk = np.abs(ks.ints)
    kd = np.array([ks.ints[i, i] for i in range(n)], dtype=object)
    absd = np.abs(kd)
    off_int = absk.dot(rs.ints) - absd * rs.ints
    off_unw = absk.sum(axis=1) - absd if n else np.zeros(0, dtype=object)
    den = ks.denom * rs.denom
    return RowSums(
        diag=[Fraction(int(kd[i] * rs.ints[i]), den) for i in range(n)],
        off=[Fraction(int(off_int[i]), den) for i in range(n)],
        off_unweighted=[Fraction(int(off_unw[i]), ks.denom) for i in range(n)],
        k_diag=[Fraction(int(kd[i]), ks.denom) for i in range(n)],
    )
