"""The ``certify`` command: parse, call the Python API, render.  No logic of its own.

The sub-commands are those of the one command registry, :data:`certify.commands.REGISTRY`
(in ``--help`` order): each entry names the function of a module under ``certify/cli/`` that
adds its parser; a two-word command (``sa check``) goes under its group's parser.

Exit codes: 0 ran and every asked-for check certified; 1 a check refuted or inconclusive
(including a numerical solver that failed: SolverError); 2 bad input or usage, or a missing
TeX engine (a one-line message on stderr, no traceback); 3 an internal error (a bug: one
line naming a crash log); 130 / 143 interrupted / terminated (see :mod:`certify.cli.outcome`).
"""

from __future__ import annotations

import argparse
import os
import sys

from certify.cli.outcome import OneLineParser


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="certify",
        description="Certified convergence theory for reinforcement-learning algorithms.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show program's version number and exit")
    parser.add_argument("--debug", action="store_true",
                        help="print the traceback of an internal error (exit code 3); also "
                             "CERTIFY_DEBUG=1; may be given anywhere on the command line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    add_registered_commands(sub)
    return parser


def add_registered_commands(sub: argparse._SubParsersAction) -> None:
    """Add a parser for every command of the registry that has one, in registry order.

    A one-word command's ``cli`` function is called with ``sub``; a command ``GROUP LEAF``
    is added with ``cli(group_subparsers, LEAF)`` to the sub-parsers that the group's
    function (:data:`certify.commands.GROUPS`) returns the first time the group is met.  A
    group whose function is None routes its sub-commands itself (``crossval KEY``).
    """
    from certify.commands.registry import GROUPS, REGISTRY, load

    groups: dict[str, argparse._SubParsersAction | None] = {}
    for cmd in REGISTRY:
        if cmd.cli is None:
            continue
        if cmd.group is None:
            load(cmd.cli)(sub)
            continue
        if cmd.group not in groups:
            maker = GROUPS[cmd.group]
            groups[cmd.group] = load(maker)(sub) if maker is not None else None
        if groups[cmd.group] is not None:
            load(cmd.cli)(groups[cmd.group], cmd.leaf)


class _VersionAction(argparse.Action):
    """``--version``, looking the installed version up only when asked (not at every start)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.exit(message=f"{_version()}\n")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("certify")
    except PackageNotFoundError:
        return "unknown"


BLAS_THREAD_VARIABLES: tuple[str, ...] = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                          "MKL_NUM_THREADS")


def serial_blas() -> None:
    """Run BLAS single-threaded unless the environment already says how many threads to use.

    The commands' linear algebra is memory-bound matrix-vector work (Krylov solves, sparse
    products), where BLAS threads gain little and, on a machine shared with other jobs,
    busy-wait: ``certify qlearning garnet:20000:5:5:0`` used 7x the CPU time with the
    default threads on 2 shared cores (benchmarks/bench_qlearning_scale.py).  The variables
    are read when numpy is first imported, which parsing does not do; in a process that
    has already imported numpy this changes nothing.
    """
    if "numpy" not in sys.modules:
        for var in BLAS_THREAD_VARIABLES:
            os.environ.setdefault(var, "1")


def main(argv: list[str] | None = None) -> int:
    """Run ``certify ARGV``; the exit code (see :mod:`certify.cli.outcome`)."""
    from certify.cli.outcome import run_command

    return run_command(build_parser(), argv, _dispatch)


def _dispatch(args: argparse.Namespace) -> int | None:
    from certify.cli.common import check_output_options

    serial_blas()
    check_output_options(args)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
