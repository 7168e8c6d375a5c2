"""Benchmark of the exact Theorem 2 check (issue 6) against a plain float evaluation.

Three kernels with n = 2000 state-action pairs, each timed in the same run (best of
``repeats``):

1. a random rank-50 Gram kernel Phi Phi^T with a Dirichlet replay distribution;
2. the empirical NTK of an MLP (width 64, depth 2, tanh, one-hot inputs) on
   garnet:400:5:3:0 (400 states x 5 actions) with uniform rho;
3. the tabular kernel K = I with uniform rho (every row ties for beta: the rigorous float
   pre-filter cannot discard any row, so this is the worst case of the exact path).

Columns: ``float`` evaluates (16), (17) and beta in numpy floats (no guarantee);
``validate`` is input validation with the PSD screen; ``exact`` is the exact check after
validation (pre-filter + exact rows); ``all rows`` evaluates every row exactly (no
pre-filter); ``total`` is :func:`certify.algorithms.ntk.theorem2` end to end.

Run: ``python benchmarks/bench_ntk.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from certify.algorithms.ntk import MLP
from certify.algorithms.ntk.inputs import validate_kernel
from certify.algorithms.ntk.kernel import network_kernel
from certify.algorithms.ntk.theorem2 import analyze_ntk, theorem2_validated
from certify.mdp import load_problem


def float_theorem2(k: np.ndarray, rho: np.ndarray, gamma: float, alpha: float) -> dict:
    """Theorem 2 in plain floats: the baseline the exact check is compared with."""
    a = np.diag(k) * rho
    o = np.abs(k) @ rho - np.abs(np.diag(k)) * rho
    m16 = 1 - alpha * a
    m17 = (1 - gamma) * a - (1 + gamma) * o
    beta = np.abs(1 - alpha * a) + alpha * gamma * np.abs(a) + (1 + gamma) * alpha * o
    return {"m16": float(m16.min()), "m17": float(m17.min()), "beta": float(beta.max())}


def best_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def kernels() -> list[tuple[str, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    n = 2000
    phi = rng.normal(size=(n, 50))
    gram = phi @ phi.T
    out = [("random Gram (rank 50)", (gram + gram.T) / 2.0, rng.dirichlet(np.ones(n)))]
    mdp = load_problem("garnet:400:5:3:0").mdp
    net = MLP(mdp.n_pairs, 64, 2, "tanh")
    out.append(("MLP NTK, garnet:400:5:3:0", network_kernel(mdp, net, net.init_params(0)),
                np.full(mdp.n_pairs, 1.0 / mdp.n_pairs)))
    out.append(("K = I (all rows tie)", np.eye(n), np.full(n, 1.0 / n)))
    return out


def bench(gamma: float = 0.9, alpha: float = 0.01, repeats: int = 3) -> list[dict]:
    rows = []
    for name, k, rho in kernels():
        t_float, fl = best_time(lambda k=k, rho=rho: float_theorem2(k, rho, gamma, alpha), repeats)
        t_val, data = best_time(lambda k=k, rho=rho: validate_kernel(k, rho, gamma, alpha), repeats)
        t_exact, res = best_time(lambda data=data: theorem2_validated(data), repeats)
        t_all, res_all = best_time(lambda data=data: theorem2_validated(data, prefilter=False), 1)
        t_total, _ = best_time(lambda k=k, rho=rho: analyze_ntk(k, rho, gamma, alpha), repeats)
        assert res.beta == res_all.beta and res.beta_rows == res_all.beta_rows
        rows.append({"kernel": name, "n": k.shape[0], "float_s": t_float, "validate_s": t_val,
                     "exact_s": t_exact, "all_rows_s": t_all, "total_s": t_total,
                     "beta": float(res.beta), "float_beta": fl["beta"], "status": res.status})
    return rows


def main() -> None:
    print(f"{'kernel':28s} {'n':>5s} {'float':>8s} {'validate':>9s} {'exact':>8s} {'all rows':>9s} "
          f"{'total':>8s}  beta (exact vs float), status")
    for r in bench():
        print(f"{r['kernel']:28s} {r['n']:5d} {r['float_s']:8.4f} {r['validate_s']:9.3f} "
              f"{r['exact_s']:8.3f} {r['all_rows_s']:9.3f} {r['total_s']:8.3f}  "
              f"{r['beta']:.17g} vs {r['float_beta']:.17g}, {r['status']}")


if __name__ == "__main__":
    main()
