"""Q-learning: asynchronous (i.i.d. or Markovian sampling) or synchronous, with reward noise."""

from __future__ import annotations

import argparse

from certify.cli.common import add_problem_argument, add_sampling_argument, escape, real
from certify.cli.simulate import add_simulation_options

ALGOS: tuple[str, ...] = ("qlearning",)


def register(algos: argparse._SubParsersAction, algo: str) -> None:
    """Add ``certify simulate ALGO`` (called by the command-registry parser builder)."""
    import sys

    from certify.cli.simulate import add_plugin

    add_plugin(algos, algo, sys.modules[__name__])


def add_arguments(p: argparse.ArgumentParser, algo: str) -> None:
    add_problem_argument(p)
    p.add_argument("--alpha", type=real, required=True,
                   help="step size: the constant alpha, or c in alpha_k = c/(k+k0)^e")
    p.add_argument("--k0", type=real, default=1.0, help="k0 of alpha_k = c/(k+k0)^e (default 1)")
    p.add_argument("--exponent", type=real, default=0.0,
                   help="e of alpha_k = c/(k+k0)^e (default 0: constant step)")
    p.add_argument("--mode", choices=("iid", "markov", "sync"), default="iid",
                   help="i.i.d. sampling from d, one Markovian behaviour trajectory, or synchronous")
    add_sampling_argument(p)
    p.add_argument("--noise", type=real, default=0.0, metavar="B",
                   help="bounded reward noise: r + xi, xi uniform on {-B, +B} (default 0)")
    from certify.cli.qlearning import add_q0_argument

    add_q0_argument(p, 0.0)
    add_simulation_options(p, runs=100, steps=10_000)


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.qlearning.simulate import simulate_qlearning
    from certify.cli.common import console, fmt, load_problem_and_sampling, print_json, table
    from certify.cli.qlearning import q0_table
    from certify.simulate.progress import want_progress
    from certify.simulate.schedule import StepSize

    problem, sampling = load_problem_and_sampling(args, positive=args.mode != "sync")
    sim = simulate_qlearning(problem, StepSize(args.alpha, args.k0, args.exponent), sampling,
                             runs=args.runs, steps=args.steps, seed=args.seed, mode=args.mode,
                             noise=args.noise, q0=q0_table(args.q0, problem.mdp),
                             progress=want_progress(args.json))
    if args.plot:
        plot_simulation(sim, args.plot, problem.name)
    if args.json:
        print_json({"algo": "qlearning", "mdp": problem.mdp.summary(), **sim.to_dict()})
        return 0
    st = sim.stats()
    console.print(f"[bold]Q-learning ({sim.mode}) on {escape(problem.name)}[/]: {sim.runs} runs x "
                  f"{sim.steps} steps, alpha_k = {sim.step_size.describe()}, seed {sim.seed}, "
                  f"reward noise {sim.noise:g}")
    pick = sorted(set(list(range(0, st.times.size, max(st.times.size // 12, 1))) + [st.times.size - 1]))
    rows = [[int(st.times[i]), fmt(float(st.mean[i]), 6), fmt(float(st.quantiles[0.05][i]), 6),
             fmt(float(st.quantiles[0.5][i]), 6), fmt(float(st.quantiles[0.95][i]), 6)] for i in pick]
    console.print(table("||Q_k - Q*||_inf across runs", ["k", "mean", "q05", "median", "q95"], rows))
    return 0


def plot_simulation(sim, path: str, name: str, target: str = "Q^*",
                    algorithm: str = "Q-learning") -> None:
    """The runs' relative error against ``target`` (mathtext: the point the errors are
    measured from; smooth Q-learning's is the fixed point of its operator)."""
    from certify.extras import require

    matplotlib = require("matplotlib", "report")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    st = sim.stats(True)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.fill_between(st.times, st.quantiles[0.05], st.quantiles[0.95], alpha=0.2, label="5-95%")
    ax.plot(st.times, st.mean, label=f"mean of {st.runs} runs")
    ax.set_yscale("log")
    ax.set_xlabel("iteration $k$ (samples)")
    note = "" if target == "Q^*" else f"\n(${target}$: the fixed point of the smoothed operator)"
    ax.set_ylabel(rf"$\|Q_k - {target}\|_\infty / \|Q_0 - {target}\|_\infty$" + note)
    ax.set_title(f"{algorithm} on {name}")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))  # 5-digit labels stay apart
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
