"""Stochastic smooth Q-learning (lse, mellowmax, boltzmann, soft, max) on the shared simulator."""

from __future__ import annotations

import argparse

from certify.cli.common import escape, real

ALGOS: tuple[str, ...] = ("smooth-qlearning",)


def register(algos: argparse._SubParsersAction, algo: str) -> None:
    """Add ``certify simulate ALGO`` (called by the command-registry parser builder)."""
    import sys

    from certify.cli.simulate import add_plugin

    add_plugin(algos, algo, sys.modules[__name__])


def add_arguments(parser: argparse.ArgumentParser, algo: str) -> None:
    from certify.cli.simulate import add_simulation_options
    from certify.cli.smooth import add_smooth_arguments

    add_smooth_arguments(parser)
    parser.add_argument("--alpha", type=real, required=True, help="constant step size in (0, 1]")
    parser.add_argument("--mode", choices=("iid", "markov", "sync"), default="iid",
                        help="i.i.d. sampling from d, one Markovian behaviour trajectory, or "
                             "synchronous (default iid)")
    parser.add_argument("--noise", type=real, default=0.0, metavar="B",
                        help="bounded reward noise: r + xi, xi uniform on {-B, +B} (default 0)")
    parser.add_argument("--q0", type=real, default=0.0, metavar="NUMBER",
                        help="initial Q-value of every pair, one number (default 0)")
    add_simulation_options(parser)


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.qlearning.simulate import simulate_qlearning
    from certify.cli.common import console, fmt, load_problem_and_sampling, print_json, table
    from certify.cli.simulate_qlearning import plot_simulation
    from certify.simulate.progress import want_progress

    problem, sampling = load_problem_and_sampling(args, positive=args.mode != "sync")
    temperature = None if args.operator == "max" else args.temperature
    sim = simulate_qlearning(problem, args.alpha, sampling, runs=args.runs, steps=args.steps,
                             seed=args.seed, mode=args.mode, noise=args.noise, q0=args.q0,
                             operator=args.operator, temperature=temperature,
                             progress=want_progress(args.json))
    target = "Q*" if args.operator in ("max", "boltzmann") else "fixed point of F_h"
    if args.plot:
        plot_simulation(sim, args.plot, f"{problem.name} ({args.operator})",
                        "Q^*" if target == "Q*" else "Q_h", "smooth Q-learning")
    if args.json:
        print_json({"algo": "smooth-qlearning", "mdp": problem.mdp.summary(), "alpha": args.alpha,
                    "target": target, **sim.to_dict(), "errors": sim.stats().to_dict()})
        return 0
    st = sim.stats()
    console.print(f"[bold]smooth Q-learning ({args.operator}, temperature {temperature}, "
                  f"{sim.mode}) on {escape(problem.name)}[/]: {sim.runs} runs x {sim.steps} steps, "
                  f"alpha = {args.alpha:g}, seed {sim.seed}; errors against {target}")
    pick = sorted(set(range(0, st.times.size, max(st.times.size // 12, 1))) | {st.times.size - 1})
    rows = [[int(st.times[i]), fmt(float(st.mean[i]), 6), fmt(float(st.quantiles[0.05][i]), 6),
             fmt(float(st.quantiles[0.5][i]), 6), fmt(float(st.quantiles[0.95][i]), 6)] for i in pick]
    console.print(table(f"||Q_k - {target}||_inf across runs", ["k", "mean", "q05", "median", "q95"],
                        rows))
    return 0
