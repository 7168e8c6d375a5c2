"""``certify simulate ALGO ...``: Monte-Carlo trajectories, one sub-command per algorithm.

The algorithms are the ``simulate ALGO`` entries of the command registry
(:data:`certify.commands.REGISTRY`); each names a plug-in module
``certify/cli/simulate_<key>.py``, which defines

``ALGOS: tuple[str, ...]``
    the algorithm names it simulates (each a registry entry ``simulate NAME``);
``register(algos, algo)``
    adds ``certify simulate ALGO`` (a call of :func:`add_plugin`);
``add_arguments(parser, algo)``
    adds its options to the sub-parser of ``algo`` (it may call
    :func:`add_simulation_options` for the shared ``--runs --steps --seed --json --plot``);
``run(args) -> int``
    the handler (``args.algo`` says which algorithm was asked for).
"""

from __future__ import annotations

import argparse
from types import ModuleType

from certify.cli.common import add_json_flag, nonneg_int, positive_int


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


def add_group(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The ``certify simulate`` parser; its algorithms come from the registry."""
    p = sub.add_parser("simulate", help="Monte-Carlo trajectories of an algorithm",
                       description="Simulate independent runs of ALGO and print statistics of "
                                   "the error at recorded times (mean and quantiles), not every "
                                   "trajectory.  Same seed, same trajectories, whatever the "
                                   "batch size.")
    algos = p.add_subparsers(dest="algo", metavar="ALGO")
    algos.required = True
    return algos


def add_plugin(algos: argparse._SubParsersAction, algo: str, mod: ModuleType,
               help: str | None = None) -> None:
    """``certify simulate ALGO`` from the plug-in module ``mod`` (its docstring, as plain
    text, is the description; ``help`` the one-line summary, else its first line)."""
    doc = plain_doc(mod.__doc__)
    ap = algos.add_parser(algo, help=help or _first_line(doc), description=doc)
    mod.add_arguments(ap, algo)
    ap.set_defaults(handler=mod.run)


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().split("\n")[0]


def plain_doc(doc: str | None) -> str:
    """A module docstring as ``--help`` text: without its leading "``certify ... ``: " usage
    line (the usage is printed above it) and with reST's double backquotes made single."""
    import re

    text = re.sub(r"^\s*``certify [^`]*``\s*:\s*", "", doc or "")
    text = text.replace("``", "`")
    return text[:1].upper() + text[1:]
