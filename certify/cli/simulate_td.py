"""Gradient-TD family (TD(0), emphatic TD(0), GTD, GTD2, TDC, momentum variants): RMSPBE."""

from __future__ import annotations

import argparse

from certify.cli.common import console, escape, fmt, print_json, problem_spec, real, table
from certify.commands.registry import SIMULATE_TD

ALGOS: tuple[str, ...] = SIMULATE_TD
"""The algorithms simulated here: the registry's ``simulate ALGO`` entries (one list)."""

TITLES: dict[str, str] = {
    "td0": "TD(0)", "etd0": "emphatic TD(0)", "gtd": "GTD", "gtd2": "GTD2", "tdc": "TDC",
    "gtd2-m3": "GTD2 with momentum, 3 timescales", "tdc-m3": "TDC with momentum, 3 timescales",
    "gtd2-m4": "GTD2 with momentum, 4 timescales", "tdc-m4": "TDC with momentum, 4 timescales",
    "gtd2-lambda": "GTD2(lambda)", "tdc-lambda": "TDC(lambda)", "gq0": "GQ(0)"}
"""The one-line name of each algorithm in ``certify simulate --help``."""

TIMESCALES: dict[str, int] = {"td0": 1, "etd0": 1, "gtd": 2, "gtd2": 2, "tdc": 2, "gtd2-m3": 3,
                              "tdc-m3": 3, "gtd2-m4": 4, "tdc-m4": 4, "gtd2-lambda": 2,
                              "tdc-lambda": 2, "gq0": 2}
#: run by certify.algorithms.td.simulate_variants (traces / state-action features)
_VARIANTS = ("gtd2-lambda", "tdc-lambda", "gq0")
"""Timescales of each algorithm (``get_algorithm(name).n_timescales``, without importing it)."""
_DEFAULT = {1: "0.6", 2: "0.6,0.8", 3: "0.6,0.7,0.8", 4: "0.6,0.7,0.8,0.9"}


def register(algos: argparse._SubParsersAction, algo: str) -> None:
    """Add ``certify simulate ALGO`` (called by the command-registry parser builder)."""
    import sys

    from certify.cli.simulate import add_plugin

    add_plugin(algos, algo, sys.modules[__name__], help=f"{TITLES[algo]}: RMSPBE of the runs")


def add_arguments(p: argparse.ArgumentParser, algo: str) -> None:
    from certify.cli.simulate import add_simulation_options

    n = TIMESCALES[algo]
    p.add_argument("problem", metavar="PROBLEM", type=problem_spec,
                   help="a file or a built-in name (features needed)")
    p.add_argument("--exponents", default=_DEFAULT[n],
                   help=f"step exponents, one per timescale, fastest first (default {_DEFAULT[n]})")
    p.add_argument("--scales", default=None, help="step constants c_i (default all 1)")
    if algo in _VARIANTS:
        if algo != "gq0":
            p.add_argument("--lam", type=real, required=True, help="trace parameter in [0, 1]")
    else:
        p.add_argument("--w", type=real, default=1.0, help="momentum constant w")
    p.add_argument("--theta0", default=None, help="initial theta, comma-separated (default 0)")
    lam_algo = algo in _VARIANTS and algo != "gq0"
    p.add_argument("--mode", choices=("iid", "markov"), default="markov" if lam_algo else "iid",
                   help="iid: samples from the stationary law (the checker's model, seed 003 "
                        "Assumption 3); markov: one behaviour trajectory per run (default "
                        f"{'markov: the trace follows a trajectory' if lam_algo else 'iid'})")
    p.add_argument("--divergence-factor", type=real, default=1e6,
                   help="a run has diverged once its RMSPBE is non-finite or exceeds this "
                        "multiple of its value at step 0 (default 1e6)")
    add_simulation_options(p, runs=100, steps=20_000)


def _floats(text: str | None, field: str) -> tuple[float, ...] | None:
    from certify.errors import InvalidInput

    if text is None:
        return None
    try:
        return tuple(float(x) for x in text.split(","))
    except ValueError as exc:
        raise InvalidInput(f"{field}: expected comma-separated numbers, found {text!r}") from exc


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from certify.algorithms.td.simulate import simulate_td
    from certify.mdp import load_problem

    problem = load_problem(args.problem, positive_sampling=False)
    scales = _floats(args.scales, "--scales")
    th0 = _floats(args.theta0, "--theta0")
    if args.algo in _VARIANTS:
        from certify.algorithms.td.simulate_variants import simulate_variant

        res = simulate_variant(args.algo, problem, args.exponents, getattr(args, "lam", None),
                               scales, args.runs, args.steps, args.seed, mode=args.mode,
                               theta0=None if th0 is None else np.array(th0),
                               divergence_factor=args.divergence_factor)
    else:
        res = simulate_td(args.algo, problem, args.exponents, args.w, scales, args.runs,
                          args.steps, args.seed, theta0=None if th0 is None else np.array(th0),
                          mode=args.mode, divergence_factor=args.divergence_factor)
    if args.plot:
        _plot(res, args.plot)
    if args.json:
        print_json(res.to_dict())
    else:
        d = res.to_dict()
        idx = np.unique(np.linspace(0, len(res.times) - 1, 8).astype(int))
        console.print(table(f"{args.algo} on {escape(problem.name)}: RMSPBE over {args.runs} runs "
                            f"({args.mode} sampling)",
                            ["step", "mean", "q10", "q90"],
                            [[int(res.times[i]), fmt(res.rmspbe_mean[i], 5),
                              fmt(res.rmspbe_q10[i], 5), fmt(res.rmspbe_q90[i], 5)] for i in idx]))
        console.print(f"||mean theta - theta*|| = {fmt(d['distance_to_theta_star'], 5)}; "
                      f"diverged runs: {res.diverged} ({res.diverged_nonfinite} non-finite, "
                      f"{res.diverged_growth} beyond {res.divergence_factor:g} x the start)")
    return 0


def _plot(res, path: str) -> None:
    from certify.extras import require

    matplotlib = require("matplotlib", "report")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(res.times, res.rmspbe_mean, label=f"{res.algorithm} (mean)")
    ax.fill_between(res.times, res.rmspbe_q10, res.rmspbe_q90, alpha=0.3, label="10-90%")
    ax.set_xlabel("iteration $t$ (samples)")
    ax.set_ylabel("RMSPBE (reward units)")
    lo, hi = min(res.rmspbe_q10), max(res.rmspbe_q90)
    if lo > 0 and hi > 10 * lo:  # a log axis only across a decade or more (else its ticks are 2.5 x 10^0)
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))  # 5-digit labels stay apart
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
