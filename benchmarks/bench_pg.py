"""Speed of the policy-gradient commands, timed as whole processes, against a baseline.

Each command is run as ``python -m certify pg ... --json`` in a fresh process (start-up,
imports, the interval branch and bound, the exact-gradient run and the certificate check
included), the median wall time of ``--repeat`` runs is reported.  The baseline is measured
in the same run: the same commands from a checkout of ``--base`` (a git worktree in a
temporary folder, put first on PYTHONPATH), so both columns see the same machine load.

Beside the times the table prints the certified numbers of both runs, which must agree or
be tighter:

* ``pg tabular``: the problem-specific smoothness beta (an upper bound: smaller is tighter)
  and the certified local factor (an upper bound on the per-step contraction: smaller is
  tighter);
* ``pg meanfield``: the margin beta = sigma^2 kappa / 2 - C2 - L (a lower bound: larger is
  tighter).

The ``cmp`` column says ``same``, ``tighter`` or ``LOOSER``; the exit status is 1 if any
number is looser or a verdict differs.

Run: ``python benchmarks/bench_pg.py [--base REV] [--repeat 3] [--only 1,3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE_REV = "80e1671b51f15e44b61cdca78ba2adad4eb1173a"
"""The commit before the speed-up of certify/algorithms/pg/structured.py."""

COMMANDS = [
    ["pg", "tabular", "seed-sls", "--tau", "1"],
    ["pg", "tabular", "seed-sls", "--tau", "0.5"],
    ["pg", "tabular", "seed-sls", "--tau", "2"],
    ["pg", "tabular", "garnet:3:2:2:0", "--tau", "0.5"],
    ["pg", "meanfield", "seed-sls", "--tau", "1"],
    ["pg", "meanfield", "garnet:3:2:2:0", "--tau", "0.1", "--kappa", "200"],
]


def run(tree: Path, argv: list[str]) -> tuple[dict | None, float, str]:
    """(JSON document or None, wall seconds, stderr tail) of one ``certify`` process."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(tree)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "certify", *argv, "--json"], cwd=tree, env=env,
                          capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        return None, secs, proc.stderr.strip()[-200:]
    return json.loads(proc.stdout), secs, ""


def numbers(doc: dict) -> dict[str, tuple[Fraction, int]]:
    """The certified numbers of a document: name -> (exact value, +1 if larger is tighter
    else -1)."""
    if doc["command"] == "pg_tabular":
        out = {}
        if "problem_beta_exact" in doc["smoothness"]:
            out["beta_s"] = (Fraction(doc["smoothness"]["problem_beta_exact"]), -1)
        if doc.get("local_rate"):
            out["local"] = (Fraction(doc["local_rate"]["factor_exact"]), -1)
        return out
    return {"beta": (Fraction(doc["beta_exact"]), 1)}


def compare(base: dict, now: dict) -> str:
    if base["verdict"] != now["verdict"]:
        return "LOOSER (verdict)"
    nb, nn = numbers(base), numbers(now)
    if set(nb) != set(nn):
        return "LOOSER (missing)"
    worse = [k for k in nb if (nn[k][0] - nb[k][0]) * nb[k][1] < 0]
    better = [k for k in nb if (nn[k][0] - nb[k][0]) * nb[k][1] > 0]
    return "LOOSER" if worse else ("tighter" if better else "same")


def show(doc: dict) -> str:
    return " ".join(f"{k}={float(v):.6g}" for k, (v, _) in numbers(doc).items()) + \
        f" {doc['verdict']}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default=BASE_REV, help="git revision of the baseline")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default=None, help="comma-separated command numbers (1-based)")
    args = ap.parse_args()
    cmds = COMMANDS if not args.only else [COMMANDS[int(i) - 1] for i in args.only.split(",")]
    bad = False
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base),
                        args.base], check=True)
        try:
            print(f"baseline {args.base[:12]}; median of {args.repeat} whole processes")
            print(f"{'command':48s} {'base s':>7s} {'now s':>7s} {'speed-up':>8s}  "
                  f"{'cmp':8s} baseline numbers | now numbers")
            for argv in cmds:
                times: dict[str, list[float]] = {"base": [], "now": []}
                docs: dict[str, dict | None] = {}
                for _ in range(args.repeat):  # interleaved: both see the same load
                    for key, tree in (("base", base), ("now", ROOT)):
                        doc, secs, err = run(tree, argv)
                        times[key].append(secs)
                        docs[key] = doc
                        if doc is None:
                            print(f"  {key} failed: {err}")
                label = "certify " + " ".join(argv)
                if docs["base"] is None or docs["now"] is None:
                    print(f"{label:48s} error")
                    bad = True
                    continue
                tb, tn = statistics.median(times["base"]), statistics.median(times["now"])
                cmp = compare(docs["base"], docs["now"])
                bad |= cmp.startswith("LOOSER")
                print(f"{label:48s} {tb:7.2f} {tn:7.2f} {tb / tn:7.1f}x  {cmp:8s} "
                      f"{show(docs['base'])} | {show(docs['now'])}", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           check=False)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
