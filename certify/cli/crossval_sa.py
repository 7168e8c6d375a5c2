"""``certify crossval sa ALGO PROBLEM ...``: the N-timescale checker against simulated runs.

Where ``sa check`` certifies convergence, the simulated mean iterate must approach theta*
(distance to theta* shrinks), and so must the expected-update recursion with the same
schedules (:mod:`certify.algorithms.td.mean`, no sampling noise); where it refuses, the runs are shown for
what they do.  Runs sample i.i.d. (the checker's model) or along behaviour trajectories
(``--mode markov``; the default for gtd2-lambda and tdc-lambda).  The built-ins of
:mod:`certify.algorithms.td.variants` (``--lam`` for the lambda ones) are checked and
simulated as ``sa check`` and ``simulate`` do; actor-critic, which no simulator runs, is
refused with a one-line error.  A simulation is evidence, never a proof, so the outcome is a
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
from certify.cli.outcome import OneLineParser
from certify.cli.simulate import plain_doc

KEY: str = "sa"


def build_parser() -> argparse.ArgumentParser:
    from certify.cli.sa import ALGOS, CHECK_ONLY

    p = OneLineParser(prog="certify crossval sa",
                                description=plain_doc(__doc__.strip().split("\n")[0]))
    p.add_argument("algo", metavar="ALGO", choices=ALGOS + CHECK_ONLY,
                   help=", ".join(ALGOS + CHECK_ONLY) + " (actor-critic is checked, not simulated: "
                        "refused here)")
    p.add_argument("problem", metavar="PROBLEM", type=problem_spec, help="a file or a built-in name")
    p.add_argument("--exponents", required=True, help="one per timescale, fastest first")
    p.add_argument("--w", type=real, default=1.0, help="momentum constant w")
    p.add_argument("--lam", type=real, default=None,
                   help="trace parameter lambda in [0, 1] (gtd2-lambda, tdc-lambda only)")
    p.add_argument("--runs", type=positive_int, default=20,
                   help="number of independent runs (default 20)")
    p.add_argument("--steps", type=positive_int, default=5000,
                   help="number of steps per run (default 5000)")
    p.add_argument("--seed", type=nonneg_int, default=0,
                   help="integer seed >= 0 of the simulated runs (default 0)")
    p.add_argument("--mode", choices=("iid", "markov"), default=None,
                   help="sampling of the simulated runs (default iid, the checker's model; "
                        "markov for the lambda algorithms, whose trace follows a trajectory)")
    add_json_flag(p)
    return p


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.td.crossval import crossval_sa
    from certify.mdp import load_problem

    doc = crossval_sa(args.algo, load_problem(args.problem, positive_sampling=False),
                      args.exponents, args.w, args.runs, args.steps, args.seed, args.mode,
                      args.lam)
    if args.json:
        print_json(doc)
    else:
        lam = "" if doc["lambda"] is None else f" (lambda = {doc['lambda']:g})"
        console.print(f"{doc['algorithm']}{lam}, {doc['mode']} runs: check {doc['check']}; "
                      "||theta - theta*|| "
                      f"{fmt(doc['distance_start'], 5)} -> {fmt(doc['distance_end'], 5)}; "
                      f"{doc['note']}; verdict {doc['verdict']}")
    return 0 if doc["verdict"] == "consistent" else 1
