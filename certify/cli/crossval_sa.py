"""``certify crossval sa ALGO PROBLEM ...``: the N-timescale checker against simulated runs.

Where ``sa check`` certifies convergence, the simulated mean iterate must approach theta*
(distance to theta* shrinks), and so must the expected-update recursion with the same
schedules (:mod:`certify.algorithms.td.mean`, no sampling noise); where it refuses, the runs are shown for
what they do.  Runs sample i.i.d. (the checker's model) or along behaviour trajectories
(``--mode markov``).  A simulation is evidence, never a proof, so the outcome is a
cross-validation verdict: ``consistent`` (certified, and the mean iterate and the mean
recursion both end closer to theta* with no diverged run), ``violated`` (certified, but a run
diverged or the iterates end farther from theta*), ``inconclusive`` (nothing certified to
hold the runs against).  Exit 0 when consistent, 1 otherwise.
"""

from __future__ import annotations

import argparse

from certify.cli.common import (
    add_json_flag,
    console,
    fmt,
    nonneg_int,
    positive_int,
    print_json,
    problem_spec,
    real,
)

KEY: str = "sa"


def build_parser() -> argparse.ArgumentParser:
    from certify.cli.sa import ALGOS

    p = argparse.ArgumentParser(prog="certify crossval sa",
                                description=__doc__.strip().split("\n")[0])
    p.add_argument("algo", metavar="ALGO", choices=ALGOS, help=", ".join(ALGOS))
    p.add_argument("problem", metavar="PROBLEM", type=problem_spec, help="a file or a built-in name")
    p.add_argument("--exponents", required=True, help="one per timescale, fastest first")
    p.add_argument("--w", type=real, default=1.0, help="momentum constant w")
    p.add_argument("--runs", type=positive_int, default=20)
    p.add_argument("--steps", type=positive_int, default=5000)
    p.add_argument("--seed", type=nonneg_int, default=0)
    p.add_argument("--mode", choices=("iid", "markov"), default="iid",
                   help="sampling of the simulated runs (default iid, the checker's model)")
    add_json_flag(p)
    return p


def crossval_sa(algorithm: str, problem, exponents: str, w: float = 1.0, runs: int = 20,
                steps: int = 5000, seed: int = 0, mode: str = "iid") -> dict:
    """Check, simulate, compare: returns a JSON-ready dict with a ``verdict``."""
    import numpy as np

    from certify.algorithms.td.analysis import check_sa
    from certify.algorithms.td.mean import mean_run
    from certify.algorithms.td.simulate import simulate_td
    from certify.verdict import Evidence, Verdict

    chk = check_sa(algorithm, problem, exponents, w)
    sim = simulate_td(algorithm, problem, exponents, w, runs=runs, steps=steps, seed=seed,
                      td=chk.td, mode=mode)
    mean = mean_run(algorithm, chk.td, exponents, w, steps=steps)
    ts = chk.td.theta_star
    d0 = float(np.linalg.norm(ts))
    d1 = float(np.linalg.norm(sim.theta_final.mean(0) - ts))
    approaches = bool(np.isfinite(d1) and d1 < d0 and mean.distance < d0)
    if chk.verdict is Verdict.CERTIFIED:
        ok = approaches and sim.diverged == 0
        verdict = Evidence.CONSISTENT if ok else Evidence.VIOLATED
        note = ("iterates approach theta* as certified" if ok else
                f"certified convergence but {sim.diverged} run(s) diverged" if sim.diverged
                else "certified convergence but the runs moved away from theta*")
    else:
        verdict = Evidence.INCONCLUSIVE
        note = (f"check {chk.verdict.value} ({', '.join(chk.failing) or 'undecided'}); runs "
                f"{'approach' if approaches else 'do not approach'} theta* in {steps} steps")
    return {"algorithm": algorithm, "check": chk.verdict.value, "failing": chk.failing,
            "mode": mode, "distance_start": d0, "distance_end": d1,
            "mean_recursion_distance_end": mean.distance, "rmspbe_end": float(sim.rmspbe_mean[-1]),
            "diverged_runs": sim.diverged, "note": note, "verdict": verdict.value}


def run(args: argparse.Namespace) -> int:
    from certify.mdp import load_problem

    doc = crossval_sa(args.algo, load_problem(args.problem, positive_sampling=False),
                      args.exponents, args.w, args.runs, args.steps, args.seed, args.mode)
    if args.json:
        print_json(doc)
    else:
        console.print(f"{doc['algorithm']}: check {doc['check']}; ||theta - theta*|| "
                      f"{fmt(doc['distance_start'], 5)} -> {fmt(doc['distance_end'], 5)}; "
                      f"{doc['note']}; verdict {doc['verdict']}")
    return 0 if doc["verdict"] == "consistent" else 1


def run_sa_crossval(algorithm: str, problem: str, exponents: str, w: float = 1.0, runs: int = 20,
                    steps: int = 5000, seed: int = 0, mode: str = "iid") -> dict:
    """Command form of :func:`crossval_sa`: a problem name or file in, the --json document out."""
    from certify.mdp import load_problem

    return crossval_sa(algorithm, load_problem(problem, positive_sampling=False), exponents, w,
                       runs, steps, seed, mode)
