"""Benchmarks of the exact direct JSR (issue 2).

1. garnet:5000:5:5:0 (25,000 state-action pairs): time to the certified bracket, split into
   search (policy iteration with sparse Perron solves) and exact certificate check.
2. Against the seed's own method on a 3-state, 2-action MDP: the maximum over products of
   length <= 6 of rho(product)^(1/k), enumerated, versus the exact method, as a ratio of
   times measured in the same run (and the values each gives).

Run: ``python benchmarks/bench_direct_jsr.py``.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from certify.algorithms.qlearning.system import DirectFamily
from certify.jsr.policy_iteration import selection_jsr
from certify.mdp import FiniteMDP, load_problem, sampling_from_d


def bench_garnet(name: str = "garnet:5000:5:5:0", alpha: float = 1.0, repeats: int = 3) -> dict:
    t0 = time.perf_counter()
    pr = load_problem(name)
    t_load = time.perf_counter() - t0
    best = None
    for _ in range(repeats):
        fam = DirectFamily.from_mdp(pr.mdp, pr.sampling, alpha)
        t1 = time.perf_counter()
        res = selection_jsr(fam)
        total = time.perf_counter() - t1
        if best is None or total < best[0]:
            best = (total, res)
    total, res = best
    return {"problem": name, "pairs": pr.mdp.n_pairs, "load_s": t_load, "total_s": total,
            "search_s": res.timings["search_s"], "check_s": res.timings["exact_check_s"],
            "lower": res.lower, "upper": res.upper, "iterations": res.iterations,
            "verdict": res.verdict.value}


def products_estimate(mats: list[np.ndarray], k: int) -> float:
    """Seed 002's finite-product estimate: max over words of length <= k of rho^(1/len)."""
    best = 0.0
    for length in range(1, k + 1):
        for word in itertools.product(range(len(mats)), repeat=length):
            M = mats[word[0]]
            for i in word[1:]:
                M = mats[i] @ M
            best = max(best, float(max(abs(np.linalg.eigvals(M)))) ** (1.0 / length))
    return best


def bench_vs_products(k: int = 6, repeats: int = 20) -> dict:
    rng = np.random.default_rng(3)
    S, A = 3, 2
    P = rng.random((S, A, S))
    P /= P.sum(axis=2, keepdims=True)
    mdp = FiniteMDP(P, rng.random((S, A)), 0.9)
    w = rng.uniform(1, 5, S * A)
    samp = sampling_from_d(mdp, w / w.sum())
    fam = DirectFamily.from_mdp(mdp, samp, 0.5)
    mats = fam.float_matrices()
    t0 = time.perf_counter()
    est = products_estimate(mats, k)
    t_prod = time.perf_counter() - t0
    t1 = time.perf_counter()
    for _ in range(repeats):
        res = selection_jsr(fam)
    t_exact = (time.perf_counter() - t1) / repeats
    return {"members": len(mats), "k": k, "products_s": t_prod, "exact_s": t_exact,
            "ratio": t_prod / t_exact, "products_value": est, "exact_lower": res.lower,
            "exact_upper": res.upper}


def main() -> None:
    g = bench_garnet()
    print(f"{g['problem']} ({g['pairs']} pairs): certified bracket [{g['lower']:.15g}, "
          f"{g['upper']:.15g}] ({g['verdict']}) in {g['total_s']:.2f} s "
          f"(search {g['search_s']:.2f} s, exact check {g['check_s']:.2f} s, "
          f"{g['iterations']} policy iterations; MDP generation {g['load_s']:.2f} s)")
    p = bench_vs_products()
    print(f"3 states x 2 actions ({p['members']} members): product enumeration k <= {p['k']}: "
          f"{p['products_s']:.3f} s -> {p['products_value']:.15g}; exact method: "
          f"{p['exact_s'] * 1e3:.2f} ms -> [{p['exact_lower']:.15g}, {p['exact_upper']:.15g}]; "
          f"speed ratio {p['ratio']:.0f}x")


if __name__ == "__main__":
    main()
