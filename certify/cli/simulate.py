"""``certify simulate ALGO ...``: Monte-Carlo trajectories, one sub-command per algorithm.

The algorithms come from plug-in modules ``certify/cli/simulate_<key>.py`` for ``key`` in
:data:`PLUGIN_KEYS`.  A plug-in defines

``ALGOS: tuple[str, ...]``
    the algorithm names it simulates (each becomes ``certify simulate NAME``);
``add_arguments(parser, algo)``
    adds its options to the sub-parser of ``algo`` (it may call
    :func:`add_simulation_options` for the shared ``--runs --steps --seed --json --plot``);
``run(args) -> int``
    the handler (``args.algo`` says which algorithm was asked for).

A missing plug-in module is skipped; any other import error propagates.
"""

from __future__ import annotations

import argparse
from types import ModuleType

from certify.cli.common import add_json_flag, nonneg_int, positive_int
from certify.cli.plugins import existing_modules

PLUGIN_KEYS: tuple[str, ...] = ("qlearning", "smooth", "td", "pg")


def add_simulation_options(p: argparse.ArgumentParser, runs: int = 100, steps: int = 10_000,
                           seed: int = 0) -> None:
    """The options every simulation shares: ``--runs --steps --seed --json --plot``.

    ``--runs`` and ``--steps`` must be integers >= 1 and ``--seed`` an integer >= 0; argparse
    rejects anything else with exit code 2.
    """
    p.add_argument("--runs", type=positive_int, default=runs,
                   help=f"number of independent runs (default {runs})")
    p.add_argument("--steps", type=positive_int, default=steps,
                   help=f"number of steps per run (default {steps})")
    p.add_argument("--seed", type=nonneg_int, default=seed,
                   help=f"integer seed >= 0; run r uses stream r of it (default {seed})")
    add_json_flag(p)
    p.add_argument("--plot", metavar="FILE", default=None,
                   help="write a figure of the error statistics to FILE (.png, .pdf, .svg)")


def plugin_modules() -> list[ModuleType]:
    """The simulate plug-ins that exist, in :data:`PLUGIN_KEYS` order."""
    return existing_modules([f"{__package__}.simulate_{key}" for key in PLUGIN_KEYS])


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("simulate", help="Monte-Carlo trajectories of an algorithm",
                       description="Simulate independent runs of ALGO and print statistics of "
                                   "the error at recorded times (mean and quantiles), not every "
                                   "trajectory.  Same seed, same trajectories, whatever the "
                                   "batch size.")
    algos = p.add_subparsers(dest="algo", metavar="ALGO")
    algos.required = True
    for mod in plugin_modules():
        for algo in mod.ALGOS:
            ap = algos.add_parser(algo, help=_first_line(mod.__doc__),
                                  description=mod.__doc__)
            mod.add_arguments(ap, algo)
            ap.set_defaults(handler=mod.run)


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().split("\n")[0]
