"""Do the certified mean-square bounds bind?  ``certify qlearning`` against 1,000 simulated runs.

For seed-sls with reward noise 0.5 and K = 20,000 steps, at alpha in {0.01, 0.02, 0.05, 0.1},
the whole command ``certify qlearning seed-sls --alpha A --noise 0.5 --steps 20000 --json``
runs as a process; its certified ``finite_time.mean_square.bound`` (an upper bound on
sqrt(E||Q_K - Q*||_inf^2)) is printed beside the simulated mean and root-mean-square error
over 1,000 runs and the trivial bound 2 q_bar, and the same for the alpha that
``certify stepsize`` picks.  Exit 1 if a bound is below the simulated root-mean-square
error or not below the trivial bound.  The column "seed Thm 2" is seed 002's own Theorem 2
bound with its C_eps (``finite_time.seed_theorem2``, a bound on E||Q_K - Q*||_inf).

``--markov`` runs the Markovian model instead (one trajectory of the uniform behaviour policy,
sampling file with ``model: markov``; default alphas 5e-4, 2e-4, 1e-4, 5e-5 at K = 10^6, 200 runs): the
bound is the Poisson-corrected route (docs/theory_finite_time.md, section 2c).  Run with
``python benchmarks/bench_finite_time.py [--runs N] [--problem NAME] [--markov]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from certify.algorithms.qlearning.simulate import simulate_qlearning
from certify.mdp import load_problem, uniform_sampling
from certify.mdp.sampling import sampling_markov


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
    ap.add_argument("--runs", type=int, default=None, help="default 1000 (200 with --markov)")
    ap.add_argument("--steps", type=int, default=None, help="default 20000 (10^6 with --markov)")
    ap.add_argument("--noise", type=float, default=0.5)
    ap.add_argument("--alphas", default=None, help="default 0.01,0.02,0.05,0.1 (5e-4,2e-4,1e-4,5e-5 "
                                                   "with --markov)")
    ap.add_argument("--markov", action="store_true",
                    help="Markovian sampling along the uniform behaviour policy")
    a = ap.parse_args()
    runs = a.runs or (200 if a.markov else 1000)
    steps = a.steps or (10**6 if a.markov else 20_000)
    problem = load_problem(a.problem)
    mdp = problem.mdp
    extra: list[str] = []
    if a.markov:
        beh = np.full((mdp.n_states, mdp.n_actions), 1.0 / mdp.n_actions)
        samp = sampling_markov(mdp, beh)
        tmp = Path(tempfile.mkdtemp()) / "markov.json"
        tmp.write_text(json.dumps({"behaviour": beh.tolist(), "model": "markov"}))
        extra = ["--sampling", str(tmp)]
        alphas = [float(x) for x in (a.alphas or "5e-4,2e-4,1e-4,5e-5").split(",")]
        print(f"{a.problem}, Markovian sampling (uniform behaviour), reward noise {a.noise}, "
              f"K = {steps}, {runs} runs per alpha")
    else:
        samp = problem.sampling or uniform_sampling(mdp)
        ss, t_ss = command(["stepsize", a.problem, "--steps", str(steps), "--noise",
                            str(a.noise)])
        alphas = [float(x) for x in (a.alphas or "0.01,0.02,0.05,0.1").split(",")] + [ss["alpha"]]
        print(f"{a.problem}, reward noise {a.noise}, K = {steps}, {runs} runs per alpha "
              f"(the last row is the alpha of `certify stepsize`, {t_ss:.1f} s)")
    print(f"{'alpha':>9} {'bound':>9} {'sim mean':>9} {'sim RMS':>9} {'bound/mean':>10} "
          f"{'trivial':>8} {'seed Thm 2':>10} {'route':>22} {'seconds':>8}")
    bad = 0
    for alpha in alphas:
        doc, t = command(["qlearning", a.problem, "--alpha", f"{alpha:.6g}", "--noise",
                          str(a.noise), "--steps", str(steps), "--cqlf", "no", *extra])
        ms = doc["finite_time"]["mean_square"]
        seed2 = (doc["finite_time"].get("seed_theorem2") or {}).get("bound")
        sim = simulate_qlearning(problem, alpha, samp, runs=runs, steps=steps, seed=11,
                                 noise=a.noise, times=np.array([0, steps]),
                                 mode="markov" if a.markov else "iid")
        e = sim.errors[:, -1]
        mean, rms = float(e.mean()), float(np.sqrt((e**2).mean()))
        ok = rms <= ms["bound"] < ms["trivial"]
        bad += not ok
        s2 = "-" if seed2 is None else f"{seed2:.3g}"
        print(f"{alpha:9.4g} {ms['bound']:9.4g} {mean:9.4g} {rms:9.4g} {ms['bound'] / mean:10.2f} "
              f"{ms['trivial']:8.4g} {s2:>10} {str(ms['route'])[:22]:>22} {t:8.1f}"
              + ("" if ok else "   <-- does not hold or does not bind"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
