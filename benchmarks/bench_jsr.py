"""Benchmark of the JSR engine: every gallery family and three random nonnegative 10x10 triples.

Prints a table (family, certified bracket, relative gap, seconds, method that closed it).
Run: ``.venv/bin/python benchmarks/bench_jsr.py``.
"""

from __future__ import annotations

import numpy as np

from certify.exact.printing import fmt_lower, fmt_upper
from certify.jsr.bounds import jsr_bounds
from certify.jsr.gallery import gallery_entry, gallery_names


def families():
    for name in gallery_names():
        yield name, gallery_entry(name).family
    for seed in range(3):
        rng = np.random.default_rng(seed)
        yield f"3 random nonneg 10x10 (seed {seed})", [rng.random((10, 10)) for _ in range(3)]


def main() -> None:
    print(f"{'family':38s} {'lower':>20s} {'upper':>20s} {'rel gap':>9s} {'s':>6s}  closed by")
    for name, mats in families():
        r = jsr_bounds(mats, budget=30)
        by = r.history[-1][2] if r.history else "-"
        print(f"{name:38s} {fmt_lower(r.lower, 15):>20s} {fmt_upper(r.upper, 15):>20s} {r.relative_gap:9.1e} "
              f"{r.seconds:6.2f}  {by}{' (exact)' if r.exact else ''}")


if __name__ == "__main__":
    main()
