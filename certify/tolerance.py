"""The tolerance policy of certify, stated once.

Tolerances are used only to *validate input* and to *steer numerical searches*.  They are
never used to accept a certificate: acceptance is an exact rational check (see
:mod:`certify.exact`).

STOCHASTIC_ATOL
    A row of a transition matrix, a policy or a sampling distribution must sum to 1 within
    this absolute tolerance, and no entry may be below ``-STOCHASTIC_ATOL``.  Rows are not
    renormalised: the data is used as given.
EIG_RTOL
    Relative tolerance asked of float eigen-solvers before an exact check.
FIXED_POINT_ATOL
    Sup-norm tolerance at which fixed-point iterations (smooth Bellman operators) stop.
FRAGILE_RTOL
    A verdict whose deciding margin is within this relative distance of the boundary is
    marked *fragile* in the output (:func:`certify.verdict.is_fragile`); it is not changed.
SYMMETRY_RTOL
    A kernel K with max |K_ij - K_ji| above this times max(1, max |K|) is refused: an NTK is
    symmetric (Theorem 2's bound itself holds for any K).
"""

from __future__ import annotations

STOCHASTIC_ATOL: float = 1e-9
EIG_RTOL: float = 1e-12
FIXED_POINT_ATOL: float = 1e-12
SYMMETRY_RTOL: float = 1e-9
FRAGILE_RTOL: float = 1e-12
