"""Benchmark of the JSR engine: every gallery family, timed as a whole ``certify jsr`` process.

Each family file is run as ``python -m certify jsr FILE --budget B --json`` in a fresh
process (start-up, imports and every method included), and the table gives the certified
bracket, its relative width, whether the value was proved exact, the wall-clock seconds,
the literature value (from the gallery file) and, where a published run exists, the bounds
SwitchOnSafety.jl's tests state for the same family (sum-of-squares Lyapunov bounds
``soslyapb`` of degree d; blegat/SwitchOnSafety.jl, test/JCG14e61.jl, JCG14e63.jl,
PJ08e54.jl).  The JSR toolbox column (Vankeerberghen, Hendrickx and Jungers, HSCC 2014)
says "n/a" with the reason: no per-family published value or time of a toolbox run was
found for these families (the toolbox ships the BTV matrices as ``BTVMat`` and cites
Guglielmi-Zennaro 2009 for them, without a stated result; Chang and Blondel, Numer.
Algorithms 2013, compare its methods on random sets and a few literature families, not
these).

Run: ``python benchmarks/bench_jsr.py [--budget 30] [--only name,name]``.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from certify.jsr.gallery import GALLERY_DIR, gallery_entry, gallery_names  # noqa: E402

PUBLISHED = {
    "jcg14_ex61": "SoS d=1 [1.2626, 1.7857]; d=2 [1.4949, 1.7779]",
    "jcg14_ex63": "SoS d=1 [1.1441, 1.6181]; d=2 [1.3606, 1.6181]",
    "pj08_ex54": "SoS d=1 [5.6351, 9.7615]; d=2 [6.7772, 8.9226]; d=3 [7.4277, 8.92]",
}
"""SwitchOnSafety.jl's stated soslyapb bounds (its test files), rounded as published."""
JSR_TOOLBOX: dict[str, str] = {}
"""Published JSR toolbox results (value, seconds) per family, where one exists: none found."""
NO_TOOLBOX = "n/a: no published toolbox run for this family"


def run(path: Path, budget: float) -> tuple[dict | None, float, str]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "certify", "jsr", str(path), "--budget", str(budget),
                          "--json"], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    secs = time.perf_counter() - t
    try:
        return json.loads(out.stdout), secs, ""
    except json.JSONDecodeError:
        return None, secs, (out.stderr.strip().splitlines() or ["no output"])[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=30.0)
    ap.add_argument("--only", default=None, help="comma-separated gallery names")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else gallery_names()
    head = (f"{'family':14s} {'lower':>18s} {'upper':>18s} {'rel width':>9s} {'exact':>5s} "
            f"{'s':>6s}  {'literature':>18s}  published: SwitchOnSafety.jl | JSR toolbox")
    print(head)
    for name in names:
        entry = gallery_entry(name)
        doc, secs, err = run(GALLERY_DIR / f"{name}.json", args.budget)
        lit = f"{entry.value_float:.15g}" if entry.value_float is not None else "unknown"
        pub = PUBLISHED.get(name, "-") + " | " + JSR_TOOLBOX.get(name, NO_TOOLBOX)
        if doc is None:
            print(f"{name:14s} {'error: ' + err[:60]}")
            continue
        lo, up = doc["lower"], doc["upper"]
        width = doc["relative_gap"] if math.isfinite(doc["relative_gap"]) else math.inf
        print(f"{name:14s} {lo:18.15g} {up:18.15g} {width:9.1e} {'yes' if doc['exact'] else 'no':>5s} "
              f"{secs:6.1f}  {lit:>18s}  {pub}")


if __name__ == "__main__":
    main()
