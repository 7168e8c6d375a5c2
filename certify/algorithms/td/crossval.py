"""Gradient TD against its certificate: the N-timescale checker held against simulated runs.

Where ``sa check`` certifies convergence, the simulated mean iterate must approach theta*
(distance to theta* shrinks), and so must the expected-update recursion with the same
schedules (:mod:`certify.algorithms.td.mean`, no sampling noise).  A simulation is evidence,
never a proof, so the outcome is a cross-validation verdict: ``consistent`` (certified, and
the mean iterate and the mean recursion both end within :data:`PROGRESS` of the start's
distance to theta*, the runs track the recursion (:data:`TRACKING`), no run diverged),
``violated`` (certified, but a run diverged or the iterates end farther from theta*),
``inconclusive`` (nothing certified to hold the runs against, or runs too short to show the
convergence).  The command line form is
``certify crossval sa`` (:mod:`certify.cli.crossval_sa`).
"""

from __future__ import annotations

PROGRESS = 0.9
"""A certified run is ``consistent`` only when the mean iterate and the noise-free mean
recursion both end within this fraction of the start's distance to theta* (a decrease of a
few per cent, as 1/n^0.9 steps give in a few thousand steps, shows nothing)."""

TRACKING = 0.5
"""... and when the runs' mean ends within this fraction of the recursion's progress of where
the recursion ends (the runs follow the mean ODE the certificate is about)."""

#: built-ins ``sa check`` decides but no simulator runs (the actor-critic's linear model is
#: the Jacobian of a nonlinear mean field at one point, not a sampled update)
NOT_SIMULATED: tuple[str, ...] = ("actor-critic",)


def default_mode(algorithm: str) -> str:
    """The sampling of the runs when none is given: ``markov`` for the lambda algorithms
    (their trace follows one trajectory), ``iid`` (the checker's model) otherwise."""
    from certify.algorithms.td.variants import VARIANTS

    v = VARIANTS.get(algorithm)
    return "markov" if v is not None and v.uses_lambda else "iid"


def crossval_sa(algorithm: str, problem, exponents: str, w: float = 1.0, runs: int = 20,
                steps: int = 5000, seed: int = 0, mode: str | None = None,
                lam: float | None = None) -> dict:
    """Check, simulate, compare: returns a JSON-ready dict with a ``verdict``.

    Parameters
    ----------
    algorithm : str
        A built-in N-timescale algorithm (``gtd2-m3``, ...) or a built-in of
        :mod:`certify.algorithms.td.variants` (``gtd2-lambda``, ``tdc-lambda``, ``etd0``,
        ``gq0``), checked by :func:`~certify.algorithms.td.variants.check_variant`, simulated by
        :mod:`certify.algorithms.td.simulate_variants` (``etd0``: by the TD(0) simulator with
        the expected emphasis), and its mean recursion is its form's with its own (A, b, C).
        ``actor-critic`` is refused (nothing simulates it).
    problem : Problem
        With features.
    exponents : str
        Step-size exponents, fastest timescale first.
    w : float
        Momentum constant (1 for the variants, which have no momentum term).
    runs, steps, seed : int
        Simulated runs, their length and the seed.
    mode : {"iid", "markov"}, optional
        Sampling of the simulated runs (default :func:`default_mode`).
    lam : float, optional
        Trace parameter of ``gtd2-lambda`` and ``tdc-lambda``.
    """
    import numpy as np

    from certify.algorithms.td.analysis import analyze_sa
    from certify.algorithms.td.mean import mean_run
    from certify.algorithms.td.simulate import simulate_td
    from certify.algorithms.td.variants import VARIANTS, check_variant
    from certify.errors import InvalidInput
    from certify.verdict import Evidence, Verdict

    if algorithm in NOT_SIMULATED:
        raise InvalidInput(f"{algorithm}: no simulator runs it (its linear SA is a Jacobian at "
                           "one point); use `certify sa check` alone")
    mode = default_mode(algorithm) if mode is None else mode
    variant = VARIANTS.get(algorithm)
    if variant is not None:
        if w != 1.0:
            raise InvalidInput(f"w = {w!r}: {algorithm} has no momentum term; omit --w")
        chk = check_variant(algorithm, problem, exponents, lam)
        if algorithm == "etd0":
            sim = simulate_td(algorithm, problem, exponents, 1.0, runs=runs, steps=steps,
                              seed=seed, td=chk.td, mode=mode)
        else:
            from certify.algorithms.td.simulate_variants import simulate_variant

            sim = simulate_variant(algorithm, problem, exponents, lam, runs=runs, steps=steps,
                                   seed=seed, mode=mode)
        mean = mean_run(variant.form, chk.td, exponents, 1.0, steps=steps)
    else:
        if lam is not None:
            raise InvalidInput(f"{algorithm} has no trace parameter; omit --lam")
        chk = analyze_sa(algorithm, problem, exponents, w)
        sim = simulate_td(algorithm, problem, exponents, w, runs=runs, steps=steps, seed=seed,
                          td=chk.td, mode=mode)
        mean = mean_run(algorithm, chk.td, exponents, w, steps=steps)
    ts = chk.td.theta_star
    if ts is None:
        d0 = d1 = float("inf")
        approaches = False
    else:
        d0 = float(np.linalg.norm(ts))
        d1 = float(np.linalg.norm(sim.theta_final.mean(0) - ts))
        approaches = bool(np.isfinite(d1) and d1 < d0 and mean.distance < d0)
    progress = PROGRESS * d0
    # the noise-free recursion's own progress, and how far the runs' mean is from it
    lag = abs(d1 - mean.distance) if approaches else float("inf")
    if chk.verdict is Verdict.CERTIFIED:
        if sim.diverged or not approaches:
            verdict = Evidence.VIOLATED
            note = (f"certified convergence but {sim.diverged} run(s) diverged" if sim.diverged
                    else "certified convergence but the runs moved away from theta*")
        elif d1 <= progress and mean.distance <= progress and lag <= TRACKING * (d0 - mean.distance):
            verdict = Evidence.CONSISTENT
            note = (f"iterates approach theta* as certified: distance {d0:.3g} -> {d1:.3g} "
                    f"(noise-free recursion {mean.distance:.3g})")
        else:
            verdict = Evidence.INCONCLUSIVE
            note = (f"runs too short, or too noisy, to show the certified convergence: distance "
                    f"to theta* {d0:.3g} -> {d1:.3g} (noise-free recursion {mean.distance:.3g}); "
                    f"consistent needs both at most {PROGRESS:g} of the start and the runs "
                    f"within {TRACKING:g} of the recursion's progress: more --steps or --runs")
    else:
        verdict = Evidence.INCONCLUSIVE
        where = "theta*" if ts is not None else "a limit (no theta*: A is singular)"
        undecided = [c.name for c in chk.conditions if c.holds is None]
        why = ", ".join(chk.failing) or (", ".join(undecided) + " undecided" if undecided
                                         else "undecided")
        note = (f"check {chk.verdict.value} ({why}); runs "
                f"{'approach' if approaches else 'do not approach'} {where} in {steps} steps")
    return {"algorithm": algorithm, "lambda": None if lam is None else float(lam),
            "check": chk.verdict.value, "failing": chk.failing,
            "mode": mode, "distance_start": d0, "distance_end": d1,
            "mean_recursion_distance_end": mean.distance, "rmspbe_end": float(sim.rmspbe_mean[-1]),
            "diverged_runs": sim.diverged, "note": note, "verdict": verdict.value}


def run_sa_crossval(algorithm: str, problem: str, exponents: str, w: float = 1.0, runs: int = 20,
                    steps: int = 5000, seed: int = 0, mode: str | None = None,
                    lam: float | None = None) -> dict:
    """Command form of :func:`crossval_sa`: a problem name or file in, the --json document out."""
    from certify.mdp import load_problem

    return crossval_sa(algorithm, load_problem(problem, positive_sampling=False), exponents, w,
                       runs, steps, seed, mode, lam)
