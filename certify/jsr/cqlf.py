"""Common quadratic Lyapunov functions by semidefinite programming, accepted exactly.

For a family {A_i}, the smallest beta for which some X > 0 has A_i^T X A_i <= beta^2 X is
found by bisection on beta (log scale).  Each step solves, with the chosen conic solver,

    maximise t  subject to  I <= X <= c I,  beta^2 X - A_i^T X A_i >= t I  (all i),

and calls beta feasible when t > 0 (a float pre-filter only).  The final X is rounded to
small-denominator rationals, symmetrised exactly, and accepted only if the exact LDL^T
check of :class:`~certify.certificates.quadratic.QuadraticCertificate` passes; otherwise
beta is raised a little and the SDP re-solved (the strict margin t makes this rare).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from certify.certificates.base import CheckResult
from certify.certificates.quadratic import QuadraticCertificate
from certify.exact import rationalize, round_up_float, symmetrize
from certify.families.matrix import Family
from certify.solver_options import SolverOptions
from certify.verdict import Verdict


@dataclass(frozen=True)
class CQLFResult:
    """Outcome of the CQLF search.

    ``rate`` is the certified beta (outward-rounded), or nan when nothing was certified.
    """

    rate: float
    verdict: Verdict
    certificate: QuadraticCertificate | None
    check: CheckResult | None
    solver: dict
    bisection_steps: int
    seconds: float
    reason: str = ""
    history: list = field(default_factory=list)

    def __post_init__(self) -> None:
        from certify.formatting import summarise_digits

        # a reason may quote an exact rational of thousands of digits (5^5000): summarise it
        object.__setattr__(self, "reason", summarise_digits(self.reason))

    def to_dict(self) -> dict:
        from certify.formatting import exact_text

        return {"rate": self.rate, "verdict": self.verdict.value, "reason": self.reason,
                "rate_exact": None if self.certificate is None else exact_text(self.certificate.beta),
                "solver": self.solver, "bisection_steps": self.bisection_steps,
                "seconds": self.seconds,
                "certificate": None if self.certificate is None else {
                    "kind": self.certificate.kind, "claim": self.certificate.claim(),
                    "verdict": self.check.verdict.value if self.check else None}}


def _solve_margin(mats: list[np.ndarray], beta: float, options: SolverOptions,
                  cap: float = 1e4) -> tuple[float, np.ndarray | None, str]:
    import cvxpy as cp

    n = mats[0].shape[0]
    X = cp.Variable((n, n), symmetric=True)
    t = cp.Variable()
    eye = np.eye(n)
    cons = [X >> eye, X << cap * eye, t <= 1.0]
    for A in mats:
        M = beta**2 * X - A.T @ X @ A - t * eye
        cons.append((M + M.T) / 2 >> 0)
    prob = cp.Problem(cp.Maximize(t), cons)
    status = options.solve(prob)
    if status not in ("optimal", "optimal_inaccurate") or t.value is None:
        return -math.inf, None, status
    return float(t.value), np.asarray(X.value), status


def _round_up_relative(x: Fraction, bits: int = 30) -> Fraction:
    """The smallest multiple of 2^(e - bits) that is >= x > 0, 2^e about x: x rounded up to
    ``bits`` significant bits (a short rational at every magnitude)."""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    q = Fraction(2) ** (bits - e)
    return Fraction(math.ceil(x * q)) / q


def cqlf_search(family: Family, options: SolverOptions | None = None, rel_tol: float = 1e-5,
                max_steps: int = 40, deadline: float | None = None) -> CQLFResult:
    """Smallest certified beta with a common quadratic Lyapunov function (see module doc).

    The smallest beta for which some X > 0 has A_i^T X A_i <= beta^2 X for every member, found by
    bisection on an SDP; beta bounds the JSR from above and counts only after the exact LDL^T
    check of the rational X (the quadratic certificate of docs/theory.md, section 3; used for
    the Q-learning direct family of seed 002, Lee, arXiv:2604.19569).

    Parameters
    ----------
    family : Family
        The matrix family.
    options : SolverOptions, optional
        Conic solver and settings (Clarabel by default).
    rel_tol : float
        Stop the bisection on beta when the relative gap is below this.
    max_steps : int
        Maximal number of bisection steps.
    deadline : float, optional
        A ``time.perf_counter()`` value that stops the bisection early.
    """
    if not callable(getattr(family, "float_matrices", None)):
        from certify.errors import InvalidFamily, found

        raise InvalidFamily(f"family: expected a matrix family (MatrixFamily(matrices), a "
                            f"DirectFamily), found {found(family)}")
    options = options or SolverOptions()
    t0 = time.perf_counter()
    raw = family.float_matrices()
    # entries of extreme size: the SDP sees A_i / s (s a power of two, an exact scaling) so
    # that beta^2 neither overflows nor underflows; X is the same, beta scales back by s
    top = max(float(np.abs(a).max()) for a in raw)
    s = 2.0 ** math.frexp(top)[1] if top > 0 and not 1e-100 < top < 1e100 else 1.0
    mats = [a / s for a in raw]
    lo = max(max(abs(np.linalg.eigvals(A))) for A in mats)
    hi = max(np.linalg.norm(A, 2) for A in mats) * (1 + 1e-9) + 1e-12
    hi = max(hi, lo * (1 + 1e-9) + 1e-12)
    history: list = []
    best_X: np.ndarray | None = None
    best_beta = hi
    status_last = "not run"
    steps = 0
    # hi is feasible with X = I up to the margin; make sure we hold a solution for it
    margin, X, status_last = _solve_margin(mats, hi * (1 + 1e-6), options)
    if X is not None and margin > 0:
        best_X, best_beta = X, hi * (1 + 1e-6)
    lo_b = max(lo, 1e-12)
    while steps < max_steps and best_beta / lo_b - 1 > rel_tol and \
            (deadline is None or time.perf_counter() < deadline):
        steps += 1
        mid = math.sqrt(lo_b * best_beta)
        margin, X, status = _solve_margin(mats, mid, options)
        history.append({"beta": mid, "margin": margin, "status": status})
        status_last = status
        if X is not None and margin > 1e-9:
            best_X, best_beta = X, mid
        else:
            lo_b = mid
    solver = options.record(status_last)
    if best_X is None:
        return CQLFResult(math.nan, Verdict.INCONCLUSIVE, None, None, solver, steps,
                          time.perf_counter() - t0, "the SDP found no feasible X", history)
    beta = best_beta
    for _attempt in range(6):
        Xq = symmetrize(rationalize(best_X, options.max_denominator))
        beta_q = _round_up_relative(Fraction(beta) * Fraction(s))
        cert = QuadraticCertificate(family, Xq, beta_q, solver)
        check = cert.verify()
        if check.certified:
            return CQLFResult(round_up_float(beta_q), Verdict.CERTIFIED, cert, check, solver,
                              steps, time.perf_counter() - t0, "", history)
        beta *= 1 + 1e-4
        margin, X, status = _solve_margin(mats, beta, options)
        if X is not None:
            best_X = X
    return CQLFResult(math.nan, Verdict.INCONCLUSIVE, cert, check, solver, steps,
                      time.perf_counter() - t0,
                      "rounded X failed the exact check at every attempt", history)
