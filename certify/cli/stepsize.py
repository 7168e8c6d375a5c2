"""``certify stepsize MDP --steps K [--noise B] [--target EPS] [--plot FILE]``: the constant
step size that minimises the certified mean-square bound at budget K."""

from __future__ import annotations

import argparse
from pathlib import Path

from certify.cli.common import (
    add_json_flag,
    add_problem_argument,
    add_sampling_argument,
    console,
    emit,
    nonneg_int,
    positive_int,
    real,
    table,
)
from certify.errors import InvalidInput
from certify.exact.printing import fmt_upper


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stepsize", help="the step size with the smallest certified bound at K steps",
                       description="Search the constant step size alpha that minimises the "
                                   "certified bound on sqrt(E||Q_K - Q*||_inf^2) (i.i.d. "
                                   "sampling, reward noise +-B); with --target, the certified "
                                   "number of steps to reach it; published rates beside ours.")
    add_problem_argument(p)
    p.add_argument("--steps", type=positive_int, required=True, metavar="K",
                   help="the step budget K at which the bound is minimised")
    p.add_argument("--noise", type=real, default=0.0, metavar="B",
                   help="bounded reward noise: r + xi, xi uniform on {-B, +B} (default 0)")
    p.add_argument("--target", type=real, default=None, metavar="EPS",
                   help="accuracy eps for sqrt(E||Q_k - Q*||_inf^2)")
    p.add_argument("--plot", type=Path, default=None, metavar="FILE",
                   help="draw bound versus alpha beside the simulated error at a few alphas")
    p.add_argument("--diminishing", action="store_true",
                   help="also search alpha_k = c/(k + k0) (small MDPs: the exact LMI route)")
    p.add_argument("--runs", type=positive_int, default=100,
                   help="runs per simulated alpha, with --plot (default 100)")
    p.add_argument("--seed", type=nonneg_int, default=0,
                   help="integer seed >= 0 of the simulated runs (default 0)")
    add_sampling_argument(p)
    add_json_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.qlearning.stepsize import best_step_size
    from certify.cli.common import load_problem_and_sampling
    from certify.mdp.sampling import uniform_sampling

    if args.noise < 0:
        raise InvalidInput(f"--noise {args.noise:g}: expected a number >= 0")
    if args.target is not None and args.target <= 0:
        raise InvalidInput(f"--target {args.target:g}: expected a number > 0")
    problem, sampling = load_problem_and_sampling(args)
    sampling = sampling or problem.sampling or uniform_sampling(problem.mdp)
    res = best_step_size(problem.mdp, sampling, args.steps, args.noise, args.target,
                         diminishing=args.diminishing)
    doc = res.to_dict()
    if args.plot is not None:
        doc["simulated"] = plot_stepsize(problem, sampling, res, args.plot, args.runs, args.seed)
    verdict = "certified" if res.best.verdict == "certified" else "inconclusive"
    return emit(doc, lambda: render(res, doc), args.json, [verdict])


def plot_stepsize(problem, sampling, res, path: Path, runs: int, seed: int) -> list[dict]:
    """Bound versus alpha, with the simulated root-mean-square and mean error at 4 alphas
    (and, with ``--target``, the target accuracy as a horizontal line)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from certify.algorithms.qlearning.simulate import simulate_qlearning

    ev = sorted(res.evaluated)
    al = [a for a, _ in ev]
    picks = sorted({al[0], res.best.alpha, al[len(al) // 2], al[-1]})
    sims = []
    for a in picks:
        s = simulate_qlearning(problem, a, sampling, runs=runs, steps=res.steps, seed=seed,
                               noise=res.noise, times=np.array([0, res.steps]))
        e = s.errors[:, -1]
        sims.append({"alpha": a, "mean": float(e.mean()), "rms": float(np.sqrt((e**2).mean())),
                     "runs": runs})
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.loglog(al, [b for _, b in ev], "o-", label=r"certified bound on $\sqrt{E\,\|e_K\|_\infty^2}$")
    ax.loglog([s["alpha"] for s in sims], [s["rms"] for s in sims], "s", label="simulated RMS")
    ax.loglog([s["alpha"] for s in sims], [s["mean"] for s in sims], "x", label="simulated mean")
    ax.axhline(res.best.trivial, color="grey", ls=":", label=r"trivial bound $2\bar q$")
    if res.target is not None:  # --target: the accuracy the bound is compared with
        ax.axhline(res.target, color="tab:red", ls="--", label=rf"target $\varepsilon = {res.target:g}$")
    ax.set_xlabel(r"constant step size $\alpha$")
    ax.set_ylabel(rf"$\|Q_K - Q^*\|_\infty$ at $K = {res.steps}$ (reward units)")
    # below the axes, off the curve and the points
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return sims


def render(res, doc: dict) -> None:
    b = res.best
    from certify.cli.qlearning import mean_square_line

    kind = "Markovian" if b.sampling == "markov" else "i.i.d."
    console.print(f"[bold]best constant step at K = {res.steps}[/] (reward noise +-{res.noise:g}, "
                  f"{kind} sampling): alpha = {b.alpha:.4g}; {mean_square_line(b)}")
    rows = [[f"{a:.4g}", fmt_upper(v, 4)] for a, v in res.evaluated]  # bounds rounded up
    console.print(table("Certified bound versus alpha", ["alpha", "bound"], rows))
    if res.target is not None:
        if res.steps_to_target is None:
            console.print(f"target {res.target:g}: no certificate reaches it (inconclusive)")
        else:
            console.print(f"target {res.target:g}: certified after {res.steps_to_target} steps "
                          f"(alpha = {res.alpha_for_target:.4g})")
    if res.diminishing is not None:
        dm = res.diminishing
        console.print(f"best diminishing schedule alpha_k = {dm['c']:g}/(k + {dm['k0']:g}): "
                      f"certified sqrt(E||Q_K - Q*||_inf^2) <= {fmt_upper(dm['bound'], 4)}")
    lit = [[o["reference"], o["order"],
            "-" if o["steps_order_c1"] is None else f"{o['steps_order_c1']:.3g}",
            o.get("constants", "")]
           for o in res.literature]
    console.print(table(f"Published rates (order only, constants set to 1, eps = "
                        f"{res.literature[0]['eps']:g}; not certified)",
                        ["reference", "order", "steps (c = 1)", "the paper's constants"], lit))
    for s in doc.get("simulated", []):
        console.print(f"simulated at alpha {s['alpha']:.4g}: mean {s['mean']:.4g}, "
                      f"RMS {s['rms']:.4g} ({s['runs']} runs)")
