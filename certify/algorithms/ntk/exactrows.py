"""Exact per-row quantities of Theorem 2, vectorised, for a chosen set of rows.

For rows i in a set R we need, exactly,

    a_i = K_ii rho_i,        o_i = sum_{j != i} |K_ij| rho_j

(Achiam, Knight and Abbeel, arXiv 1903.08894, Theorem 2).  Float data: every double is
m 2^e with a 53-bit integer m (:func:`numpy.frexp`), so |K_ij| rho_j = (m_ij m_j) 2^(e_ij + e_j)
exactly; the products of mantissas are formed as Python ints by numpy's object loops (no
Python-level loop per entry, no gcd), shifted to the smallest exponent present and summed
per row.  Zero entries are skipped, so sparse kernels (K = I) cost O(nnz).  Rational data
(object arrays of Fractions) is scaled by the lcm of its denominators instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from certify.exact import as_fraction, dyadic_to_fraction, float_parts


def _float_rows(k: np.ndarray, rho: np.ndarray, rows: np.ndarray) -> tuple[list[Fraction], list[Fraction]]:
    block = np.abs(k[rows])
    mk, ek = float_parts(block)
    mr, er = float_parts(rho)
    nz = (mk != 0) & (mr != 0)[None, :]
    ri, cj = np.nonzero(nz)  # row-major order: entries of each row are contiguous
    sums = [0] * rows.size
    exp0 = 0
    if ri.size:
        prod = mk[ri, cj].astype(object) * mr[cj].astype(object)
        pexp = ek[ri, cj] + er[cj]
        exp0 = int(pexp.min())
        vals = prod << (pexp - exp0).astype(object)
        starts = np.flatnonzero(np.r_[True, ri[1:] != ri[:-1]])
        totals = np.add.reduceat(vals, starts)
        for r_, t in zip(ri[starts].tolist(), totals.tolist(), strict=True):
            sums[r_] = t
    diag, off = [], []
    for pos, i in enumerate(rows.tolist()):
        kii, ri_ = Fraction(float(k[i, i])), Fraction(float(rho[i]))
        diag.append(kii * ri_)
        off.append(dyadic_to_fraction(int(sums[pos]), exp0) - abs(kii) * ri_)
    return diag, off


def _rational_rows(k: np.ndarray, rho: np.ndarray, rows: np.ndarray) -> tuple[list[Fraction], list[Fraction]]:
    block = [[as_fraction(v) for v in np.asarray(k[i]).tolist()] for i in rows.tolist()]
    r = [as_fraction(v) for v in np.asarray(rho).reshape(-1).tolist()]
    den_k = math.lcm(*(f.denominator for row in block for f in row)) if block else 1
    den_r = math.lcm(*(f.denominator for f in r)) if r else 1
    r_int = [f.numerator * (den_r // f.denominator) for f in r]
    diag, off = [], []
    for pos, i in enumerate(rows.tolist()):
        ints = [abs(f.numerator) * (den_k // f.denominator) for f in block[pos]]
        total = sum(x * y for x, y in zip(ints, r_int, strict=True) if x)
        kii = block[pos][i]
        diag.append(kii * r[i])
        off.append(Fraction(total, den_k * den_r) - abs(kii) * r[i])
    return diag, off


def exact_rows(k: np.ndarray, rho: np.ndarray, rows: Sequence[int] | np.ndarray) -> tuple[list[Fraction],
                                                                                         list[Fraction]]:
    """Exact (a_i, o_i) for i in ``rows`` (lists in the order of ``rows``).

    ``k`` (n, n) and ``rho`` (n,) are float arrays (used as the doubles they are) or object
    arrays of rationals.
    """
    idx = np.asarray(rows, dtype=np.int64).reshape(-1)
    k_arr, r_arr = np.asarray(k), np.asarray(rho).reshape(-1)
    if k_arr.dtype == object or r_arr.dtype == object:
        return _rational_rows(k_arr, r_arr, idx)
    return _float_rows(k_arr.astype(float, copy=False), r_arr.astype(float, copy=False), idx)
