"""Certificates and bound curves held against simulated Q-learning trajectories.

:func:`crossval_qlearning` certifies Q-learning
(:func:`certify.algorithms.qlearning.analysis.analyze_qlearning`),
simulates it (:func:`certify.algorithms.qlearning.simulate.simulate_qlearning`) and checks each
prediction against the data, with a verdict ``consistent`` / ``violated`` /
``inconclusive`` and the evidence:

* the transient rate: a log-linear fit of the averaged error minus its floor, before the
  floor, with a bootstrap interval across runs (:func:`fit_transient_rate`); violated when the
  interval lies above rate + tolerance;
* the noise-free mean recursion e_{k+1} = A_{sigma_k} e_k in the certificate's norm:
  ||e_k||_w <= rho^k ||e_0||_w at every step (a sure statement, checked with no margin);
* bound curves on E||e_k||_inf (reference filter, Theorem 3; CQLF, Theorem 2; with the
  certified rate and with the row-sum rate): violated when the averaged error exceeds the
  curve by more than z standard errors at some recorded time;
* the pathwise bound of :class:`certify.algorithms.qlearning.bounds.MaxNormBound`: every run, every time.

With ``mode="markov"`` the runs follow one behaviour trajectory each (seed 002, Section 5),
the reference-filter curves are the Markovian ones of :mod:`certify.algorithms.qlearning.bounds_markov`
(the shape
of Theorem 4, with the behaviour chain's mixing constants from
:mod:`certify.algorithms.qlearning.mixing`), and
the other predictions are unchanged (they hold for either observation model).

Cross-validation is statistical evidence, never a proof: its verdicts are not
:class:`~certify.verdict.Verdict` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from certify.algorithms.qlearning.bounds import (
    max_norm_bound,
    noise_constants,
    quadratic_curve,
    reference_filter_bound,
    row_sum_reference_bound,
)
from certify.algorithms.qlearning.bounds_markov import markov_reference_bound
from certify.algorithms.qlearning.simulate import QSimulation, simulate_qlearning
from certify.errors import InvalidInput, SolverError
from certify.mdp.finite import FiniteMDP
from certify.mdp.problem import Problem
from certify.mdp.sampling import Sampling
from certify.simulate.mean import mean_recursion
from certify.verdict import Evidence

if TYPE_CHECKING:
    from pathlib import Path

CONSISTENT, VIOLATED, INCONCLUSIVE, LOOSE = (
    Evidence.CONSISTENT.value, Evidence.VIOLATED.value, Evidence.INCONCLUSIVE.value,
    Evidence.LOOSE.value)


@dataclass(frozen=True)
class RateFit:
    """Fitted transient rate: exp(slope) of log(m_k - floor) over ``window`` of steps."""

    rate: float
    lo: float
    hi: float
    floor: float
    window: tuple[int, int]
    points: int
    compare: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"rate": self.rate, "ci95": [self.lo, self.hi], "floor": self.floor,
                "window": list(self.window), "points": self.points, "compare": self.compare}

    def relation(self, rate: float) -> str:
        """Where ``rate`` lies relative to the two-sided interval."""
        if not (np.isfinite(self.lo) and np.isfinite(self.hi)):
            return "no interval: the runs cannot separate rates"
        if rate > self.hi:
            return "above the interval (the runs decay faster): excluded"
        if rate < self.lo:
            return "below the interval (the runs decay slower): excluded"
        return "inside the interval: the runs cannot separate it"


@dataclass(frozen=True)
class Prediction:
    name: str
    predicted: object
    observed: object
    verdict: str
    evidence: str

    def to_dict(self) -> dict:
        return {"name": self.name, "predicted": self.predicted, "observed": self.observed,
                "verdict": self.verdict, "evidence": self.evidence}


@dataclass(frozen=True, eq=False)
class CrossvalResult:
    """Everything :func:`crossval_qlearning` computed.

    Attributes
    ----------
    mdp : FiniteMDP
    alpha : float
        The constant step size.
    rate : float
        The rate the predictions use: the certified direct rate, or ``claimed_rate``.
    row_sum_rate : float
        1 - alpha d_min (1 - gamma) (seed 002, Lemma 3).
    certificate_verdict : str
        Verdict of the certificate behind ``rate``.
    simulation : QSimulation
        The Monte-Carlo runs.
    fit : RateFit or None
        Fitted transient rate of the run-average error (:func:`fit_transient_rate`).
    predictions : tuple of Prediction
        Each prediction held against the runs, with its own verdict.
    curves : dict
        Bound curves evaluated at the recorded steps (for plots).
    mode : {"iid", "markov"}
    mixing : dict or None
        Mixing constants of the behaviour chain (``mode="markov"``).
    """

    mdp: FiniteMDP
    alpha: float
    rate: float
    row_sum_rate: float
    certificate_verdict: str
    simulation: QSimulation
    fit: RateFit | None
    predictions: tuple[Prediction, ...]
    curves: dict = field(default_factory=dict)
    mode: str = "iid"
    mixing: dict | None = None

    @property
    def verdict(self) -> str:
        vs = [p.verdict for p in self.predictions]
        return (VIOLATED if VIOLATED in vs else INCONCLUSIVE if INCONCLUSIVE in vs
                else LOOSE if LOOSE in vs else CONSISTENT)

    def to_dict(self) -> dict:
        s = self.simulation
        return {"mdp": self.mdp.summary(), "alpha": self.alpha, "mode": self.mode,
                "mixing": self.mixing, "rate": self.rate,
                "row_sum_rate": self.row_sum_rate, "certificate_verdict": self.certificate_verdict,
                "runs": s.runs, "steps": s.steps, "seed": s.seed, "reward_noise": s.noise,
                "fit": self.fit.to_dict() if self.fit else None,
                "predictions": [p.to_dict() for p in self.predictions],
                "relative_error": s.stats(True).to_dict(), "verdict": self.verdict}


def _slope(k: np.ndarray, y: np.ndarray) -> float:
    return float(np.polyfit(k, y, 1)[0])


def fit_transient_rate(times: np.ndarray, values: np.ndarray, n_boot: int = 200,
                       seed: int = 0, tail: float = 0.8) -> RateFit | None:
    """Fit m_k ~ C r^k + f to the run-average m of ``values`` (runs, T).

    f is the mean of m over the last (1 - tail) of the horizon; the window is the initial
    stretch of recorded times where m_k > 2 f (and m_k - f > 1e-12 m_0); r = exp(slope of
    log(m_k - f)).  The 95% interval comes from ``n_boot`` bootstrap resamples of the runs
    (same window); with a single run there is nothing to resample and the interval is
    (nan, nan), as it is when no resample keeps m_k > f on the window.  None when the window
    holds fewer than 4 times.

    Parameters
    ----------
    times : int array (T,)
        Recorded steps.
    values : array (runs, T)
        Error of each run at each recorded step.
    n_boot : int
        Bootstrap resamples of the runs.
    seed : int
        Seed of the bootstrap.
    tail : float
        Fraction of the horizon after which the mean is the floor f.
    """
    times = np.asarray(times, dtype=float)
    m = values.mean(axis=0)
    late = times >= tail * times[-1]
    f = float(m[late].mean())
    ok = (m > 2.0 * f) & (m - f > 1e-12 * m[0])
    stop = int(np.argmin(ok)) if not ok.all() else ok.size
    idx = np.arange(stop)
    if idx.size < 4:
        return None
    rate = float(np.exp(_slope(times[idx], np.log(m[idx] - f))))
    rng = np.random.default_rng(seed)
    boots = []
    runs = values.shape[0]
    for _ in range(n_boot if runs > 1 else 0):
        mb = values[rng.integers(0, runs, runs)].mean(axis=0)
        fb = mb[late].mean()
        diff = mb[idx] - fb
        if np.all(diff > 0):
            boots.append(np.exp(_slope(times[idx], np.log(diff))))
    lo, hi = (np.percentile(boots, [2.5, 97.5]) if boots else (np.nan, np.nan))
    return RateFit(rate, float(lo), float(hi), f, (int(times[0]), int(times[stop - 1])), int(stop))


def fit_late_rate(times: np.ndarray, values: np.ndarray, n_boot: int = 200, seed: int = 0,
                  noise_free: bool = False, resolve: float = 1e-9) -> RateFit | None:
    """Late-window fit of the asymptotic rate of the run-average m of ``values`` (runs, T).

    The usable stretch is the initial run of recorded times where m_k - f > 2 f (noisy runs:
    f = mean of m over the last fifth of the horizon) or m_k > ``resolve`` m_0 (noise-free
    runs, f = 0: below that the float iterates sit at their rounding floor).  The window is
    the second half (in time) of that stretch, after the fastest modes have died out;
    r = exp(slope of log(m_k - f)) by least squares, with a two-sided 95% percentile
    interval from ``n_boot`` bootstrap resamples of the runs (same window).  None when the
    window holds fewer than 4 times; (nan, nan) interval with one run.
    """
    times = np.asarray(times, dtype=float)
    m = values.mean(axis=0)
    if noise_free:
        f = 0.0
        ok = m > resolve * m[0]
    else:
        f = float(m[times >= 0.8 * times[-1]].mean())
        ok = (m - f > 2.0 * f) & (m - f > resolve * m[0])
    stop = int(np.argmin(ok)) if not ok.all() else ok.size
    if stop < 2:
        return None
    t_end = times[stop - 1]
    idx = np.flatnonzero((times >= 0.5 * t_end) & (np.arange(times.size) < stop))
    if idx.size < 4:
        return None
    rate = float(np.exp(_slope(times[idx], np.log(m[idx] - f))))
    rng = np.random.default_rng(seed)
    boots = []
    runs = values.shape[0]
    late = times >= 0.8 * times[-1]
    for _ in range(n_boot if runs > 1 else 0):
        mb = values[rng.integers(0, runs, runs)].mean(axis=0)
        fb = 0.0 if noise_free else mb[late].mean()
        diff = mb[idx] - fb
        if np.all(diff > 0):
            boots.append(np.exp(_slope(times[idx], np.log(diff))))
    lo, hi = (np.percentile(boots, [2.5, 97.5]) if len(boots) >= max(10, n_boot // 2)
              else (np.nan, np.nan))
    return RateFit(rate, float(lo), float(hi), f, (int(times[idx[0]]), int(times[idx[-1]])),
                   int(idx.size))


def rate_verdict(fit: RateFit, rate: float, certified: float | None,
                 tol: float = 0.0) -> tuple[str, str]:
    """Two-sided verdict on a claimed ``rate`` from the fit interval [lo, hi]:
    violated when rate < lo - tol (the runs decay slower than claimed); loose when rate is above
    both hi and the certified JSR ``certified`` (slower than what is observed and certified);
    consistent otherwise."""
    head = (f"fitted rate {fit.rate:.9g} (95% CI [{fit.lo:.9g}, {fit.hi:.9g}]) over steps "
            f"{fit.window[0]}..{fit.window[1]}")
    if rate < fit.lo - tol:
        return VIOLATED, f"{head}: the claimed rate {rate:.9g} is faster than every rate in it"
    ref = fit.hi if certified is None else max(fit.hi, certified)
    if rate > ref:
        what = "the interval" if certified is None else \
            f"the interval and the certified JSR {certified:.9g}"
        return LOOSE, f"{head}: the claimed rate {rate:.9g} is slower than {what}"
    return CONSISTENT, f"{head}: the claimed rate {rate:.9g} is not contradicted" + (
        "" if certified is None or rate <= fit.hi else
        f" (the certified JSR {certified:.9g} bounds every switching, the runs follow one)")


def check_curve(name: str, times: np.ndarray, bound: np.ndarray, sim_errors: np.ndarray,
                z: float, predicted: dict) -> Prediction:
    """E||e_k||_inf <= bound(k): violated where mean - z sem exceeds the bound (beyond a relative
    rounding allowance of 1e-12).  One run has no standard error: its excess over a bound on the
    expectation is no evidence, and the verdict is then inconclusive."""
    st = sim_errors.mean(axis=0)
    sem = sim_errors.std(axis=0, ddof=1) / np.sqrt(sim_errors.shape[0]) if sim_errors.shape[0] > 1 \
        else np.zeros_like(st)
    excess = st - z * sem - bound
    j = int(np.argmax(excess))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(bound > 0, st / bound, np.inf)
    jr = int(np.argmax(ratio))
    later = np.flatnonzero(times > 0)
    jl = int(later[np.argmax(ratio[later])]) if later.size else jr
    obs = {"mean_at_worst": float(st[j]), "sem_at_worst": float(sem[j]), "step": int(times[j]),
           "bound_at_worst": float(bound[j]), "worst_ratio": float(ratio[jr]),
           "worst_ratio_step": int(times[jr]), "worst_ratio_after_0": float(ratio[jl]),
           "worst_ratio_after_0_step": int(times[jl])}
    worst = (f"worst observed/bound ratio {ratio[jr]:.3g} at step {int(times[jr])}"
             + ("" if jl == jr else f"; after step 0: {ratio[jl]:.3g} at step {int(times[jl])}"))
    # a bound met with equality (e.g. at k = 0) must not fail on the last bit of rounding
    if excess[j] > 1e-12 * max(1.0, abs(float(bound[j]))):
        if sim_errors.shape[0] < 2:
            return Prediction(name, predicted, obs, INCONCLUSIVE,
                              f"at step {int(times[j])} the error {st[j]:.6g} of the single run "
                              f"exceeds the bound {bound[j]:.6g} on its expectation; one run has "
                              "no standard error: use more runs")
        return Prediction(name, predicted, obs, VIOLATED,
                          f"at step {int(times[j])} the mean error {st[j]:.6g} exceeds the bound "
                          f"{bound[j]:.6g} by more than {z:g} standard errors ({sem[j]:.3g})")
    return Prediction(name, predicted, obs, CONSISTENT,
                      f"mean error minus {z:g} s.e. stays below the bound at all {times.size} "
                      f"recorded steps; {worst}")


def crossval_qlearning(problem: Problem | FiniteMDP | str | Path, alpha: float,
                       sampling: Sampling | None = None, runs: int = 200, steps: int = 20_000,
                       seed: int = 0, noise: float = 0.0,
                       q0: float = 0.0, claimed_rate: float | None = None, z: float = 4.0,
                       rate_tol: float | None = None, n_boot: int = 200, mode: str = "iid",
                       progress: bool = False) -> CrossvalResult:
    """Cross-validate the Q-learning certificates of ``problem`` at constant step ``alpha``.

    ``mode`` is ``"iid"`` (pairs drawn from d) or ``"markov"`` (one behaviour trajectory per
    run; needs a Markovian sampling model, whose d is the chain's stationary law).

    ``claimed_rate`` replaces the certified direct rate in every rate-based prediction (with
    the certificate's weights), so a wrong certificate can be tested.  ``rate_tol`` (default
    0) widens the fit interval downwards before a rate is called violated.  ``z`` is the
    number of standard errors allowed for curve checks.

    Parameters
    ----------
    problem : Problem or FiniteMDP
    alpha : float
        Constant step size.
    sampling : Sampling, optional
        Defaults to the problem's own, else uniform.
    runs, steps : int
        Number of independent runs and steps per run.
    seed : int
    noise : float
        Bound b of the additive reward noise +-b.
    q0 : float
        Initial value of every entry of the Q-table.
    claimed_rate : float, optional
        A rate to test instead of the certified one.
    z : float
        Standard errors allowed for the curve checks.
    rate_tol : float, optional
        Widening of the fit interval downwards before a rate is called violated (default 0).
    n_boot : int
        Bootstrap resamples of the rate fit.
    mode : {"iid", "markov"}
    progress : bool
        Allow a progress bar on stderr.
    """
    from certify.algorithms.qlearning.analysis import analyze_qlearning
    from certify.mdp.io import as_problem, check_sampling

    problem = as_problem(problem)
    check_sampling(sampling)
    mdp = problem.mdp
    if mode not in ("iid", "markov"):
        raise InvalidInput(f"mode = {mode!r}; crossval compares 'iid' or 'markov' sampling")
    sampling = sampling or problem.sampling
    if mode == "markov" and (sampling is None or sampling.kind != "markov"
                             or sampling.behaviour is None):
        raise InvalidInput("mode 'markov' needs a Markovian sampling model: a behaviour policy "
                           "with model 'markov' (sampling: {behaviour: [[...]], model: markov}); "
                           f"{problem.name} has "
                           f"{'no sampling model' if sampling is None else sampling.description}")
    cert = analyze_qlearning(problem, alpha, sampling, cqlf=None)
    sampling = cert.sampling
    if cert.direct.upper_certificate is None or (claimed_rate is None
                                                 and not cert.direct.upper_check.certified):
        raise SolverError("crossval: the direct JSR upper bound was not certified "
                          f"({cert.direct.upper_check.reason}); there is no certified rate to "
                          "hold against trajectories (give --rate to check a rate of your own)")
    w = np.asarray(cert.direct.upper_certificate.w, dtype=float)
    rate = float(cert.direct.upper if claimed_rate is None else claimed_rate)
    if not 0.0 < rate < 1.0:
        raise InvalidInput(f"rate = {rate!r}; crossval checks a rate in (0, 1)")
    tol = 0.0 if rate_tol is None else float(rate_tol)
    sim = simulate_qlearning(problem, alpha, sampling, runs=runs, steps=steps, seed=seed,
                             noise=noise, q0=q0, mode=mode, progress=progress)
    times, errs = sim.times, sim.errors
    preds: list[Prediction] = []

    fit = fit_late_rate(times, sim.relative, n_boot=n_boot, seed=seed, noise_free=noise == 0)
    certified_up = float(cert.direct.upper) if cert.direct.upper_check.certified else None
    if fit is None:
        preds.append(Prediction("transient rate", rate, None, INCONCLUSIVE,
                                "fewer than 4 recorded times in the late window before the noise "
                                "floor: increase steps or lower the noise"))
    elif not (np.isfinite(fit.lo) and np.isfinite(fit.hi)):
        preds.append(Prediction("transient rate", rate, fit.to_dict(), INCONCLUSIVE,
                                f"fitted rate {fit.rate:.6g} over steps {fit.window[0]}.."
                                f"{fit.window[1]} has no bootstrap interval (one run, or no "
                                "resample above its floor): increase runs"))
    else:
        for label, r_ in (("claimed rate" if claimed_rate is not None else "certified JSR", rate),
                          ("row-sum rate", cert.row_sum_rate),
                          ("lower comparison rho(A_pi*)",
                           None if cert.lower_comparison is None else cert.lower_comparison.upper)):
            if r_ is not None and np.isfinite(r_):
                fit.compare[label] = {"rate": float(r_), "relation": fit.relation(float(r_))}
        v, ev = rate_verdict(fit, rate, certified_up, tol)
        preds.append(Prediction("transient rate", rate, fit.to_dict(), v, ev))

    q0_tab = np.broadcast_to(np.asarray(q0, float), (mdp.n_states, mdp.n_actions))
    e_mean, _ = mean_recursion(mdp, sampling.d, alpha, q0_tab, sim.q_star, min(steps, 20_000))
    norm_w = (np.abs(e_mean) / w).max(axis=1)
    ks = np.arange(e_mean.shape[0])
    ratio = norm_w / (rate ** ks * norm_w[0])
    # below ~1e-8 |Q*| the float recursion sits at its own rounding floor: stop checking there
    resolved = np.abs(e_mean).max(axis=1) > 1e-8 * max(1.0, float(np.abs(sim.q_star).max()))
    ratio = np.where(resolved, ratio, 0.0)
    # e_k = Q_k - Q* carries an absolute rounding error of a few ulps of |Q*|: allow 1e-12 |Q*|
    slack = 1e-12 * max(1.0, float(np.abs(sim.q_star).max())) / float(w.min())
    over_r = np.flatnonzero(norm_w > (rate ** ks * norm_w[0]) * (1.0 + 1e-9) + slack)
    over_r = over_r[resolved[over_r]]
    bad = over_r.size > 0
    j = int(over_r[0]) if bad else int(np.argmax(ratio))
    preds.append(Prediction(
        "mean recursion in the certificate norm",
        {"rate": rate, "claim": "||e_k||_w <= rate^k ||e_0||_w"},
        {"ratio": float(ratio[j]), "step": j}, VIOLATED if bad else CONSISTENT,
        f"noise-free recursion: ||e_k||_w / (rate^k ||e_0||_w) "
        f"{'first exceeds 1' if bad else 'peaks'} at step {j}: {ratio[j]:.9g}"))

    nc = noise_constants(mdp, float(np.abs(q0_tab).max()), noise)
    e0_vec = (q0_tab - sim.q_star).reshape(-1)
    curves = {}
    mixing = None
    if mode == "markov":
        from certify.algorithms.qlearning.mixing import behaviour_mixing

        mixing = behaviour_mixing(mdp, sampling.behaviour)
        rf = markov_reference_bound(mdp, sampling.d, w, rate, alpha, nc, mixing)
        rr = markov_reference_bound(mdp, sampling.d, np.ones_like(w), cert.row_sum_rate, alpha, nc,
                                    mixing)
        label = "Markovian reference-filter bound"
    else:
        rf = reference_filter_bound(mdp, sampling.d, w, rate, alpha, nc)
        rr = row_sum_reference_bound(mdp, sampling.d, cert.row_sum_rate, alpha, nc)
        label = "reference-filter bound"
    for name, b, wv in ((f"{label} (certificate)", rf, w),
                        (f"{label} (row-sum)", rr, np.ones_like(w))):
        curve = b.curve(times, float((np.abs(e0_vec) / wv).max()))
        curves[name] = curve
        preds.append(check_curve(name, times, curve, errs, z, b.to_dict()))
    if cert.cqlf is not None and cert.cqlf.certificate is not None and cert.quadratic_bound:
        X = np.asarray(cert.cqlf.certificate.X, dtype=float)
        qc = quadratic_curve(X, cert.cqlf.rate, alpha, nc)
        curve = qc.curve(times, float(e0_vec @ X @ e0_vec))
        curves["quadratic bound (CQLF)"] = curve
        preds.append(check_curve("quadratic bound (CQLF)", times, curve, errs, z, qc.to_dict()))

    if mode == "iid" and claimed_rate is None:
        from certify.algorithms.qlearning.meansquare import mean_square_bound

        ms = mean_square_bound(mdp, sampling, alpha, noise, steps, q0_tab, certificate_w=w)
        if ms.best is not None:
            r = ms.best
            ms_curve = np.array([min(ms.trivial, float(np.sqrt(float(r.bound_ms_at(int(k))))))
                                 for k in times])
            name = "mean-square bound (E||e|| <= sqrt(E||e||^2))"
            curves[name] = ms_curve
            preds.append(check_curve(name, times, ms_curve, errs, z, ms.to_dict()))

    mb = max_norm_bound(w, rate, alpha, nc)
    path = mb.curve(times, float(np.abs(e0_vec).max()))
    curves["pathwise max-norm bound"] = path
    over = errs - path * (1 + 1e-12)
    r_, t_ = np.unravel_index(int(np.argmax(over)), over.shape)
    bad = over[r_, t_] > 0
    pr = errs / path[None, :]
    pr_r, pr_t = np.unravel_index(int(np.argmax(pr)), pr.shape)
    preds.append(Prediction(
        "pathwise max-norm bound", mb.to_dict(),
        {"run": int(r_), "step": int(times[t_]), "error": float(errs[r_, t_]),
         "bound": float(path[t_]), "worst_ratio": float(pr[pr_r, pr_t]),
         "worst_ratio_step": int(times[pr_t])}, VIOLATED if bad else CONSISTENT,
        (f"run {r_} at step {times[t_]}: error {errs[r_, t_]:.6g} > bound {path[t_]:.6g}" if bad
         else f"all {sim.runs} runs below the bound at every recorded step; worst "
              f"observed/bound ratio {pr[pr_r, pr_t]:.3g} (run {pr_r}, step {times[pr_t]})")))
    return CrossvalResult(mdp, float(alpha), rate, cert.row_sum_rate, cert.verdict.value, sim, fit,
                          tuple(preds), curves, mode, None if mixing is None else mixing.to_dict())


def plot_crossval(res: CrossvalResult, path: str) -> None:
    """The runs' error ||Q_k - Q*||_inf against the certified bound curves the checks used
    (:mod:`certify.report.crossval_figure`); the format follows the suffix of ``path``."""
    from certify.report.crossval_figure import save_crossval_figure

    save_crossval_figure([res], path)


def run_crossval(mdp: str, alpha: float, runs: int = 200, steps: int = 20_000, seed: int = 0,
                 noise: float = 0.0, q0: float = 0.0, rate: float | None = None,
                 mode: str = "iid", sampling: str | None = None) -> dict:
    """The ``crossval`` command as a function of plain parameters (claims and sweeps)."""
    from certify.mdp.io import load_problem_with_sampling

    problem, samp = load_problem_with_sampling(mdp, sampling, True)
    return crossval_qlearning(problem, alpha, samp, runs=runs, steps=steps, seed=seed,
                              noise=noise, q0=q0, claimed_rate=rate, mode=mode).to_dict()
