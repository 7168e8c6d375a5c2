"""Speed of the Q-learning simulator: compiled (numba) vs numpy-vectorised vs plain Python.

Batch of 1,000 runs of asynchronous i.i.d. Q-learning on a 100-pair garnet MDP
(10 states x 10 actions, branching 10), with the max backup and with the smooth lse backup.
Prints a table of sample-updates per second and the
speed-ups; run with ``python benchmarks/bench_simulate.py [--steps K]``.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

from certify.algorithms.qlearning.simulate import simulate_qlearning
from certify.mdp import load_problem, q_star, uniform_sampling
from certify.simulate.kernels import python_reference_step


def bench_numba(problem, runs: int, steps: int, operator: str = "max",
                temperature: float | None = None) -> float:
    """The shared compiled simulator; ``operator`` selects the (smooth) backup."""
    kw = {"operator": operator, "temperature": temperature}
    simulate_qlearning(problem, 0.1, runs=2, steps=10, seed=1, **kw)  # compile (cached on disk)
    t = time.perf_counter()
    simulate_qlearning(problem, 0.1, runs=runs, steps=steps, seed=0, noise=0.5, **kw)
    return runs * steps / (time.perf_counter() - t)


def bench_numpy(problem, runs: int, steps: int) -> float:
    """The same update vectorised over the batch axis with numpy (one call set per step)."""
    mdp = problem.mdp
    n, A = mdp.n_pairs, mdp.n_actions
    P = mdp.P.reshape(n, mdp.n_states)
    cumP = np.cumsum(P, axis=1)
    cumd = np.cumsum(uniform_sampling(mdp).d)
    r = mdp.r_vector
    rng = np.random.default_rng(0)
    Q = np.zeros((runs, n))
    rows = np.arange(runs)
    t = time.perf_counter()
    for _ in range(steps):
        i = np.minimum(np.searchsorted(cumd, rng.random(runs), side="right"), n - 1)
        u = rng.random(runs)[:, None]
        sn = np.minimum((u >= cumP[i]).sum(axis=1), mdp.n_states - 1)
        nxt = Q.reshape(runs, -1, A)[rows, sn].max(axis=1)
        Q[rows, i] += 0.1 * (r[i] + mdp.gamma * nxt - Q[rows, i])
    return runs * steps / (time.perf_counter() - t)


def bench_python(problem, updates: int) -> float:
    """A plain Python per-sample loop (random module, lists)."""
    mdp = problem.mdp
    n, A, S = mdp.n_pairs, mdp.n_actions, mdp.n_states
    P = mdp.P.reshape(n, S).tolist()
    r = mdp.r_vector.tolist()
    q = [0.0] * n
    rnd = random.Random(0)
    t = time.perf_counter()
    for _ in range(updates):
        i = rnd.randrange(n)
        sn = rnd.choices(range(S), P[i])[0]
        python_reference_step(q, i, sn, r[i], 0.0, 0.1, mdp.gamma, A)
    return updates / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=20_000)
    args = ap.parse_args()
    problem = load_problem("garnet:10:10:10:0")
    q_star(problem.mdp)
    rows = [("numba, parallel over runs", bench_numba(problem, args.runs, args.steps)),
            ("numba, lse backup (smooth)", bench_numba(problem, args.runs, args.steps, "lse", 2.0)),
            ("numpy, vectorised over runs", bench_numpy(problem, args.runs, min(args.steps, 2000))),
            ("plain Python loop", bench_python(problem, 200_000))]
    base = rows[-1][1]
    print(f"Q-learning, {problem.mdp.n_pairs} pairs, batch of {args.runs} runs")
    print(f"{'implementation':32s} {'updates/s':>14s} {'x Python':>10s}")
    for name, rate in rows:
        print(f"{name:32s} {rate:14.3e} {rate / base:10.1f}")


if __name__ == "__main__":
    main()
