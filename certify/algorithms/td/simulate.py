"""Vectorised Monte-Carlo runs of the gradient-TD family; RMSPBE curves (seed 003, Sec. 5.3).

Every run applies the update rules of :mod:`certify.algorithms.td.kernel` in their original heavy-ball
form to samples drawn either i.i.d. from the stationary law of the behaviour policy
(``mode="iid"``: seed 003, Assumption 3, the model the checker assumes) or along one
behaviour trajectory per run (``mode="markov"``: how the built-in problems are sampled).
``etd0`` (emphatic TD(0), i.i.d. model only) is TD(0) with the ratio scaled by the expected
emphasis f(s)/mu(s) of :mod:`certify.algorithms.td.variants`.
Run r uses stream r of ``seed`` (:func:`certify.simulate.rng.run_states`), so a run's
trajectory depends neither on how many runs are simulated nor on the batch size.

Step sizes: timescale i (fastest first) uses a_i(n) = c_i / (n+1)^{e_i}; they give the
algorithm's own steps (:func:`algorithm_steps`): alpha (and beta) directly for TD(0), GTD2
and TDC; alpha = xi varrho with (xi, beta, varrho) for the 3-timescale variants; alpha = xi
varrho and beta = xi' varrho' with (xi, xi', varrho', varrho) for the 4-timescale ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from certify.algorithms.td.algorithms import Algorithm, get_algorithm
from certify.algorithms.td.kernel import BASES, MODES, advance
from certify.algorithms.td.linear import LinearTD, from_problem
from certify.algorithms.td.stepsizes import parse_exponents, schedule
from certify.errors import InvalidInput
from certify.extras import require
from certify.mdp.problem import Problem
from certify.simulate.rng import check_seed, run_states

#: A run has diverged once its RMSPBE exceeds this multiple of its value at step 0.
DIVERGENCE_FACTOR = 1e6


def divergence_counts(vals: np.ndarray, factor: float = DIVERGENCE_FACTOR) -> tuple[int, int, int]:
    """(diverged, non-finite, grown) runs of an error table ``vals`` (records, runs).

    A run is non-finite when its error stops being finite at some recorded time; it has grown
    when it stays finite but exceeds ``factor`` times its value at time 0 (a run that starts
    at error 0 can only diverge by becoming non-finite).  ``diverged`` counts either.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        nonfinite = ~np.all(np.isfinite(vals), axis=0)
        start = vals[0]
        grown = ~nonfinite & (start > 0) & np.any(vals > factor * start, axis=0)
    return int((nonfinite | grown).sum()), int(nonfinite.sum()), int(grown.sum())


@dataclass(frozen=True, eq=False)
class TDSimulation:
    """RMSPBE statistics over runs at recorded times and the final iterates."""

    algorithm: str
    times: np.ndarray
    rmspbe_mean: np.ndarray
    rmspbe_q10: np.ndarray
    rmspbe_q90: np.ndarray
    theta_final: np.ndarray
    theta_star: np.ndarray | None
    diverged: int
    mode: str = "iid"
    diverged_nonfinite: int = 0
    diverged_growth: int = 0
    divergence_factor: float = DIVERGENCE_FACTOR

    def to_dict(self) -> dict:
        ts = self.theta_star
        err = None if ts is None else float(np.linalg.norm(self.theta_final.mean(0) - ts))
        return {"algorithm": self.algorithm, "mode": self.mode, "times": self.times.tolist(),
                "rmspbe_mean": self.rmspbe_mean.tolist(), "rmspbe_q10": self.rmspbe_q10.tolist(),
                "rmspbe_q90": self.rmspbe_q90.tolist(),
                "theta_final_mean": self.theta_final.mean(0).tolist(),
                "theta_star": None if ts is None else ts.tolist(),
                "distance_to_theta_star": err, "diverged_runs": self.diverged,
                "diverged_nonfinite": self.diverged_nonfinite,
                "diverged_growth": self.diverged_growth,
                "divergence_rule": f"RMSPBE non-finite, or > {self.divergence_factor:g} x its "
                                   "value at step 0, at some recorded step"}


@dataclass(frozen=True, eq=False)
class AlgorithmSteps:
    """Per-step alpha_t, beta_t and the momentum coefficients eta_t, eta'_t (0 if unused)."""

    alpha: np.ndarray
    beta: np.ndarray
    eta: np.ndarray
    eta2: np.ndarray


def _eta(varrho: np.ndarray, step: np.ndarray, w: float) -> np.ndarray:
    """eta_t = (varrho_t - w step_t) / varrho_{t-1}; eta_0 multiplies theta_0 - theta_{-1} = 0."""
    out = np.zeros_like(varrho)
    out[1:] = (varrho[1:] - w * step[1:]) / varrho[:-1]
    return out


def algorithm_steps(algo: Algorithm, exponents: tuple, scales: tuple[float, ...], steps: int,
                    w: float) -> AlgorithmSteps:
    """The algorithm's steps from the timescale steps a_i(n) = c_i / (n+1)^{e_i}."""
    a = schedule(exponents, scales, steps)
    zero = np.zeros(steps)
    if algo.momentum == 0:
        beta = a[0] if algo.n_timescales == 2 else zero
        return AlgorithmSteps(a[-1], beta, zero, zero)
    if algo.momentum == 1:
        alpha = a[0] * a[2]
        return AlgorithmSteps(alpha, a[1], _eta(a[2], alpha, w), zero)
    alpha, beta = a[0] * a[3], a[1] * a[2]
    return AlgorithmSteps(alpha, beta, _eta(a[3], alpha, w), _eta(a[2], beta, w))


def check_scales(scales: object, n: int) -> tuple[float, ...]:
    """Step constants c_i: ``n`` finite numbers > 0 (default all 1)."""
    if scales is None:
        return (1.0,) * n
    try:
        sc = tuple(float(c) for c in scales)
    except (TypeError, ValueError):
        sc = ()
    if len(sc) != n or not all(np.isfinite(c) and c > 0 for c in sc):
        raise InvalidInput(f"scales: {scales!r}; expected {n} finite step constants > 0, one "
                           "per timescale, fastest first")
    return sc


def behaviour_and_ratio(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Behaviour policy (the sampling's, else the target) and ratios pi/beta (0 where beta = 0)."""
    s = problem.sampling
    beh = s.behaviour if s is not None and s.behaviour is not None else problem.target
    if beh is None:
        raise InvalidInput(f"target: problem {problem.name!r} has neither a target policy nor a "
                           "behaviour policy to evaluate")
    target = problem.target if problem.target is not None else beh
    ratio = np.where(beh > 0, target / np.where(beh > 0, beh, 1.0), 0.0)
    return beh, ratio


def simulate_td(algorithm: str, problem: Problem, exponents: object, w: float = 1.0,
                scales: tuple[float, ...] | None = None, runs: int = 100, steps: int = 10_000,
                seed: int = 0, records: int = 50, td: LinearTD | None = None,
                theta0: np.ndarray | None = None, mode: str = "iid",
                batch: int | None = None,
                divergence_factor: float = DIVERGENCE_FACTOR) -> TDSimulation:
    """Simulate ``runs`` independent runs of ``algorithm`` for ``steps`` steps from ``theta0``
    (default 0; Baird's classic start is (1, 1, 1, 1, 1, 1, 10, 1)); u starts at 0.

    ``mode`` is "iid" or "markov" (module docstring); ``batch`` runs are advanced per compiled
    call (it never changes the result).  A run counts as diverged when its RMSPBE stops
    being finite or exceeds ``divergence_factor`` times its value at step 0
    (:func:`divergence_counts`).

    Parameters
    ----------
    algorithm : str
        A name of ``certify.algorithms.td.algorithms.ALGORITHMS`` (e.g. ``gtd2``, ``tdc-m3``).
    problem : Problem
        With features (and a target policy for off-policy evaluation).
    exponents : sequence of float
        Step-size exponents, fastest timescale first.
    w : float
        Momentum constant.
    scales : tuple of float, optional
        Step-size scales c_i (default 1).
    runs, steps : int
    seed : int
    records : int
        Number of recorded steps.
    td : LinearTD, optional
        Precomputed expected quantities.
    theta0 : array (k,), optional
        Initial theta (default 0).
    mode : {"iid", "markov"}
    batch : int, optional
        Runs per compiled call.
    divergence_factor : float
        A run is diverged when its RMSPBE exceeds this multiple of its start (or is not
        finite).
    """
    if not (isinstance(divergence_factor, int | float) and np.isfinite(divergence_factor)
            and divergence_factor > 1):
        raise InvalidInput(f"divergence_factor = {divergence_factor!r}; expected a finite "
                           "number > 1")
    require("numba", "simulate")  # compiled kernels: without numba, a one-line error
    emphatic = algorithm == "etd0"
    algo = replace(get_algorithm("td0"), name="etd0") if emphatic else get_algorithm(algorithm)
    ex = parse_exponents(exponents, algo.n_timescales, algo.name)
    seed = check_seed(seed)
    if mode not in MODES:
        raise InvalidInput(f"mode = {mode!r}; expected one of {', '.join(MODES)}")
    scales = check_scales(scales, algo.n_timescales)
    f_weight = None
    if emphatic:
        # emphatic TD(0) in the i.i.d. model: TD(0) with rho scaled by the expected emphasis
        # f(s)/mu(s) (certify.algorithms.td.variants); its own A_E, b_E give the error
        from certify.algorithms.td.variants import emphatic_quantities

        if mode != "iid":
            raise InvalidInput("etd0 is simulated in the i.i.d. model (emphasis at its "
                               "expectation f(s)/mu(s)); --mode markov is not supported")
        td_e, f = emphatic_quantities(problem)
        td = td if td is not None else td_e
        # a state of mass mu(s) = 0 is never sampled: its weight is irrelevant (0, not 0/0)
        mu = np.asarray(td_e.mu, dtype=float)
        f_weight = np.divide(f, mu, out=np.zeros_like(mu), where=mu > 0)
    td = td if td is not None else from_problem(problem, require_full_rank=False, exact=False)
    mdp = problem.mdp
    beh, ratio = behaviour_and_ratio(problem)
    if f_weight is not None:
        ratio = ratio * f_weight[:, None]
    st = algorithm_steps(algo, ex, scales, steps, float(w))
    k = td.k
    th0 = np.zeros(k) if theta0 is None else np.asarray(theta0, dtype=float)
    if th0.shape != (k,) or not np.all(np.isfinite(th0)):
        raise InvalidInput(f"theta0: expected {k} finite numbers, found {np.asarray(theta0)!r}")
    consts = (st.alpha, st.beta, st.eta, st.eta2, np.ascontiguousarray(td.phi, dtype=float),
              np.ascontiguousarray(mdp.R, dtype=float), ratio, float(td.gamma),
              np.cumsum(td.mu), np.cumsum(beh, axis=1).reshape(-1),
              np.cumsum(mdp.P, axis=2).reshape(-1))
    rec = np.unique(np.linspace(0, steps, records + 1).astype(np.int64))
    batch = runs if batch is None else max(1, int(batch))
    theta_all = np.empty((runs, k))
    vals = np.empty((rec.size, runs))
    for first in range(0, runs, batch):
        n = min(batch, runs - first)
        theta = np.tile(th0, (n, 1))
        u, dth, du = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k))
        rng = run_states(seed, first, n)
        cur = np.zeros(n, dtype=np.int64)
        for j, t in enumerate(rec):
            if j > 0:
                advance(theta, u, dth, du, rng, cur, MODES[mode], BASES[algo.base],
                        algo.momentum, int(rec[j - 1]), int(t), *consts)
            with np.errstate(over="ignore", invalid="ignore"):
                vals[j, first:first + n] = np.sqrt(np.abs(td.mspbe(theta)))
        theta_all[first:first + n] = theta
    total, nonfinite, grown = divergence_counts(vals, float(divergence_factor))
    fin = np.where(np.isfinite(vals), vals, np.inf)
    with np.errstate(invalid="ignore"):
        q10 = np.quantile(fin, 0.1, axis=1)
        q90 = np.quantile(fin, 0.9, axis=1)
    return TDSimulation(algo.name, rec, vals.mean(1), q10, q90, theta_all, td.theta_star,
                        total, mode, nonfinite, grown, float(divergence_factor))
