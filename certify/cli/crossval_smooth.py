"""``certify crossval smooth MDP --operator OP --temperature T``: certificates vs trajectories."""

from __future__ import annotations

import argparse

from .common import add_json_flag, console, exit_code, nonneg_int, positive_int, print_json, real, table

KEY = "smooth"


def build_parser() -> argparse.ArgumentParser:
    from .smooth import add_smooth_arguments

    p = argparse.ArgumentParser(prog="certify crossval smooth",
                                description="Hold the smooth Q-learning certificates (p-norm decay, "
                                            "Boltzmann invariant set) against ODE and stochastic "
                                            "trajectories.")
    add_smooth_arguments(p)
    p.add_argument("--alpha", type=real, default=0.1, help="step size of the stochastic runs")
    p.add_argument("--runs", type=nonneg_int, default=50, help="stochastic runs (0: ODE only)")
    p.add_argument("--steps", type=positive_int, default=5000, help="steps per stochastic run")
    p.add_argument("--seed", type=nonneg_int, default=0)
    add_json_flag(p)
    return p


def run(args: argparse.Namespace) -> int:
    from ..smooth.crossval import crossval_smooth
    from .smooth import analyze_from_args

    res = analyze_from_args(args)
    cv = crossval_smooth(res, args.alpha, args.runs, args.steps, args.seed)
    if args.json:
        print_json({"analysis": res.to_dict(), "crossval": cv.to_dict(), "verdict": cv.verdict.value})
    else:
        console.print(table(f"crossval smooth ({res.operator})", ["check", "verdict"],
                            [[c["check"], c["verdict"]] for c in cv.checks]))
    return exit_code([cv.verdict])
