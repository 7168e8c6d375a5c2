"""Seed 003, Section 5: gradient TD with momentum on the random walk and Boyan's chain.

Checks the N-timescale conditions for the paper's experiment exponents (refuted: not square
summable) and for square-summable ones (certified), then plots RMSPBE curves (Agg backend).
Run: python examples/gtd_momentum.py [out.png]
"""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from certify.mdp import load_problem  # noqa: E402
from certify.td import check_sa, simulate_td  # noqa: E402

CASES = [("gtd2-m3", "boyan-chain", "0.35,0.35,0.45", 0.1),
         ("tdc-m4", "random-walk-5", "0.6,0.7,0.8,0.9", 1.0)]


def main(out: str = "gtd_momentum.png") -> None:
    for algo, prob, ex, w in CASES:
        res = check_sa(algo, load_problem(prob), ex, w)
        print(f"{algo} on {prob}, exponents {ex}, w = {w}: {res.verdict.value}; failing: "
              f"{', '.join(res.failing) or 'none'}")
    fig, ax = plt.subplots(figsize=(5, 3.5))
    p = load_problem("random-walk-5")
    for algo, ex in (("gtd2", "0.4,0.5"), ("gtd2-m3", "0.4,0.45,0.5"), ("tdc", "0.4,0.5"),
                     ("tdc-m3", "0.4,0.45,0.5")):
        sim = simulate_td(algo, p, ex, runs=20, steps=5000, seed=0)
        ax.plot(sim.times, sim.rmspbe_mean, label=algo)
    ax.set_xlabel("step")
    ax.set_ylabel("RMSPBE (mean of 20 runs)")
    ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
