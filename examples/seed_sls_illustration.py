"""Seed 002, Section 6: direct JSR rate vs row-sum rate vs simulated Q-learning.

2 states, 2 actions, non-uniform sampling d (the built-in ``seed-sls``), several constant
step sizes, 100 runs with bounded reward noise r + xi, xi uniform on {-b, +b}.  Prints, per
alpha, the certified direct rate (exact JSR bracket), the finite-product estimate
max_{words of length <= L} rho(product)^(1/length), the row-sum rate and the fitted empirical
rate with its bootstrap interval, and writes the figure of the runs' errors against the
certified bound curves (constant times rate^k plus noise floor).  ``--quick`` uses fewer runs
and steps (for CI).

    python examples/seed_sls_illustration.py [--quick] [-o seed_sls.pdf]
"""

from __future__ import annotations

import argparse

from certify.algorithms.qlearning.crossval import crossval_qlearning
from certify.algorithms.qlearning.system import DirectFamily
from certify.jsr.products import best_product
from certify.mdp import load_problem


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="30 runs x 3000 steps (CI)")
    ap.add_argument("--alphas", type=float, nargs="+", default=[0.2, 0.5, 1.0])
    ap.add_argument("--noise", type=float, default=0.5)
    ap.add_argument("-o", "--output", default="seed_sls_illustration.pdf")
    args = ap.parse_args(argv)
    runs, steps = (30, 3000) if args.quick else (100, 20_000)
    problem = load_problem("seed-sls")
    rows = []
    results = []
    for alpha in args.alphas:
        res = crossval_qlearning(problem, alpha, runs=runs, steps=steps, noise=args.noise,
                                 n_boot=100)
        fam = DirectFamily.from_mdp(problem.mdp, problem.sampling, alpha)
        fp = best_product(fam.float_matrices(), 4).rate  # rho(A_w)^(1/|w|), |w| <= 4
        fit = res.fit
        rows.append({"alpha": alpha, "certified": res.rate, "finite_product": fp,
                     "row_sum": res.row_sum_rate, "empirical": fit.rate if fit else None,
                     "ci95": [fit.lo, fit.hi] if fit else None, "verdict": res.verdict})
        results.append(res)
    print(f"{'alpha':>6} {'certified':>12} {'fin.product':>12} {'row-sum':>12} {'empirical':>12}"
          f" {'95% CI':>22}  verdict")
    for r in rows:
        emp = f"{r['empirical']:.6f}" if r["empirical"] else "-"
        ci = f"[{r['ci95'][0]:.6f}, {r['ci95'][1]:.6f}]" if r["ci95"] else "-"
        print(f"{r['alpha']:6g} {r['certified']:12.6f} {r['finite_product']:12.6f} "
              f"{r['row_sum']:12.6f} {emp:>12} {ci:>22}  {r['verdict']}")
    _plot(results, args.output)
    return rows


def _plot(results, path: str) -> None:
    """One panel per step size: the runs' errors against the certified bound curves (constant
    times rate^k plus floor) that crossval checks; vector output for a .pdf or .svg path."""
    from certify.report.crossval_figure import save_crossval_figure

    save_crossval_figure(results, path, [f"$\\alpha = {r.alpha:g}$" for r in results])


if __name__ == "__main__":
    main()
