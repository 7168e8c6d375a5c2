"""The best weighted max-norm of a matrix list by LP bisection (method ``maxnorm``).

r* = min over w > 0 of max_i max_k (|A_i| w)_k / w_k.  For fixed r, {w >= 1 : (|A_i| - r I) w
<= 0 for all i} is an LP feasibility problem (the constraint is homogeneous, so w >= 1 loses
nothing), and r* is found by bisection between max_i rho(|A_i|) (a lower bound on r*: the
Collatz-Wielandt formula) and max_i ||A_i||_inf (w = 1).  For nonnegative families r* is
the spectral radius of the row-wise maximum map (Blondel and Nesterov, SIAM J. Matrix Anal.
Appl. 31, 2009), equal to the JSR when rows vary independently.

The float w is then taken exactly (a double is a rational) and the bound is the exact
maximum ratio computed from it, rounded up to a double: no margin is needed and nothing
from the LP is trusted.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

from certify.certificates.family_maxnorm import FamilyMaxNormCertificate, max_weighted_ratio
from certify.exact import round_up_float
from certify.families.matrix import Family

LP_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def _feasible(absmats: list[np.ndarray], r: float) -> np.ndarray | None:
    n = absmats[0].shape[0]
    A_ub = np.vstack([a - r * np.eye(n) for a in absmats])
    res = linprog(np.ones(n), A_ub=A_ub, b_ub=np.zeros(A_ub.shape[0]), bounds=(1, None),
                  method="highs", options=LP_OPTIONS)
    return res.x if res.status == 0 else None


def maxnorm_search(family: Family, rel_tol: float = 1e-10,
                   max_steps: int = 60) -> FamilyMaxNormCertificate | None:
    """A certificate at (about) the optimal weighted max-norm bound, or None."""
    absmats = [np.abs(a) for a in family.float_matrices()]
    lo = max(max(abs(np.linalg.eigvals(a))) for a in absmats)
    hi = max(a.sum(axis=1).max() for a in absmats)
    best = np.ones(absmats[0].shape[0])
    steps = 0
    while steps < max_steps and hi - lo > rel_tol * max(hi, 1e-300):
        steps += 1
        mid = (lo + hi) / 2
        w = _feasible(absmats, mid)
        if w is None:
            lo = mid
        else:
            hi, best = mid, w
    wq = tuple(Fraction(float(x)) for x in best)
    if any(x <= 0 for x in wq):
        return None
    ratio, _, _ = max_weighted_ratio(family.exact_matrices(), wq)
    bound = Fraction(round_up_float(ratio))
    info = {"method": "maxnorm", "solver": "scipy-highs (LP feasibility, bisection)",
            "bisection_steps": steps, "rel_tol": rel_tol, "float_bracket": [lo, hi]}
    return FamilyMaxNormCertificate(family, wq, bound, info)


__all__ = ["maxnorm_search"]
