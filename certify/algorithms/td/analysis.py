"""``sa check``: build an algorithm's N-timescale linear SA from a problem and check it.

One function, :func:`analyze_sa`, returns a frozen :class:`SACheck` holding the computed
quantities (conditions with their numbers, nested-level margins, the exact range of w), the
theoretical limit theta* = -A^{-1} b, and the verdict (seed 003, Theorems 5.1-5.4).
:func:`run_sa_check` is the command-registry form (plain parameters in, JSON-ready dict out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from certify.algorithms.td.algorithms import Algorithm, check_order, get_algorithm
from certify.algorithms.td.conditions import Condition, check_conditions, noise_constant, verdict_of
from certify.algorithms.td.linear import LinearTD, from_problem
from certify.algorithms.td.stepsizes import parse_exponents
from certify.errors import InvalidInput
from certify.mdp.problem import Problem
from certify.verdict import Verdict

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True, eq=False)
class SACheck:
    """Outcome of checking one algorithm on one problem."""

    algorithm: Algorithm
    problem: str
    exponents: tuple[Fraction, ...]
    w: float
    td: LinearTD
    conditions: tuple[Condition, ...]
    levels: tuple[dict, ...]
    limit_exact: tuple[str, ...] | None
    verdict: Verdict

    @property
    def failing(self) -> list[str]:
        return [c.name for c in self.conditions if c.holds is False]

    def to_dict(self) -> dict:
        a = self.algorithm
        ts = [{"level": i + 1, "variable": v, "step": s, "exponent": str(e)}
              for i, (v, s, e) in enumerate(zip(a.variables, a.steps, self.exponents, strict=True))]
        theta = self.td.theta_star
        return {
            "algorithm": a.name, "problem": self.problem, "w": self.w,
            "timescales": ts, "n_timescales": a.n_timescales,
            "conditions": [c.to_dict() for c in self.conditions],
            "levels": list(self.levels),
            "limit": None if theta is None else theta.tolist(),
            "limit_exact": None if self.limit_exact is None else list(self.limit_exact),
            "failing": self.failing,
            "linear_td": self.td.summary(),
            "verdict": self.verdict.value,
        }


def analyze_sa(algorithm: str, problem: Problem | str | Path, exponents: object, w: float = 1.0,
             order: object = None) -> SACheck:
    """Check the N-timescale stochastic-approximation conditions for ``algorithm`` on ``problem``.

    The algorithm is written as an N-timescale linear SA x_i(n+1) = x_i(n) + a_i(n)
    (h_i(x(n)) + M_i(n+1)) and conditions (A:1)-(A:3), (B.N.i) and (C.N.i) of R. Deb,
    S. Ganesh and S. Bhatnagar, *Multi Timescale Stochastic Approximation: Stability and
    Convergence*, arXiv:2112.03515 (seed 003, docs/theory.md section 4) are decided: the
    step-size series symbolically, the nested Schur complements Hurwitz-checked exactly
    (Routh-Hurwitz), and the limit theta* = -A^{-1} b.

    Parameters
    ----------
    algorithm : str
        One of td0, gtd, gtd2, tdc, gtd2-m3, tdc-m3, gtd2-m4, tdc-m4.
    problem : Problem, str or Path
        A problem with features, a target policy and a behaviour (sampling) policy, or the
        built-in name or file of one (``random-walk-5``, ``boyan-chain``).
    exponents : str or sequence of float
        ``"e_1,...,e_N"`` or a sequence, one per timescale, fastest first, each in (0, 1]
        (a_i(n) = 1/(n+1)^{e_i}).
    w : float
        Momentum constant in eta_t = (varrho_t - w alpha_t) / varrho_{t-1}.
    order : str or sequence of str, optional
        ``"v,u,theta"``-style list of the iterates fastest first; must match the
        algorithm's.

    Returns
    -------
    SACheck
        ``conditions`` (each with its numbers and whether it holds), ``levels`` (the nested
        Schur complements), ``limit_exact`` (theta*), ``verdict`` and ``to_dict()``.

    Raises
    ------
    InvalidInput
        Bad exponents (count, range), contradicting order, bad features or policies.
    UnknownName
        An algorithm or built-in problem name certify does not know.

    Examples
    --------
    TD(0) on the 5-state random walk with a_1(n) = 1/(n+1)^0.7 (summable squares):

    >>> from certify import analyze_sa, load_problem
    >>> chk = analyze_sa("td0", load_problem("random-walk-5"), [0.7])
    >>> chk.verdict.value, all(c.holds for c in chk.conditions)
    ('certified', True)
    """
    algo = get_algorithm(algorithm)
    check_order(algo, order)
    ex = parse_exponents(exponents, algo.n_timescales, algo.name)
    if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w):
        raise InvalidInput(f"w = {w!r}; expected a finite real number (the theory needs w > 0)")
    if algo.momentum == 0 and w != 1.0:
        raise InvalidInput(f"w = {w!r}: {algo.name} has no momentum term; omit --w")
    from certify.mdp.io import as_problem

    problem = as_problem(problem, positive_sampling=False)  # as `certify sa check`
    td = from_problem(problem)
    s = problem.sampling
    beta = s.behaviour if s is not None and s.behaviour is not None else problem.target
    target = problem.target if problem.target is not None else beta
    K = noise_constant(algo, td, float(w), problem.mdp, beta, target)
    conds, extras = check_conditions(algo, td, ex, float(w), K)
    limit = extras.get("limit_exact")
    return SACheck(algo, problem.name, ex, float(w), td, tuple(conds), tuple(extras["levels"]),
                   None if limit is None else tuple(limit), verdict_of(conds))


def run_sa_check(algorithm: str, problem: str, exponents: str, w: float = 1.0,
                 order: str | None = None) -> dict:
    """Command form of :func:`analyze_sa`: names in, the ``certify sa check --json`` document out."""
    from certify.mdp import load_problem

    return analyze_sa(algorithm, load_problem(problem, positive_sampling=False), exponents, w,
                    order).to_dict()


# Old names (certify.deprecation): the same functions, with a DeprecationWarning.
from certify.deprecation import deprecated_alias  # noqa: E402

check_sa = deprecated_alias(analyze_sa, "check_sa")
