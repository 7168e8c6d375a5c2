"""Seed 003, Section 5.3: gradient TD with momentum on the 5-state random walk and Boyan's chain.

Reproduces the shape of the seed's experiment: RMSPBE curves (mean over runs, 10-90% band)
of TD(0), GTD2, TDC, GTD2-M-3TS, TDC-M-3TS, GTD2-M-4TS and TDC-M-4TS on both problems with
the step-size exponents of the seed's Table 1, one figure panel per problem, and a table of
the final RMSPBE.  Beside it, ``certify sa check`` on the same exponents says which
condition the experiments break (they are not square summable, as the seed says).

Reading of Table 1 (a reconstruction: the column heads were lost in conversion): the columns
are the exponents of (alpha, beta) for the vanilla algorithms, of (xi, beta, varrho) on
three timescales and of (xi, xi', varrho, varrho') on four, step_n = 1/(n+1)^exponent, with
xi = alpha/varrho and xi' = beta/varrho' (the only reading under which every step decreases).
The momentum constant w is not in the table; it is ``--w`` (default 1).

The problems here are the toolkit's continuing versions (gamma = 0.9 random walk, continuing
Boyan chain); examples/gtd_momentum_published.py runs the published episodic problems.

Run: python examples/gtd_momentum.py [--runs 100] [--steps 20000] [--w 1] [--out FILE]
     python examples/gtd_momentum.py --quick        (5 runs, 500 steps: what CI runs)
"""

from __future__ import annotations

import argparse
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from certify.algorithms.td import analyze_sa, simulate_td  # noqa: E402
from certify.mdp import load_problem  # noqa: E402

# seed 003, Table 1, as printed: vanilla, three timescales, four timescales
TABLE = {"random-walk-5": ((0.4, 0.4), (0.4, 0.4, 0.5), (0.4, 0.4, 0.5, 0.25)),
         "boyan-chain": ((0.4, 0.4), (0.35, 0.35, 0.45), (0.35, 0.35, 0.45, 0.35))}
ALGOS = ("td0", "gtd2", "tdc", "gtd2-m3", "tdc-m3", "gtd2-m4", "tdc-m4")


def timescale_exponents(algo: str, row: tuple) -> str:
    """The table's exponents in the checker's order (the algorithm's iterates, fastest first)."""
    vanilla, three, four = row
    if algo == "td0":
        ex: tuple = (vanilla[0],)
    elif algo in ("gtd2", "tdc"):
        ex = (vanilla[1], vanilla[0])  # u (beta) is the faster iterate
    elif algo.endswith("-m3"):
        ex = three  # (v: xi, u: beta, theta: varrho)
    else:
        ex = (four[0], four[1], four[3], four[2])  # (v: xi, y: xi', u: varrho', theta: varrho)
    return ",".join(f"{e:g}" for e in ex)


def run(runs: int, steps: int, w: float, out: str, seed: int = 0) -> dict:
    """Simulate every algorithm on both problems; returns {problem: {algo: (ex, verdict, sim)}}."""
    results: dict = {}
    fig, axes = plt.subplots(1, len(TABLE), figsize=(10, 3.8))
    for ax, (prob, row) in zip(axes, TABLE.items(), strict=True):
        p = load_problem(prob)
        results[prob] = {}
        for algo in ALGOS:
            ex = timescale_exponents(algo, row)
            chk = analyze_sa(algo, p, ex, w if algo not in ("td0", "gtd2", "tdc") else 1.0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                sim = simulate_td(algo, p, ex, w, runs=runs, steps=steps, seed=seed)
            results[prob][algo] = (ex, chk, sim)
            ax.plot(sim.times, sim.rmspbe_mean, label=algo)
            ax.fill_between(sim.times, sim.rmspbe_q10, sim.rmspbe_q90, alpha=0.12)
        ax.set_title(f"{prob} ({runs} runs)")
        ax.set_xlabel("step $t$ (samples)")
        ax.set_ylabel("RMSPBE (reward units)")
        lo, hi = ax.get_ylim()
        if lo > 0 and hi > 10 * lo:  # log only across a decade or more
            ax.set_yscale("log")
        ax.xaxis.set_major_locator(plt.MaxNLocator(5))  # 5-digit step labels stay apart
    handles, labels = axes[-1].get_legend_handles_labels()
    fig.tight_layout()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(labels),
               fontsize=8, frameon=False)  # below the panels, off the data
    fig.savefig(out, bbox_inches="tight")
    plt.close(fig)
    return results


def print_table(results: dict) -> None:
    print(f"{'problem':14s} {'algorithm':9s} {'exponents':20s} {'RMSPBE_0':>9s} "
          f"{'RMSPBE_T':>9s} {'diverged':>8s}  check (failing conditions)")
    for prob, rows in results.items():
        for algo, (ex, chk, sim) in rows.items():
            a2 = [f.removeprefix("(A:3) ") for f in chk.failing if f.startswith("(A:3)")]
            fails = "; ".join(a2[:2]) + (f"; +{len(a2) - 2} more" if len(a2) > 2 else "") or "-"
            print(f"{prob:14s} {algo:9s} {ex:20s} {sim.rmspbe_mean[0]:9.4f} "
                  f"{sim.rmspbe_mean[-1]:9.4f} {sim.diverged:8d}  {chk.verdict.value} ({fails})")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.strip().split("\n")[0])
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--steps", type=int, default=20_000)
    ap.add_argument("--w", type=float, default=1.0, help="momentum constant w (default 1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", "-o", default="gtd_momentum.png")
    ap.add_argument("--quick", action="store_true", help="5 runs of 500 steps (CI)")
    a = ap.parse_args(argv)
    runs, steps = (5, 500) if a.quick else (a.runs, a.steps)
    results = run(runs, steps, a.w, a.out, a.seed)
    print_table(results)
    print(f"wrote {a.out}")
    return results


if __name__ == "__main__":
    main()
    sys.exit(0)
