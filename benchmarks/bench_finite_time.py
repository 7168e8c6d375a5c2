"""Do the certified mean-square bounds bind?  ``certify qlearning`` against 1,000 simulated runs.

For seed-sls with reward noise 0.5 and K = 20,000 steps, at alpha in {0.01, 0.02, 0.05, 0.1},
the whole command ``certify qlearning seed-sls --alpha A --noise 0.5 --steps 20000 --json``
runs as a process; its certified ``finite_time.mean_square.bound`` (an upper bound on
sqrt(E||Q_K - Q*||_inf^2)) is printed beside the simulated mean and root-mean-square error
over 1,000 runs and the trivial bound 2 q_bar, and the same for the alpha that
``certify stepsize`` picks.  Exit 1 if a bound is below the simulated root-mean-square
error or not below the trivial bound.  Run with
``python benchmarks/bench_finite_time.py [--runs N] [--problem NAME]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numpy as np

from certify.algorithms.qlearning.simulate import simulate_qlearning
from certify.mdp import load_problem, uniform_sampling


def command(args: list[str]) -> tuple[dict, float]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "certify", *args, "--json"], capture_output=True,
                         text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"certify {' '.join(args)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout), time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--problem", default="seed-sls")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=20_000)
    ap.add_argument("--noise", type=float, default=0.5)
    ap.add_argument("--alphas", default="0.01,0.02,0.05,0.1")
    a = ap.parse_args()
    problem = load_problem(a.problem)
    samp = problem.sampling or uniform_sampling(problem.mdp)
    ss, t_ss = command(["stepsize", a.problem, "--steps", str(a.steps), "--noise", str(a.noise)])
    alphas = [float(x) for x in a.alphas.split(",")] + [ss["alpha"]]
    print(f"{a.problem}, reward noise {a.noise}, K = {a.steps}, {a.runs} runs per alpha "
          f"(the last row is the alpha of `certify stepsize`, {t_ss:.1f} s)")
    print(f"{'alpha':>9} {'bound':>9} {'sim mean':>9} {'sim RMS':>9} {'bound/mean':>10} "
          f"{'trivial':>8} {'route':>22} {'seconds':>8}")
    bad = 0
    for alpha in alphas:
        doc, t = command(["qlearning", a.problem, "--alpha", f"{alpha:.6g}", "--noise",
                          str(a.noise), "--steps", str(a.steps), "--cqlf", "no"])
        ms = doc["finite_time"]["mean_square"]
        sim = simulate_qlearning(problem, alpha, samp, runs=a.runs, steps=a.steps, seed=11,
                                 noise=a.noise, times=np.array([0, a.steps]))
        e = sim.errors[:, -1]
        mean, rms = float(e.mean()), float(np.sqrt((e**2).mean()))
        ok = rms <= ms["bound"] < ms["trivial"]
        bad += not ok
        print(f"{alpha:9.4g} {ms['bound']:9.4g} {mean:9.4g} {rms:9.4g} {ms['bound'] / mean:10.2f} "
              f"{ms['trivial']:8.4g} {str(ms['route'])[:22]:>22} {t:8.1f}"
              + ("" if ok else "   <-- does not hold or does not bind"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
