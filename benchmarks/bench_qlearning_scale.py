"""The main job end to end at scale (issue 15).

1. ``certify qlearning garnet:S:5:5:0 --alpha 0.5 --json`` run as a process for
   S = 1,000, 5,000 and 20,000 (and 200,000, i.e. 1,000,000 state-action pairs, with
   ``--full``): wall time, CPU time (user + system) and peak resident memory of the process
   (``os.wait4``), and the split by stage from the JSON ``timings`` (Q*, direct JSR search
   and exact check, the lower comparison system; the rest is start-up, loading and output).
2. The Q* stage against pymdptoolbox (a dev-only dependency) on the same MDP,
   garnet:5000:5:5:0 (25,000 pairs): its value iteration and policy iteration, the time
   of each and the largest difference of the optimal values.
3. The direct JSR against enumerating products of length <= 6 on a 3-state, 2-action MDP
   (from ``bench_direct_jsr.py``).
4. ``certify --help``: the best of five runs.

On a shared machine the wall time depends on the load; the CPU time does not, and both are
printed.  BLAS runs single-threaded here as in the command line (``certify.cli.serial_blas``),
so that the in-process comparisons run under the same conditions as the command.
Run: ``python benchmarks/bench_qlearning_scale.py [--full] [--sizes 1000,5000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported (see the docstring)


def run_process(argv: list[str]) -> dict:
    """Run ``argv``; wall seconds, CPU seconds, peak RSS (MB), exit code and stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # read the pipes before waiting (the JSON can be tens of MB)
    chunks = []
    while True:
        buf = proc.stdout.read(1 << 20)
        if not buf:
            break
        chunks.append(buf)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024.0, "code": proc.returncode,
            "stdout": b"".join(chunks).decode(), "stderr": err.decode()}


def certify_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "certify", *args]


def bench_command(S: int) -> dict:
    name = f"garnet:{S}:5:5:0"
    r = run_process(certify_argv("qlearning", name, "--alpha", "0.5", "--json"))
    if r["code"] not in (0, 1):
        raise RuntimeError(f"certify qlearning {name} failed: {r['stderr'][-400:]}")
    doc = json.loads(r["stdout"])
    t = doc["timings"]
    dj = doc["direct_jsr"]
    lc = doc["comparison"]["lower_system"]
    staged = sum(t.values())
    return {"S": S, "pairs": 5 * S, "wall_s": r["wall_s"], "cpu_s": r["cpu_s"],
            "peak_mb": r["peak_mb"], "q_star_s": t["q_star_s"],
            "jsr_search_s": dj["timings"]["search_s"], "jsr_check_s": dj["timings"]["exact_check_s"],
            "lower_cmp_s": t["lower_comparison_s"], "other_s": r["wall_s"] - staged,
            "lower": dj["lower"], "upper": dj["upper"], "verdict": dj["verdict"],
            "lower_cmp_verdict": None if lc is None else lc["verdict"],
            "q_star_check": doc["q_star_check"]}


def bench_q_star_vs_mdptoolbox(S: int = 5000) -> dict | None:
    """Our Q* stage against pymdptoolbox's value and policy iteration on one MDP."""
    try:
        import mdptoolbox.mdp as mdpt
    except ImportError:
        return None
    import numpy as np

    from certify.mdp import load_problem
    from certify.mdp.qstar import solve_q_star

    mdp = load_problem(f"garnet:{S}:5:5:0").mdp
    A = mdp.n_actions
    P = mdp.P_matrix.tocsr()
    trans = [P[a::A].tocsr() for a in range(A)]  # rows (s, a) with a fixed: S x S each
    R = np.asarray(mdp.R)
    out: dict = {"S": S, "pairs": S * A}
    t0, c0 = time.perf_counter(), time.process_time()
    ours = solve_q_star(mdp)
    out["ours_s"], out["ours_cpu"] = time.perf_counter() - t0, time.process_time() - c0
    v_ours = ours.q.max(axis=1)
    out["ours_error_bound"] = ours.error_bound
    t0, c0 = time.perf_counter(), time.process_time()
    vi = mdpt.ValueIteration(trans, R, mdp.gamma, epsilon=1e-10, max_iter=100_000)
    vi.max_iter = 100_000  # the constructor lowers it to its own a-priori bound
    vi.run()
    out["vi_s"], out["vi_cpu"] = time.perf_counter() - t0, time.process_time() - c0
    out["vi_sweeps"] = int(vi.iter)
    out["vi_diff"] = float(np.max(np.abs(np.asarray(vi.V) - v_ours)))
    out["vi_same_policy"] = bool(np.array_equal(np.asarray(vi.policy), ours.policy))
    t0, c0 = time.perf_counter(), time.process_time()
    pi = mdpt.PolicyIteration(trans, R, mdp.gamma, max_iter=1000, eval_type=0)
    pi.run()
    out["pi_s"], out["pi_cpu"] = time.perf_counter() - t0, time.process_time() - c0
    out["pi_diff"] = float(np.max(np.abs(np.asarray(pi.V) - v_ours)))
    out["pi_same_policy"] = bool(np.array_equal(np.asarray(pi.policy), ours.policy))
    out["speedup_pi"] = out["pi_cpu"] / out["ours_cpu"]
    out["speedup_vi"] = out["vi_cpu"] / out["ours_cpu"]
    return out


def bench_help(repeats: int = 5) -> tuple[float, float]:
    """Best wall and best CPU seconds of ``certify --help`` over ``repeats`` runs."""
    runs = [run_process(certify_argv("--help")) for _ in range(repeats)]
    return min(r["wall_s"] for r in runs), min(r["cpu_s"] for r in runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also S = 200,000 (1,000,000 pairs)")
    ap.add_argument("--sizes", default=None, help="comma-separated S values (overrides)")
    ap.add_argument("--skip-compare", action="store_true", help="only the command runs")
    args = ap.parse_args()
    sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes else
             [1000, 5000, 20000] + ([200000] if args.full else []))

    wall, cpu = bench_help()
    print(f"certify --help: best of 5 = {wall:.3f} s wall, {cpu:.3f} s CPU", flush=True)
    print("certify qlearning garnet:S:5:5:0 --alpha 0.5 --json (one process each)")
    head = (f"{'S':>7} {'pairs':>8} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'Q* s':>6} "
            f"{'JSR srch':>8} {'JSR chk':>7} {'lowcmp':>7} {'other':>6}  verdict")
    print(head)
    rows = []
    for S in sizes:
        r = bench_command(S)
        rows.append(r)
        print(f"{r['S']:>7} {r['pairs']:>8} {r['wall_s']:>7.2f} {r['cpu_s']:>7.2f} "
              f"{r['peak_mb']:>8.0f} {r['q_star_s']:>6.2f} {r['jsr_search_s']:>8.2f} "
              f"{r['jsr_check_s']:>7.2f} {r['lower_cmp_s']:>7.2f} {r['other_s']:>6.2f}  "
              f"{r['verdict']} [{r['lower']:.15g}, {r['upper']:.15g}], lower system "
              f"{r['lower_cmp_verdict']}, pi* certified optimal in "
              f"{r['q_star_check']['certified_states']}/{r['S']} states", flush=True)
    if len(rows) >= 2:
        a, b = rows[1] if len(rows) > 2 else rows[0], rows[-1]
        growth = (b["cpu_s"] / a["cpu_s"]) / (b["pairs"] / a["pairs"])
        print(f"CPU time growth {a['pairs']} -> {b['pairs']} pairs, relative to linear: "
              f"{growth:.2f}")
    if args.skip_compare:
        return 0
    q = bench_q_star_vs_mdptoolbox()
    if q is None:
        print("pymdptoolbox not installed (pip install pymdptoolbox==4.0b3): Q* comparison "
              "skipped")
    else:
        print(f"Q* on garnet:{q['S']}:5:5:0 ({q['pairs']} pairs), wall / CPU seconds: ours "
              f"{q['ours_s']:.3f} / {q['ours_cpu']:.3f} s (||Q - Q*|| <= "
              f"{q['ours_error_bound']:.1e})")
        print(f"  pymdptoolbox policy iteration {q['pi_s']:.3f} / {q['pi_cpu']:.3f} s: max "
              f"|V - V_ours| {q['pi_diff']:.1e}, same policy {q['pi_same_policy']}; ours "
              f"{q['speedup_pi']:.1f}x faster (CPU)")
        print(f"  pymdptoolbox value iteration {q['vi_s']:.3f} / {q['vi_cpu']:.3f} s "
              f"({q['vi_sweeps']} sweeps, "
              f"stopped by its span criterion): max |V - V_ours| {q['vi_diff']:.1e}, same "
              f"policy {q['vi_same_policy']}; ours {q['speedup_vi']:.1f}x faster (CPU)")
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_direct_jsr import bench_vs_products

    p = bench_vs_products()
    print(f"direct JSR on a 3-state, 2-action MDP ({p['members']} members): products of "
          f"length <= {p['k']} {p['products_s']:.3f} s (value {p['products_value']:.12g}), "
          f"exact method {p['exact_s'] * 1e3:.1f} ms (bracket [{p['exact_lower']:.15g}, "
          f"{p['exact_upper']:.15g}]): {p['ratio']:.0f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
