"""Benchmark of the JSR engine: prints a table (family, bracket, relative gap, seconds, method)."""

from __future__ import annotations

import numpy as np

from certify.jsr.bounds import jsr_bounds


def families():
    yield "golden pair", [np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0]])]
    for seed in range(3):
        rng = np.random.default_rng(seed)
        yield f"3 random nonneg 10x10 (seed {seed})", [rng.random((10, 10)) for _ in range(3)]


def main() -> None:
    print(f"{'family':38s} {'lower':>20s} {'upper':>20s} {'rel gap':>9s} {'s':>6s}  closed by")
    for name, mats in families():
        r = jsr_bounds(mats, budget=30)
        by = r.history[-1][2] if r.history else "-"
        print(f"{name:38s} {r.lower:20.15g} {r.upper:20.15g} {r.relative_gap:9.1e} "
              f"{r.seconds:6.2f}  {by}{' (exact)' if r.exact else ''}")


if __name__ == "__main__":
    main()
