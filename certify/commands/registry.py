"""One registry of the computations a claim, a sweep cell or a report can name.

Each entry maps a command name to a function ``f(**params) -> dict`` that returns the same
JSON-ready document as ``certify <command> --json`` (with at least a ``verdict`` field).
Claims files (:mod:`certify.claims`) and sweeps (:mod:`certify.sweep`) call commands only
through this table, so there is one place that says what a command takes and returns.

Entries are "module:function" strings, imported on first use, so that registering a
command costs nothing at start-up.  To add a command, add one line to :data:`COMMANDS`.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass

from certify.errors import InvalidInput, UnknownName


@dataclass(frozen=True)
class Command:
    """A named computation: ``target`` is "module:function"."""

    name: str
    target: str
    summary: str

    def function(self) -> Callable[..., dict]:
        mod, fn = self.target.split(":")
        return getattr(importlib.import_module(mod), fn)

    def parameters(self) -> list[str]:
        return list(inspect.signature(self.function()).parameters)

    def required(self) -> list[str]:
        """The parameters without a default value."""
        return [n for n, p in inspect.signature(self.function()).parameters.items()
                if p.default is inspect.Parameter.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    def run(self, **params) -> dict:
        """Call the command; unknown parameter names raise InvalidInput listing valid ones."""
        valid = self.parameters()
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise InvalidInput(f"{self.name}: unknown parameters {unknown}; valid parameters "
                               f"are {valid}")
        return self.function()(**params)


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in [
        Command("qlearning", "certify.algorithms.qlearning.analysis:run_qlearning",
                "direct JSR bracket, row-sum rate, CQLF and bounds for constant-step Q-learning"),
        Command("ntk_check", "certify.algorithms.ntk.analysis:run_ntk_check",
                "NTK Theorem 2: (16), (17), beta(K)"),
        Command("ntk_network", "certify.algorithms.ntk.analysis:run_ntk_network",
                "NTK Theorem 2 for an MLP Q-network"),
        Command("ntk_model", "certify.algorithms.ntk.analysis:run_ntk_model",
                "NTK Theorem 2 for a PyTorch / JAX Q-network (FILE.py:OBJECT)"),
        Command("sweep", "certify.sweep.run:sweep_command",
                "a grid of cells on Dask, one row per cell streamed to a file"),
        Command("pg_tabular", "certify.algorithms.pg.analysis:pg_tabular",
                "soft-optimal policy, Mei's PG rate"),
        Command("pg_meanfield", "certify.algorithms.pg.analysis:pg_meanfield", "mean-field PG margin beta"),
        Command("pg_crossval", "certify.algorithms.pg.analysis:pg_crossval",
                "mean-field PG: W2 and monotone checks"),
        Command("jsr", "certify.cli.jsr:run_jsr", "certified JSR bracket of a matrix family"),
        Command("jsr_gallery", "certify.jsr.gallery:run_gallery_check", "gallery: known JSR reproduced"),
        Command("crossval", "certify.algorithms.qlearning.crossval:run_crossval",
                "Q-learning certificates and bound curves against simulated trajectories"),
        Command("smooth", "certify.algorithms.smooth.analysis:run_smooth",
                "smooth Q-learning: fixed point, sup-norm modulus, p-norm Lyapunov certificate"),
        Command("smooth_crossval", "certify.algorithms.smooth.crossval:run_smooth_crossval",
                "smooth: rate vs ODE"),
        Command("sa_check", "certify.algorithms.td.analysis:run_sa_check",
                "N-timescale SA conditions (A), (B.N.i), (C.N.i) for gradient TD (+momentum)"),
        Command("sa_crossval", "certify.algorithms.td.crossval:run_sa_crossval",
                "gradient TD: check vs runs"),
        Command("stepsize", "certify.algorithms.qlearning.stepsize:run_stepsize",
                "constant step size minimising the certified mean-square bound at K steps"),
        # one line per command; keep the list sorted by issue, not alphabetically
    ]
}


def get_command(name: str) -> Command:
    """The registered command ``name``; UnknownName lists the valid ones.

    Parameters
    ----------
    name : str
        The command's registered name.
    """
    if name not in COMMANDS:
        raise UnknownName(f"unknown command {name!r}; valid commands are {sorted(COMMANDS)}")
    return COMMANDS[name]
