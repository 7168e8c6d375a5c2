"""Time and memory of the NTK check on a user's PyTorch / JAX Q-network (issue 16).

A multi-head MLP (inputs 32 random state features, two hidden layers of width ``--width``,
tanh, 4 heads, PyTorch's default init) on n / 4 states, so K has n = 1,000 and 10,000
(state, head) rows.  Each size runs in a fresh subprocess so that its peak resident memory
(``ru_maxrss``) is its own.  Columns: ``kernel`` is the empirical NTK in float64 by
``torch.func`` (or ``jax``) with the default chunking; ``theorem2`` the exact check of
(16), (17) and beta(K) (:func:`certify.algorithms.ntk.theorem2.theorem2`) with uniform rho (wall
seconds, and CPU seconds in parentheses: on a shared machine the wall time is mostly
waiting); ``peak`` the process's peak RSS after the kernel and after the check; ``K MB`` the
size of the kernel itself (8 n^2 bytes).

Measured (2 shared cores under a load of about 9, torch 2.13.0 CPU, one thread; wall seconds
with CPU seconds in parentheses):

======  =========  ===============  ===============  =====================
n       params     kernel           analyze_ntk         peak MB (kernel / all)
======  =========  ===============  ===============  =====================
1,000   6,532      12.9 (1.9)       1.3 (0.2)        436 / 436
10,000  6,532      100.7 (29.2)     78.4 (25.2)      1,998 / 4,203
1,000   1,038,004  393.1 (104.0)    1.1 (0.3)        4,461 / 4,461
======  =========  ===============  ===============  =====================

(the last row: ``--width 1000``, J of 8.3 GB never held whole: chunks are recomputed).
``--method ntvp`` (NTK-vector products) at n = 1,000, 6,532 parameters: 12.1 s (3.3 CPU),
peak 1,011 MB, the same beta.  JAX (``--framework jax``) at n = 1,000: 7.9 s (1.7 CPU).
At n = 10^4 and P = 10^6 the n^2 P = 10^14 multiply-adds of J J^T alone take hours on a CPU.

Run: ``python benchmarks/bench_ntk_models.py [--sizes 1000,10000] [--framework torch|jax]``
(needs the extra: ``pip install certify[torch]`` / ``certify[jax]``; skipped without it).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def one(n: int, width: int, framework: str, threads: int, method: str = "jacobian") -> dict:
    """Build the network, time K and Theorem 2 for n rows; returns the measurements."""
    from certify.algorithms.ntk.mlp import MLP
    from certify.algorithms.ntk.theorem2 import analyze_ntk

    heads, d = 4, 32
    m = n // heads
    x = np.random.default_rng(0).normal(size=(m, d))
    sizes = [d, width, width, heads]
    rng = np.random.default_rng(1)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        b = 1.0 / np.sqrt(fan_in)  # nn.Linear default (certify.algorithms.ntk.mlp, init "torch")
        params.append((rng.uniform(-b, b, (fan_out, fan_in)), rng.uniform(-b, b, fan_out)))
    n_params = MLP(d, width, 2).n_params - (width + 1) + heads * (width + 1)
    if framework == "torch":
        import torch

        from certify.algorithms.ntk.torch_model import TorchQModel

        torch.set_num_threads(threads)
        layers = []
        for i, (w, b) in enumerate(params):
            lin = torch.nn.Linear(w.shape[1], w.shape[0]).double()
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(w))
                lin.bias.copy_(torch.tensor(b))
            layers += [lin] + ([torch.nn.Tanh()] if i < len(params) - 1 else [])
        qm = TorchQModel(torch.nn.Sequential(*layers))
    else:
        import jax.numpy as jnp

        from certify.algorithms.ntk.jax_model import JaxQModel

        def apply(p, xx):
            h = xx
            for i, (w, b) in enumerate(p):
                h = h @ w.T + b
                if i < len(p) - 1:
                    h = jnp.tanh(h)
            return h

        qm = JaxQModel(apply, params)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    k = qm.kernel(x, method=method)
    t_k, c_k = time.perf_counter() - t0, time.process_time() - c0
    peak_k = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    res = analyze_ntk(k, np.full(n, 1.0 / n), 0.9, 0.01)
    t_t, c_t = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert qm.n_params == n_params
    return {"n": n, "framework": framework, "method": method, "n_params": qm.n_params, "kernel_s": t_k,
            "kernel_cpu_s": c_k, "theorem2_s": t_t, "theorem2_cpu_s": c_t,
            "peak_kernel_mb": peak_k / 1024, "peak_mb": peak / 1024,
            "rss_before_kernel_mb": rss0 / 1024, "k_mb": 8 * n * n / 2**20, "beta": float(res.beta),
            "status": res.status}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--framework", choices=("torch", "jax"), default="torch")
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    ap.add_argument("--method", choices=("jacobian", "ntvp"), default="jacobian")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    try:
        __import__(args.framework)
    except ImportError:
        print(f"skipped: {args.framework} is not installed (pip install certify[{args.framework}])")
        return 0
    if args.one is not None:
        print(json.dumps(one(args.one, args.width, args.framework, args.threads, args.method)))
        return 0
    print(f"{'n':>6s} {'params':>8s} {'kernel s (cpu)':>15s} {'theorem2 s (cpu)':>17s} "
          f"{'peak MB: K / all':>17s} {'K MB':>6s}  status (beta)")
    for n in (int(v) for v in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--width", str(args.width),
                              "--framework", args.framework, "--threads", str(args.threads),
                              "--method", args.method],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{n:6d} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['n']:6d} {r['n_params']:8d} {r['kernel_s']:7.2f} ({r['kernel_cpu_s']:5.1f}) "
              f"{r['theorem2_s']:8.2f} ({r['theorem2_cpu_s']:6.1f}) {r['peak_kernel_mb']:8.0f} / "
              f"{r['peak_mb']:6.0f} {r['k_mb']:6.0f}  {r['status']} ({r['beta']:.6g})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
