"""Stochastic smooth Q-learning with constant step size (lse, mellowmax, boltzmann, soft, max)."""

from __future__ import annotations

import argparse

from .common import console, fmt, print_json, real, table

ALGOS: tuple[str, ...] = ("smooth-qlearning",)


def add_arguments(parser: argparse.ArgumentParser, algo: str) -> None:
    from .simulate import add_simulation_options
    from .smooth import add_smooth_arguments

    add_smooth_arguments(parser)
    parser.add_argument("--alpha", type=real, required=True, help="constant step size in (0, 1]")
    add_simulation_options(parser)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ..mdp.bellman import check_operator, q_star, smooth_fixed_point, smooth_max
    from ..smooth.ode import simulate_stochastic
    from .common import load_problem_and_sampling

    problem, sampling = load_problem_and_sampling(args)
    mdp = problem.mdp
    check_operator(args.operator)
    if args.operator != "max":
        smooth_max(np.zeros(1), args.operator, args.temperature)
    target = (q_star(mdp)[0] if args.operator == "boltzmann" else
              smooth_fixed_point(mdp, args.operator, args.temperature))
    runs = simulate_stochastic(mdp, sampling.d, args.operator, args.temperature, args.alpha,
                               target, np.zeros_like(target), args.runs, args.steps, args.seed)
    doc = {"algo": "smooth-qlearning", "operator": args.operator, "temperature": args.temperature,
           "alpha": args.alpha, "runs": args.runs, "steps": args.steps, "seed": args.seed,
           "target": "Q*" if args.operator == "boltzmann" else "fixed point of F_h",
           "errors": runs.summary()}
    if args.plot:
        _plot(runs, args.plot)
    if args.json:
        print_json(doc)
    else:
        s = runs.summary()
        idx = np.unique(np.linspace(0, len(s["steps"]) - 1, 8).astype(int))
        console.print(table(f"smooth Q-learning ({args.operator}), ||Q_k - target||_inf",
                            ["step", "mean", "q10", "q90"],
                            [[s["steps"][i], fmt(s["mean"][i], 6), fmt(s["q10"][i], 6),
                              fmt(s["q90"][i], 6)] for i in idx]))
    return 0


def _plot(runs, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = runs.summary()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.semilogy(s["steps"], s["mean"], label="mean")
    ax.fill_between(s["steps"], s["q10"], s["q90"], alpha=0.3, label="10-90%")
    ax.set_xlabel("step")
    ax.set_ylabel("sup-norm error")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
