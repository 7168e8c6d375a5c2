"""Solver choice as an explicit, recorded value (AutoLyap's ``solver_options.py`` habit).

Clarabel is the default; SCS is available on request (``pip install 'certify[scs]'``);
MOSEK is used when asked for and installed.  There is no silent fallback from one solver to
another: a failure is reported with the solver's name and status, and the caller decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from certify.errors import InvalidInput

KNOWN_SOLVERS = ("CLARABEL", "SCS", "MOSEK")


@dataclass(frozen=True)
class SolverOptions:
    """Which conic solver to use and with what settings.

    Attributes
    ----------
    solver : {"CLARABEL", "SCS", "MOSEK"}
    settings : dict
        Passed to ``cvxpy.Problem.solve`` as keyword arguments.
    max_denominator : int
        Denominator bound when rounding a float certificate to rationals.
    """

    solver: str = "CLARABEL"
    settings: dict[str, Any] = field(default_factory=dict)
    max_denominator: int = 10**6

    def __post_init__(self) -> None:
        s = str(self.solver).upper()
        if s not in KNOWN_SOLVERS:
            raise InvalidInput(f"solver = {self.solver!r}; known solvers are {list(KNOWN_SOLVERS)}")
        object.__setattr__(self, "solver", s)

    def solve(self, problem) -> str:
        """Solve a cvxpy problem; return its status string ('optimal', 'optimal_inaccurate',
        'infeasible', ..., or 'solver_error: <message>')."""
        import warnings

        import cvxpy as cp

        if self.solver == "SCS":
            from certify.extras import require

            require("scs")  # not a core dependency: one line naming the extra
        try:
            with warnings.catch_warnings():
                # "Solution may be inaccurate": recorded as status optimal_inaccurate instead
                warnings.simplefilter("ignore", UserWarning)
                problem.solve(solver=getattr(cp, self.solver), **self.settings)
        except cp.error.SolverError as exc:
            return f"solver_error: {exc}"
        return str(problem.status)

    def record(self, status: str) -> dict:
        """What certificates store about the solve."""
        return {"solver": self.solver, "status": status, "settings": dict(self.settings)}
