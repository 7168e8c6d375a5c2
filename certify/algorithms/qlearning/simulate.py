"""Vectorised Monte-Carlo simulation of tabular Q-learning (batch axis = independent runs).

:func:`simulate_qlearning` runs asynchronous Q-learning with i.i.d. sampling from d or with
Markovian sampling along one behaviour trajectory per run, or synchronous Q-learning, with a
constant or diminishing step size and the seed's bounded reward noise r + xi, xi uniform on
{-b, +b} (seed 002, Section 6).  It keeps the sup-norm error ||Q_k - Q*||_inf of every run at
the recorded times only, so memory is O(runs x recorded times), flat in the number of steps.
Run r uses its own random stream (:mod:`certify.simulate.rng`): the same seed gives the same
trajectories whatever ``batch`` (runs per compiled call) or ``chunk`` (steps per call).

The same compiled kernels run stochastic *smooth* Q-learning (seed 000; Lee and Na, arXiv
2404.14442): ``operator`` replaces max_a' Q(s', a') by a smooth maximum h (lse, mellowmax,
boltzmann, soft; the formulas of :func:`certify.mdp.bellman.smooth_max`), and the errors are
then measured against the fixed point of F_h (Q* for boltzmann, whose F_h need not contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from certify.errors import InvalidInput
from certify.extras import numba_or_fallback, require
from certify.mdp.bellman import OPERATORS, check_operator, check_temperature, smooth_fixed_point
from certify.mdp.bellman import q_star as compute_q_star
from certify.mdp.finite import FiniteMDP
from certify.mdp.problem import Problem
from certify.mdp.sampling import Sampling, uniform_sampling
from certify.simulate.kernels import MODES, OPS, advance, empty_counts
from certify.simulate.progress import DelayedProgress
from certify.simulate.rng import alias_draw, alias_table, check_seed, next_uniform, row_alias, run_states
from certify.simulate.schedule import StepSize, as_step_size, check_count, record_times
from certify.simulate.stats import ErrorStats, error_stats

if TYPE_CHECKING:
    from pathlib import Path

nb = numba_or_fallback()  # the simulate extra; entry points require it


@dataclass(frozen=True, eq=False)
class QSimulation:
    """Result of :func:`simulate_qlearning`.

    Attributes
    ----------
    times : int array (T,)
        Recorded steps (0 = the initial point).
    errors : array (runs, T)
        ||Q_k - Q*||_inf of each run at each recorded step.
    e0 : array (runs,)
        ||Q_0 - Q*||_inf of each run.
    q_star : array (S, A)
        The reference point of the errors: Q*, or the fixed point of F_h for a smooth
        ``operator`` other than boltzmann.
    q_final : array (runs, n)
        The last iterate of every run (state-major).
    counts : int array (runs, n) or None
        Visits of each pair per run (when ``count=True``).
    mode : {"iid", "markov", "sync"}
    step_size : StepSize
    noise : float
        Bound b of the reward noise.
    seed : int
    runs, steps : int
    operator : str
        The backup h (``max`` for plain Q-learning).
    temperature : float or None
    """

    times: np.ndarray
    errors: np.ndarray
    e0: np.ndarray
    q_star: np.ndarray
    q_final: np.ndarray
    counts: np.ndarray | None
    mode: str
    step_size: StepSize
    noise: float
    seed: int
    runs: int
    steps: int
    operator: str = "max"
    temperature: float | None = None

    @property
    def relative(self) -> np.ndarray:
        """||Q_k - Q*||_inf / ||Q_0 - Q*||_inf per run (runs, T)."""
        return self.errors / self.e0[:, None]

    def stats(self, relative: bool = False) -> ErrorStats:
        return error_stats(self.times, self.relative if relative else self.errors)

    def updates(self) -> int:
        """Number of sample-updates performed (n per step for synchronous Q-learning)."""
        per = self.q_final.shape[1] if self.mode == "sync" else 1
        return self.runs * self.steps * per

    def to_dict(self) -> dict:
        return {"mode": self.mode, "operator": self.operator, "temperature": self.temperature,
                "runs": self.runs, "steps": self.steps, "seed": self.seed,
                "step_size": self.step_size.to_dict(), "reward_noise": self.noise,
                "q_star": self.q_star.tolist(), "e0_mean": float(self.e0.mean()),
                "error": self.stats().to_dict(), "relative_error": self.stats(True).to_dict()}


@nb.njit(cache=True)
def _initial_states(rng, prob, alias, n_actions):
    out = np.empty(rng.shape[0], dtype=np.int64)
    for r in range(rng.shape[0]):
        out[r] = alias_draw(next_uniform(rng, r), prob, alias) // n_actions
    return out


def _check_times(times: object) -> np.ndarray:
    """Recorded steps: a non-empty 1-d list of integers, returned sorted without repeats."""
    try:
        arr = np.asarray(times)
    except ValueError:
        arr = np.asarray(times, dtype=object)
    ok = arr.ndim == 1 and arr.size > 0 and arr.dtype != bool and (
        np.issubdtype(arr.dtype, np.integer) or (
            np.issubdtype(arr.dtype, np.floating) and bool(np.all(np.isfinite(arr)))
            and bool(np.all(arr == np.round(arr)))))
    if not ok:
        raise InvalidInput(f"times = {times!r}; expected a non-empty list of integer steps")
    return np.unique(arr.astype(np.int64))


def _check_sampling(mdp: FiniteMDP, sampling: Sampling, mode: str) -> None:
    if sampling.d.shape != (mdp.n_pairs,):
        raise InvalidInput(f"sampling.d: expected shape ({mdp.n_pairs},), found {sampling.d.shape}")
    if mode == "sync":
        return
    zero = np.flatnonzero(sampling.d <= 0)
    if zero.size:
        pairs = ", ".join(f"(state {mdp.state_name(i // mdp.n_actions)}, action "
                          f"{mdp.action_name(i % mdp.n_actions)})" for i in zero)
        raise InvalidInput(f"sampling.d is zero at pairs {pairs}: they are never visited, so "
                           "Q-learning does not converge there; the theory needs d > 0")
    if mode == "markov" and sampling.behaviour is None:
        raise InvalidInput("mode 'markov' needs a sampling model with a behaviour policy "
                           "(sampling 'behaviour' with model 'markov')")


def simulate_qlearning(
    problem: Problem | FiniteMDP | str | Path,
    alpha: float | StepSize,
    sampling: Sampling | None = None,
    runs: int = 100,
    steps: int = 10_000,
    seed: int = 0,
    mode: str = "iid",
    noise: float = 0.0,
    q0: float | np.ndarray = 0.0,
    times: np.ndarray | None = None,
    batch: int | None = None,
    chunk: int | None = None,
    count: bool = False,
    progress: bool = False,
    operator: str = "max",
    temperature: float | None = None,
    mu: np.ndarray | None = None,
    target: np.ndarray | None = None,
) -> QSimulation:
    """Simulate ``runs`` independent runs of Q-learning for ``steps`` steps.

    Parameters
    ----------
    problem : Problem or FiniteMDP
    alpha : float or StepSize
        Constant step, or alpha_k = c / (k + k0)^e.
    sampling : Sampling, optional
        Defaults to the problem's own, else uniform.  ``mode="markov"`` needs a behaviour.
    runs, steps : int >= 1
    seed : int >= 0
    mode : {"iid", "markov", "sync"}
    noise : float >= 0
        Bounded reward noise b: the observed reward is R(s, a) + xi, xi = +-b w.p. 1/2.
    q0 : float or array (S, A)
        Initial Q-table of every run.
    times : int array, optional
        Recorded steps (default :func:`~certify.simulate.schedule.record_times`).
    batch, chunk : int, optional
        Runs per compiled call and maximal steps per call (they never change the result).
    count : bool
        Also return the visit counts of every pair.
    progress : bool
        Allow a progress bar on stderr; it appears only if the run lasts more than about
        1 s (:class:`~certify.simulate.progress.DelayedProgress`).  With ``chunk`` unset the
        steps are then split into calls of about 4 million updates (the result is the same).
    operator : {"max", "lse", "mellowmax", "boltzmann", "soft"}
        The backup h(Q(s', .)); ``temperature`` is lam (tau for soft), ``mu`` the reference
        measure of soft (default uniform).
    target : array (S, A), optional
        Reference point of the errors (default: Q* for max and boltzmann, the fixed point
        of F_h otherwise).
    temperature : float, optional
        lam of the smooth maximum (tau for soft).
    mu : array (A,), optional
        Reference measure of soft (default uniform).
    """
    require("numba", "simulate")  # compiled kernels: without numba, a one-line error
    from certify.mdp.io import as_problem, check_sampling

    problem = as_problem(problem)
    check_sampling(sampling)
    mdp = problem.mdp
    if mode not in MODES:
        raise InvalidInput(f"mode = {mode!r}; expected one of {sorted(MODES)}")
    runs, steps = check_count(runs, "runs"), check_count(steps, "steps")
    seed = check_seed(seed)
    sched = as_step_size(alpha)
    op, lam, mu_arr = _operator(operator, temperature, mu, mdp.n_actions)
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not noise >= 0 \
            or not np.isfinite(noise):
        raise InvalidInput(f"noise = {noise!r}; expected a finite number >= 0")
    sampling = sampling or problem.sampling or uniform_sampling(mdp)
    _check_sampling(mdp, sampling, mode)
    q_init = np.broadcast_to(np.asarray(q0, dtype=float), (mdp.n_states, mdp.n_actions))
    if not np.all(np.isfinite(q_init)):
        raise InvalidInput("q0: every initial Q-value must be finite")
    times = record_times(steps) if times is None else _check_times(times)
    if times[0] < 0 or times[-1] > steps:
        raise InvalidInput(f"times: expected recorded steps in [0, {steps}], found "
                           f"[{times[0]}, {times[-1]}]")
    batch = runs if batch is None else check_count(batch, "batch")
    per_step = mdp.n_pairs if mode == "sync" else 1
    if chunk is None:
        chunk = steps if not progress else max(1, 4_000_000 // (batch * per_step))
    chunk = check_count(chunk, "chunk")

    qs = _reference(mdp, operator, temperature, mu, target)
    qs_flat = qs.reshape(-1)
    Pm = mdp.P_matrix
    p_prob, p_alias = row_alias(Pm.indptr, Pm.data)
    d_prob, d_alias = alias_table(sampling.d)
    beh = sampling.behaviour if sampling.behaviour is not None else np.full(
        (mdp.n_states, mdp.n_actions), 1.0 / mdp.n_actions)
    beta_cum = np.cumsum(beh, axis=1).reshape(-1)
    consts = (Pm.indptr.astype(np.int64), Pm.indices.astype(np.int64), p_prob, p_alias,
              mdp.r_vector.astype(float), float(noise), mdp.gamma, mdp.n_actions,
              d_prob, d_alias, beta_cum, OPS[operator], lam, float(np.log(mdp.n_actions)), mu_arr)

    errors = np.empty((runs, times.size))
    q_final = np.empty((runs, mdp.n_pairs))
    counts = np.zeros((runs, mdp.n_pairs), dtype=np.int64) if count else None
    # time segments: between recorded times, split further into chunks
    bounds = np.unique(np.concatenate([times, np.arange(0, steps, chunk), [steps]]))
    rec = set(times.tolist())
    bar = DelayedProgress(runs * steps * per_step, f"simulating {mode} Q-learning") if progress \
        else None
    for first in range(0, runs, batch):
        nb_runs = min(batch, runs - first)
        Q = np.tile(q_init.reshape(-1), (nb_runs, 1))
        rng = run_states(seed, first, nb_runs)
        cur = (_initial_states(rng, d_prob, d_alias, mdp.n_actions) if mode == "markov"
               else np.zeros(nb_runs, dtype=np.int64))
        cnt = np.zeros((nb_runs, mdp.n_pairs), dtype=np.int64) if count else empty_counts(nb_runs)
        col = 0
        for j, k in enumerate(bounds):
            if j > 0:
                advance(Q, rng, cur, cnt, MODES[mode], int(bounds[j - 1]), int(k), sched.c,
                        float(sched.k0), sched.e, *consts)
                if bar is not None:
                    bar.advance(nb_runs * int(k - bounds[j - 1]) * per_step)
            if int(k) in rec:
                errors[first:first + nb_runs, col] = np.abs(Q - qs_flat).max(axis=1)
                col += 1
        q_final[first:first + nb_runs] = Q
        if count:
            counts[first:first + nb_runs] = cnt
    if bar is not None:
        bar.stop()
    e0 = np.abs(q_init.reshape(-1) - qs_flat).max() * np.ones(runs)
    return QSimulation(times, errors, e0, qs, q_final, counts, mode, sched, float(noise), seed,
                       runs, steps, operator, None if temperature is None else float(temperature))


def _operator(operator: str, temperature: float | None, mu: np.ndarray | None,
              n_actions: int) -> tuple[int, float, np.ndarray]:
    """Kernel code, lam (1/tau for soft) and reference measure of a backup operator."""
    if not isinstance(operator, str):
        raise InvalidInput(f"operator = {operator!r}; expected one of {', '.join(OPERATORS)}")
    check_operator(operator)
    mu_arr = np.full(n_actions, 1.0 / n_actions)
    if operator == "max":
        if mu is not None or temperature is not None:
            raise InvalidInput("operator 'max' takes no temperature and no reference measure mu")
        return 0, 1.0, mu_arr
    lam = check_temperature(temperature, operator)
    if operator == "soft":
        lam = 1.0 / lam
        if mu is not None:
            mu_arr = np.asarray(mu, dtype=float)
            if mu_arr.shape != (n_actions,) or not np.all(mu_arr > 0) or \
                    abs(mu_arr.sum() - 1.0) > 1e-9:
                raise InvalidInput(f"mu = {mu!r}; expected a positive distribution over the "
                                   f"{n_actions} actions (sum 1 within 1e-9)")
    elif mu is not None:
        raise InvalidInput(f"mu: only the 'soft' operator takes a reference measure, not {operator!r}")
    return OPS[operator], lam, mu_arr


def _reference(mdp: FiniteMDP, operator: str, temperature: float | None, mu: np.ndarray | None,
               target: np.ndarray | None) -> np.ndarray:
    if target is not None:
        tgt = np.asarray(target, dtype=float)
        if tgt.shape not in ((mdp.n_states, mdp.n_actions), (mdp.n_pairs,)) or \
                not np.all(np.isfinite(tgt)):
            raise InvalidInput(f"target: expected finite values of shape ({mdp.n_states}, "
                               f"{mdp.n_actions}), found shape {tgt.shape}")
        return tgt.reshape(mdp.n_states, mdp.n_actions)
    if operator in ("max", "boltzmann"):
        return compute_q_star(mdp)[0]
    return smooth_fixed_point(mdp, operator, temperature, mu=mu)

