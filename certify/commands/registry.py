"""The one registry of commands: the command line, claims files and sweeps all read it.

Each :class:`Command` has one canonical name, spelled as on the command line (``"sa check"``
is ``certify sa check``), and knows

* ``target``: its API function, "module:function" returning the JSON-ready document of
  ``certify <name> --json`` (with at least a ``verdict`` field); claims files
  (:mod:`certify.claims`) and sweeps (:mod:`certify.sweep`) call commands only through it.
  None for a command that only the command line has (``report``, ``verify``, ...);
* ``cli``: the "module:function" of :mod:`certify.cli` that adds its parser (its options)
  and whose handler renders its output.  :func:`certify.cli.build_parser` iterates over
  :data:`REGISTRY` in order; a two-word name is a sub-command of the group named by its
  first word, whose own parser is added by :data:`GROUPS`.  None for an API-only entry;
* ``aliases``: older names (``sa_check``) that claims files and sweeps still accept.

Everything here is a string, imported on first use: reading the registry imports neither
the command line nor numpy, so that ``certify --help`` starts fast.  To add a command, add
one line to :data:`REGISTRY`.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from certify.errors import InvalidInput, UnknownName


def load(target: str) -> Any:
    """The object named by a "module:attribute" string (imported now)."""
    mod, _, attr = target.partition(":")
    return getattr(importlib.import_module(mod), attr)


@dataclass(frozen=True)
class Command:
    """A named command: ``target`` is its API "module:function", ``cli`` its parser's."""

    name: str
    target: str | None
    summary: str
    cli: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def group(self) -> str | None:
        """The first word of a two-word name (the CLI group), else None."""
        head, _, rest = self.name.partition(" ")
        return head if rest else None

    @property
    def leaf(self) -> str:
        """The last word of the name (the sub-command inside its group)."""
        return self.name.rpartition(" ")[2]

    def function(self) -> Callable[..., dict]:
        if self.target is None:
            raise InvalidInput(f"{self.name}: a command-line command with no API function; "
                               f"run `certify {self.name}` instead")
        return load(self.target)

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
            from certify.errors import did_you_mean

            hint = "".join(did_you_mean(u, valid) for u in unknown)
            raise InvalidInput(f"{self.name}: unknown parameters {unknown}{hint}; valid parameters "
                               f"are {valid}")
        return self.function()(**params)


_C = Command
SIMULATE_TD: tuple[str, ...] = ("td0", "etd0", "gtd", "gtd2", "tdc", "gtd2-m3", "tdc-m3",
                                "gtd2-m4", "tdc-m4", "gtd2-lambda", "tdc-lambda", "gq0")
"""The algorithms ``certify/cli/simulate_td.py`` runs (its ``ALGOS``), listed once here."""
_QL = "certify.algorithms.qlearning"
_SIM = "Monte-Carlo trajectories of "

REGISTRY: tuple[Command, ...] = (
    # in `certify --help` order; a group's sub-commands follow its first one
    _C("qlearning", f"{_QL}.analysis:run_qlearning",
       "direct JSR bracket, row-sum rate, CQLF and bounds for constant-step Q-learning",
       "certify.cli.qlearning:register"),
    _C("stepsize", f"{_QL}.stepsize:run_stepsize",
       "constant step size minimising the certified mean-square bound at K steps",
       "certify.cli.stepsize:register"),
    _C("jsr", "certify.jsr.commands:run_jsr", "certified JSR bracket of a matrix family",
       "certify.cli.jsr:register"),
    _C("simulate qlearning", None, _SIM + "constant-step Q-learning",
       "certify.cli.simulate_qlearning:register"),
    _C("simulate smooth-qlearning", None, _SIM + "smooth Q-learning",
       "certify.cli.simulate_smooth:register"),
    *(_C(f"simulate {algo}", None, _SIM + algo, "certify.cli.simulate_td:register")
      for algo in SIMULATE_TD),
    _C("simulate pg", None, _SIM + "mean-field policy gradient", "certify.cli.simulate_pg:register"),
    _C("crossval", f"{_QL}.crossval:run_crossval",
       "Q-learning certificates and bound curves against simulated trajectories",
       "certify.cli.crossval:register"),
    _C("crossval sa", "certify.algorithms.td.crossval:run_sa_crossval",
       "gradient TD: check vs runs", "certify.cli.crossval_sa:build_parser", ("sa_crossval",)),
    _C("crossval pg", "certify.algorithms.pg.analysis:run_pg_crossval",
       "mean-field PG: W2 and monotone checks", "certify.cli.crossval_pg:build_parser",
       ("pg_crossval",)),
    _C("crossval smooth", "certify.algorithms.smooth.crossval:run_smooth_crossval",
       "smooth: rate vs ODE", "certify.cli.crossval_smooth:build_parser", ("smooth_crossval",)),
    _C("smooth", "certify.algorithms.smooth.analysis:run_smooth",
       "smooth Q-learning: fixed point, sup-norm modulus, p-norm Lyapunov certificate",
       "certify.cli.smooth:register"),
    _C("ntk check", "certify.algorithms.ntk.analysis:run_ntk_check",
       "NTK Theorem 2: (16), (17), beta(K)", "certify.cli.ntk:register_check", ("ntk_check",)),
    _C("ntk network", "certify.algorithms.ntk.analysis:run_ntk_network",
       "NTK Theorem 2 for an MLP Q-network", "certify.cli.ntk:register_network",
       ("ntk_network",)),
    _C("ntk sweep", None, "kernel statistics and Theorem 2 over architectures",
       "certify.cli.ntk:register_sweep"),
    _C("ntk model", "certify.algorithms.ntk.analysis:run_ntk_model",
       "NTK Theorem 2 for a PyTorch / JAX Q-network (FILE.py:OBJECT)",
       "certify.cli.ntk_model:register_model", ("ntk_model",)),
    _C("sa check", "certify.algorithms.td.analysis:run_sa_check",
       "N-timescale SA conditions (A), (B.N.i), (C.N.i) for gradient TD (+momentum)",
       "certify.cli.sa:register_check", ("sa_check",)),
    _C("pg tabular", "certify.algorithms.pg.analysis:run_pg_tabular",
       "soft-optimal policy, Mei's PG rate", "certify.cli.pg:register_tabular", ("pg_tabular",)),
    _C("pg meanfield", "certify.algorithms.pg.analysis:run_pg_meanfield", "mean-field PG margin beta",
       "certify.cli.pg:register_meanfield", ("pg_meanfield",)),
    _C("report", None, "LaTeX/PDF report of certified bounds or of a claims file",
       "certify.cli.report:register"),
    _C("check", None, "check the claims of a claims file", "certify.cli.check:register"),
    _C("sweep", "certify.sweep.run:sweep_command",
       "a grid of cells on Dask, one row per cell streamed to a file",
       "certify.cli.sweep:register"),
    _C("examples", None, "list the built-in problem instances",
       "certify.cli.problems:register_examples"),
    _C("show", None, "print one problem instance", "certify.cli.problems:register_show"),
    _C("verify", None, "re-check saved certificates exactly", "certify.cli.verify:register"),
    # API only: no command-line spelling of its own (the gallery is checked by tests)
    _C("gallery", "certify.jsr.gallery:run_gallery_check", "gallery: known JSR reproduced",
       None, ("jsr_gallery",)),
)
"""Every command, once, under its canonical name."""

GROUPS: dict[str, str | None] = {
    "simulate": "certify.cli.simulate:add_group",
    "crossval": None,
    "ntk": "certify.cli.ntk:add_group",
    "sa": "certify.cli.sa:add_group",
    "pg": "certify.cli.pg:add_group",
}
"""Per group, the "module:function" adding its parser and returning its sub-parsers; None
for a group routed by its own command's parser (``certify crossval KEY ...`` hands the rest
of the line to the parser that ``crossval KEY``'s ``cli`` builds)."""

class CommandTable(dict[str, Command]):
    """The commands that claims files and sweeps can name: canonical name -> :class:`Command`.

    A plain dict (``certify.COMMANDS["qlearning"]``, ``sorted(certify.COMMANDS)``), holding
    the entries of :data:`REGISTRY` that have an API function (``target``).  Each value knows

    * ``target``: the "module:function" returning the document of ``certify NAME --json``
      (``Command.function()`` imports it; ``Command.parameters()`` lists its arguments);
    * ``summary``: one line on what the command checks;
    * ``aliases``: older names still accepted (:func:`get_command` resolves them).

    Look a name up with :func:`get_command` (aliases too, and an :class:`UnknownName` that
    suggests close names).  The commands are:
    """

    __slots__ = ()


COMMANDS: CommandTable = CommandTable((c.name, c) for c in REGISTRY if c.target is not None)
"""The commands with an API function (what a claim or a sweep cell can name), by name."""
CommandTable.__doc__ = (CommandTable.__doc__ or "") + "".join(
    f"\n    * ``{c.name}``: {c.summary}" for c in COMMANDS.values()) + "\n"

ALIASES: dict[str, str] = {a: c.name for c in REGISTRY for a in c.aliases}
"""Older names still accepted by claims files and sweeps -> canonical name."""


def canonical_name(name: str) -> str:
    """The canonical name of ``name`` (itself unless it is an alias)."""
    return ALIASES.get(name, name)


def is_command(name: str) -> bool:
    """Whether ``name`` (canonical or alias) names a command with an API function."""
    return canonical_name(name) in COMMANDS


def group_commands(group: str) -> list[Command]:
    """The registered sub-commands of ``group``, in registry order."""
    return [c for c in REGISTRY if c.group == group]


def get_command(name: str) -> Command:
    """The registered command ``name`` (canonical or alias); UnknownName lists the valid ones.

    Parameters
    ----------
    name : str
        The command's canonical name (``"sa check"``) or an alias (``"sa_check"``).
    """
    key = canonical_name(name)
    if key not in COMMANDS:
        from certify.errors import did_you_mean

        raise UnknownName(f"unknown command {name!r}{did_you_mean(name, list(COMMANDS) + list(ALIASES))}; "
                          f"valid commands are {sorted(COMMANDS)}")
    return COMMANDS[key]
