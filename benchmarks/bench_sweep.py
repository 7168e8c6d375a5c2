"""Benchmark of ``certify sweep``: parallel speed-up and scheduling overhead.

Run: ``python benchmarks/bench_sweep.py [--states 120] [--tiny 100]``.  Prints a table.

* speed-up: a 40-cell grid of mid-sized cells (Garnet MDPs, 8 seeds x 5 step sizes, CQLF
  skipped) on a LocalCluster of 1 worker process, then of 2, in the same run; the target on a
  2-core machine is T(1) / T(2) >= 1.7.
* overhead: tiny cells (2-state Garnets) on 1 worker; overhead per cell =
  (sweep wall time - sum of the cells' own wall times) / cells, target < 50 ms.

Cluster start-up is not counted: each cluster is started, its workers import certify, and
only then the clock starts.  The load average is printed: other processes on the machine
make the speed-up smaller.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

from distributed import Client, LocalCluster

from certify.sweep import grid_from_dict, run_sweep


def _warm() -> None:
    import certify.algorithms.qlearning.analysis  # noqa: F401
    import certify.sweep.cell  # noqa: F401


def _cpu() -> float:
    return time.process_time()


def timed(grid, workers: int, folder: Path) -> tuple[float, float, float]:
    """(sweep wall s, sum of cell wall s, CPU s of the workers) on a fresh LocalCluster."""
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.run(_warm)
        out = folder / f"rows-{workers}-{grid.hash}.csv"
        cpu0 = client.run(_cpu)
        t0 = time.perf_counter()
        res = run_sweep(grid, out, client=client, overwrite=True)
        wall = time.perf_counter() - t0
        cpu = sum(v - cpu0[k] for k, v in client.run(_cpu).items())
    assert res.failed == 0, [r["error"] for r in res.rows if r["error"]]
    return wall, sum(float(r["wall_time"]) for r in res.rows), cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--states", type=int, default=120, help="Garnet size of the mid-sized cells")
    ap.add_argument("--tiny", type=int, default=100, help="number of tiny cells")
    args = ap.parse_args()
    mid = grid_from_dict({"command": "qlearning", "cqlf": False,
                          "problems": [{"garnet": {"states": args.states, "actions": 4, "branching": 3,
                                                   "seeds": "0..7"}}],
                          "alpha": [0.05, 0.1, 0.2, 0.5, 1.0], "record": ["direct_jsr.upper"]})
    tiny = grid_from_dict({"command": "qlearning", "cqlf": False,
                           "problems": [{"garnet": {"states": 2, "actions": 2, "branching": 1,
                                                    "seeds": f"0..{args.tiny - 1}"}}],
                           "alpha": 0.5, "record": ["direct_jsr.upper"]})
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t1, c1, u1 = timed(mid, 1, folder)
        t2, c2, u2 = timed(mid, 2, folder)
        tt, ct, _ = timed(tiny, 1, folder)
    load1 = os.getloadavg()
    print(f"{'measurement':<44} {'value':>12}")
    print(f"{'mid-sized grid: cells':<44} {len(mid.cells):>12d}")
    print(f"{'  1 worker: wall s (sum of cells s)':<44} {t1:>7.2f} ({c1:.2f})")
    print(f"{'  2 workers: wall s (sum of cells s)':<44} {t2:>7.2f} ({c2:.2f})")
    print(f"{'  worker CPU s, 1 / 2 workers':<44} {u1:>7.2f} / {u2:.2f}")
    print(f"{'  CPU share we got, 1 / 2 workers (max 1 / 2)':<44} {u1 / t1:>7.2f} / {u2 / t2:.2f}")
    print(f"{'  speed-up T1/T2 (target >= 1.7)':<44} {t1 / t2:>12.2f}")
    print(f"{'tiny grid: cells':<44} {len(tiny.cells):>12d}")
    print(f"{'  1 worker: wall s (sum of cells s)':<44} {tt:>7.2f} ({ct:.3f})")
    print(f"{'  overhead ms per cell (target < 50)':<44} {1000 * (tt - ct) / len(tiny.cells):>12.1f}")
    print(f"load average before / after: {load0[0]:.2f} / {load1[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
