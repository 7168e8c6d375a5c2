"""The ``certify`` command: parse, call the Python API, render.  No logic of its own.

Each sub-command lives in its own module under ``certify/cli/`` and exposes
``register(subparsers)``; :data:`COMMAND_MODULES` lists them in ``--help`` order.

Exit codes: 0 ran and every asked-for check certified; 1 a check refuted or inconclusive
(including a numerical solver that failed: SolverError); 2 bad input or usage, or a missing
TeX engine (a one-line message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

from certify.cli.plugins import existing_modules
from certify.errors import CertifyError, SolverError, TeXNotFound

COMMAND_MODULES: tuple[str, ...] = (
    "qlearning",
    "stepsize",
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
    parser = argparse.ArgumentParser(
        prog="certify",
        description="Certified convergence theory for reinforcement-learning algorithms.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show program's version number and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for mod in existing_modules([f"{__name__}.{name}" for name in COMMAND_MODULES]):
        mod.register(sub)
    return parser


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
    parser = build_parser()
    args = parser.parse_args(argv)
    serial_blas()
    try:
        from certify.cli.common import check_output_options

        check_output_options(args)
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            code = args.handler(args)
    except SolverError as exc:
        if isinstance(exc, TeXNotFound):  # the environment lacks a tool the user asked for
            print(f"certify {args.command}: error: {exc}", file=sys.stderr)
            return 2
        # a numerical method failed: the asked-for check is inconclusive, not bad input
        print(f"certify {args.command}: inconclusive: {exc}", file=sys.stderr)
        return 1
    except CertifyError as exc:
        print(f"certify {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # a nested parser (plug-in forms) reporting usage or --help
        return exc.code if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
