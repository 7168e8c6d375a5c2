"""The ``certify`` command: parse, call the Python API, render.  No logic of its own.

Each sub-command lives in its own module under ``certify/cli/`` and exposes
``register(subparsers)``; :data:`COMMAND_MODULES` lists them in ``--help`` order.

Exit codes: 0 ran and every asked-for check certified; 1 a check refuted or inconclusive
(including a numerical solver that failed: SolverError); 2 bad input or usage, or a missing
TeX engine (a one-line message on stderr, no traceback); 3 an internal error (a bug: one
line naming a crash log); 130 / 143 interrupted / terminated (see :mod:`certify.cli.outcome`).
"""

from __future__ import annotations

import argparse
import sys

from .outcome import OneLineParser
from .plugins import existing_modules

COMMAND_MODULES: tuple[str, ...] = (
    "qlearning",
    "jsr",
    "simulate",
    "crossval",
    "smooth",
    "ntk",
    "sa",
    "pg",
    "report",
    "check",
    "sweep",
    "problems",
    "verify",
)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="certify",
        description="Certified convergence theory for reinforcement-learning algorithms.",
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--debug", action="store_true",
                        help="print the traceback of an internal error (exit code 3); also "
                             "CERTIFY_DEBUG=1; may be given anywhere on the command line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for mod in existing_modules([f"{__name__}.{name}" for name in COMMAND_MODULES]):
        mod.register(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("certify")
    except PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Run ``certify ARGV``; the exit code (see :mod:`certify.cli.outcome`)."""
    from .outcome import run_command

    return run_command(build_parser(), argv, _dispatch)


def _dispatch(args: argparse.Namespace) -> int | None:
    from .common import check_output_options

    check_output_options(args)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
