"""Seed 002, Section 6, on the seed's own instance: rate lines and certified bounds vs data.

The seed's instance, as far as its text survives: 2 states, 2 actions, the *action-major*
ordering of pairs ((s1, a1), (s2, a1), (s1, a2), (s2, a2)), a non-uniform sampling law d given
in that ordering, **identical transition rows** P(.|s, a) = p for every pair, reward 1 for
action a1 and 0 for a2 in both states (so a1 is optimal everywhere and
Q*(s, a1) = 1 / (1 - gamma), Q*(s, a2) = gamma / (1 - gamma)), Q_0 = 0, bounded reward noise
xi = +-b with equal probabilities, 100 runs per alpha, and the averaged relative error
||Q_k - Q*||_inf / ||Q_0 - Q*||_inf plotted against normalised rate lines.  The numbers of p,
d, gamma and the alphas were lost in conversion; the defaults below (p = (0.5, 0.5),
d = (0.1, 0.2, 0.3, 0.4) action-major, gamma = 0.9, alpha in {0.1, 0.25, 0.5}, b = 0.5) are
stand-ins and are flags.

Per alpha the script prints the seed's finite-product estimate
max_{words of length <= L} rho(A_word)^(1/|word|), the certified direct JSR bracket, the
row-sum rate 1 - alpha d_min (1 - gamma), and our certified mean-square bound at the last step
(with the simulated RMS error), and draws one panel per alpha: the mean relative error, the
JSR / finite-product / row-sum lines rho^k, and the certified bound curve
sqrt(c1 beta^k + floor) / ||e_0||_inf.  The y-axis spans the transient (down to a third of the
late mean error), not the 1e-100 a rate line reaches.

    python examples/seed_section6.py [--quick] [-o seed_section6.png]
"""

from __future__ import annotations

import argparse

import numpy as np

from certify.algorithms.qlearning.analysis import analyze_qlearning
from certify.algorithms.qlearning.meansquare import mean_square_bound
from certify.algorithms.qlearning.simulate import simulate_qlearning
from certify.algorithms.qlearning.system import DirectFamily
from certify.exact.printing import safe_round
from certify.jsr.products import best_product
from certify.mdp.finite import FiniteMDP
from certify.mdp.problem import Problem
from certify.mdp.sampling import sampling_from_d


def seed_instance(p: tuple[float, float] = (0.5, 0.5),
                  d_action_major: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4),
                  gamma: float = 0.9) -> Problem:
    """The Section 6 instance: every pair has next-state law ``p``; d is given action-major
    ((s1, a1), (s2, a1), (s1, a2), (s2, a2)) and reordered to the toolkit's state-major order."""
    S = A = 2
    P = np.tile(np.asarray(p, dtype=float), (S, A, 1))
    R = np.array([[1.0, 0.0], [1.0, 0.0]])
    mdp = FiniteMDP(P, R, gamma, states=("s1", "s2"), actions=("a1", "a2"), name="seed-section6",
                    layout="SAS")
    dam = np.asarray(d_action_major, dtype=float).reshape(A, S)  # [a, s]
    return Problem(mdp, sampling_from_d(mdp, dam.T.reshape(-1)))



def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="30 runs x 3000 steps (tests)")
    ap.add_argument("--alphas", type=float, nargs="+", default=[0.1, 0.25, 0.5])
    ap.add_argument("--noise", type=float, default=0.5)
    ap.add_argument("--p", type=float, nargs=2, default=[0.5, 0.5])
    ap.add_argument("--d", type=float, nargs=4, default=[0.1, 0.2, 0.3, 0.4],
                    help="sampling law in the seed's action-major order")
    ap.add_argument("--gamma", type=float, default=0.9)
    ap.add_argument("--length", type=int, default=4, help="word length of the finite products")
    ap.add_argument("-o", "--output", default="seed_section6.png")
    args = ap.parse_args(argv)
    runs, steps = (30, 3000) if args.quick else (100, 8000)
    problem = seed_instance(tuple(args.p), tuple(args.d), args.gamma)
    mdp, samp = problem.mdp, problem.sampling
    rows, panels = [], []
    times = np.unique(np.linspace(0, steps, 121).astype(int))
    for alpha in args.alphas:
        res = analyze_qlearning(problem, alpha, samp, cqlf=False)
        fam = DirectFamily.from_mdp(mdp, samp, alpha)
        fp = best_product(fam.float_matrices(), args.length).rate  # max rho(A_w)^(1/|w|)
        sim = simulate_qlearning(problem, alpha, samp, runs=runs, steps=steps, seed=6,
                                 noise=args.noise, times=times)
        ms = mean_square_bound(mdp, samp, alpha, args.noise, steps)
        err = sim.errors
        e0 = float(sim.e0[0])
        rms = float(np.sqrt((err[:, -1] ** 2).mean()))
        rows.append({"alpha": alpha, "finite_product": fp, "jsr_lower": res.direct.lower,
                     "jsr_upper": res.direct.upper, "row_sum": res.row_sum_rate,
                     "bound": ms.bound, "rms": rms, "trivial": ms.trivial,
                     "verdict": ms.verdict, "e0": e0})
        panels.append((alpha, times, err.mean(axis=0) / e0, res, fp, ms, e0))
    print(f"{'alpha':>6} {'fin.prod(L=' + str(args.length) + ')':>14} {'JSR (certified)':>28} "
          f"{'row-sum':>10} {'bound K':>9} {'RMS K':>8}")
    for r in rows:
        print(f"{r['alpha']:6g} {r['finite_product']:14.6f} "
              f"[{safe_round(r['jsr_lower'], 'lower', 9)}, {safe_round(r['jsr_upper'], 'upper', 9)}] "
              f"{safe_round(r['row_sum'], 'upper', 6):>10} "
              f"{r['bound']:9.4g} {r['rms']:8.4g}")
    _plot(panels, args.output, args.noise, args.length)
    return rows


def _plot(panels, path: str, noise: float, length: int = 4) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # narrow panels: scaled to a 6.5 in text width, the 9 pt legend and titles stay above 5 pt
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 3.4), squeeze=False)
    for ax, (alpha, k, mean_rel, res, fp, ms, e0) in zip(axes[0], panels, strict=True):
        kf = k.astype(float)
        ax.plot(kf, mean_rel, color="k", lw=1.5, label="mean relative error (data)")
        # the seed's normalised rate lines rho^k: rates, not bounds (no constant, no floor)
        ax.plot(kf, res.direct.upper ** kf, "--", lw=1, label=r"rate line $\rho^k$, JSR")
        ax.plot(kf, fp ** kf, "-.", lw=1, label=rf"rate line, finite product ($L \leq {length}$)")
        ax.plot(kf, res.row_sum_rate ** kf, ":", lw=1, label="rate line, row-sum rate")
        if ms.best is not None:
            bound = np.array([np.sqrt(float(ms.best.bound_ms_at(int(t)))) for t in k]) / e0
            ax.plot(kf, np.minimum(bound, ms.trivial / e0), color="tab:red", lw=1.6,
                    label=r"certified bound on $\sqrt{E\,\|e_k\|_\infty^2} / \|e_0\|_\infty$")
        late = float(np.median(mean_rel[len(mean_rel) // 2:]))
        ax.set_ylim(max(late / 3, 1e-4), 2.0)
        ax.set_yscale("log")
        ax.set_title(rf"$\alpha = {alpha:g}$, reward noise $\pm {noise:g}$" + "\n"
                     + rf"$\rho \leq {safe_round(res.direct.upper, 'upper', 6)}$, finite product "
                     + rf"${fp:.6f}$" + "\n"
                     + rf"row-sum rate ${safe_round(res.row_sum_rate, 'upper', 6)}$",
                     fontsize=9)
        ax.set_xlabel("step $k$ (samples)")
        ax.set_ylabel(r"$\|Q_k - Q^*\|_\infty / \|Q_0 - Q^*\|_\infty$")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.tight_layout()
    # one legend below the panels, off the data
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
               fontsize=9, frameon=False)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)

if __name__ == "__main__":
    main()
