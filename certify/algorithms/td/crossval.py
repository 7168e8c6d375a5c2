"""Gradient TD against its certificate: the N-timescale checker held against simulated runs.

Where ``sa check`` certifies convergence, the simulated mean iterate must approach theta*
(distance to theta* shrinks), and so must the expected-update recursion with the same
schedules (:mod:`certify.algorithms.td.mean`, no sampling noise).  A simulation is evidence,
never a proof, so the outcome is a cross-validation verdict: ``consistent`` (certified, and
the mean iterate and the mean recursion both end closer to theta* with no diverged run),
``violated`` (certified, but a run diverged or the iterates end farther from theta*),
``inconclusive`` (nothing certified to hold the runs against).  The command line form is
``certify crossval sa`` (:mod:`certify.cli.crossval_sa`).
"""

from __future__ import annotations


def crossval_sa(algorithm: str, problem, exponents: str, w: float = 1.0, runs: int = 20,
                steps: int = 5000, seed: int = 0, mode: str = "iid") -> dict:
    """Check, simulate, compare: returns a JSON-ready dict with a ``verdict``.

    Parameters
    ----------
    algorithm : str
        A built-in N-timescale algorithm (``gtd2-m3``, ...).
    problem : Problem
        With features.
    exponents : str
        Step-size exponents, fastest timescale first.
    w : float
        Momentum constant.
    runs, steps, seed : int
        Simulated runs, their length and the seed.
    mode : {"iid", "markov"}
        Sampling of the simulated runs.
    """
    import numpy as np

    from certify.algorithms.td.analysis import analyze_sa
    from certify.algorithms.td.mean import mean_run
    from certify.algorithms.td.simulate import simulate_td
    from certify.verdict import Evidence, Verdict

    chk = analyze_sa(algorithm, problem, exponents, w)
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


def run_sa_crossval(algorithm: str, problem: str, exponents: str, w: float = 1.0, runs: int = 20,
                    steps: int = 5000, seed: int = 0, mode: str = "iid") -> dict:
    """Command form of :func:`crossval_sa`: a problem name or file in, the --json document out."""
    from certify.mdp import load_problem

    return crossval_sa(algorithm, load_problem(problem, positive_sampling=False), exponents, w,
                       runs, steps, seed, mode)
