"""``certify crossval smooth MDP --operator OP --temperature T``: certificates vs trajectories."""

from __future__ import annotations

import argparse

from certify.cli.common import (
    add_json_flag,
    console,
    evidence_exit_code,
    fmt,
    nonneg_int,
    positive_int,
    print_json,
    real,
    table,
    verdict_text,
)
from certify.cli.outcome import OneLineParser
from certify.errors import InvalidInput

KEY = "smooth"


def build_parser() -> argparse.ArgumentParser:
    from certify.cli.smooth import add_smooth_arguments

    p = OneLineParser(prog="certify crossval smooth",
                                description="Hold the smooth Q-learning certificates (p-norm decay, "
                                            "Boltzmann invariant set) against ODE and stochastic "
                                            "trajectories.")
    add_smooth_arguments(p)
    p.add_argument("--alpha", type=real, default=0.1, help="step size of the stochastic runs")
    p.add_argument("--runs", type=nonneg_int, default=50, help="stochastic runs (0: ODE only)")
    p.add_argument("--steps", type=positive_int, default=5000, help="steps per stochastic run")
    p.add_argument("--seed", type=nonneg_int, default=0,
                   help="integer seed >= 0 of the simulated runs (default 0)")
    p.add_argument("--starts", type=nonneg_int, default=2,
                   help="random starting directions besides the four adversarial ones")
    p.add_argument("--rate", type=real, default=None,
                   help="decay rate c to test instead of the certified one (dV/dt <= -c V)")
    add_json_flag(p)
    return p


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.smooth.crossval import crossval_smooth
    from certify.cli.smooth import analyze_from_args

    res = analyze_from_args(args)
    if args.rate is not None and not args.rate > 0:
        raise InvalidInput(f"--rate = {args.rate!r}; expected a decay rate > 0")
    cv = crossval_smooth(res, args.alpha, args.runs, args.steps, args.seed, starts=args.starts,
                         rate=args.rate)
    if args.json:
        print_json({"analysis": res.to_dict(), "crossval": cv.to_dict(), "verdict": cv.verdict.value})
    else:
        console.print(table(f"crossval smooth ({res.operator})",
                            ["check", "claimed rate", "observed rate", "verdict"],
                            [[c["check"], fmt(c.get("claimed_rate"), 6), fmt(c.get("observed_rate"), 6),
                              verdict_text(c["verdict"])] for c in cv.checks]))
    return evidence_exit_code(cv.verdict)
