"""Certificates and bound curves held against simulated Q-learning trajectories.

:func:`crossval_qlearning` certifies Q-learning (:func:`certify.qlearning.certify_qlearning`),
simulates it (:func:`certify.simulate.qlearning.simulate_qlearning`) and checks each
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
* the pathwise bound of :class:`certify.bounds.MaxNormBound`: every run, every time.

With ``mode="markov"`` the runs follow one behaviour trajectory each (seed 002, Section 5),
the reference-filter curves are the Markovian ones of :mod:`certify.bounds_markov` (the shape
of Theorem 4, with the behaviour chain's mixing constants from :mod:`certify.mixing`), and
the other predictions are unchanged (they hold for either observation model).

Cross-validation is statistical evidence, never a proof: its verdicts are not
:class:`~certify.verdict.Verdict` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .bounds import (
    max_norm_bound,
    noise_constants,
    quadratic_curve,
    reference_filter_bound,
    row_sum_reference_bound,
)
from .bounds_markov import markov_reference_bound
from .errors import InvalidInput, SolverError
from .mdp.finite import FiniteMDP
from .mdp.problem import Problem
from .mdp.sampling import Sampling
from .simulate.mean import mean_recursion
from .simulate.qlearning import QSimulation, simulate_qlearning
from .verdict import Evidence

CONSISTENT, VIOLATED, INCONCLUSIVE = (Evidence.CONSISTENT.value, Evidence.VIOLATED.value,
                                      Evidence.INCONCLUSIVE.value)


@dataclass(frozen=True)
class RateFit:
    """Fitted transient rate: exp(slope) of log(m_k - floor) over ``window`` of steps."""

    rate: float
    lo: float
    hi: float
    floor: float
    window: tuple[int, int]
    points: int

    def to_dict(self) -> dict:
        return {"rate": self.rate, "ci95": [self.lo, self.hi], "floor": self.floor,
                "window": list(self.window), "points": self.points}


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
    """Everything :func:`crossval_qlearning` computed."""

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
        return VIOLATED if VIOLATED in vs else INCONCLUSIVE if INCONCLUSIVE in vs else CONSISTENT

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
    obs = {"mean_at_worst": float(st[j]), "sem_at_worst": float(sem[j]), "step": int(times[j]),
           "bound_at_worst": float(bound[j])}
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
                      f"recorded steps; closest at step {int(times[j])}")


def crossval_qlearning(problem: Problem | FiniteMDP, alpha: float, sampling: Sampling | None = None,
                       runs: int = 200, steps: int = 20_000, seed: int = 0, noise: float = 0.0,
                       q0: float = 0.0, claimed_rate: float | None = None, z: float = 4.0,
                       rate_tol: float | None = None, n_boot: int = 200, mode: str = "iid",
                       progress: bool = False) -> CrossvalResult:
    """Cross-validate the Q-learning certificates of ``problem`` at constant step ``alpha``.

    ``mode`` is ``"iid"`` (pairs drawn from d) or ``"markov"`` (one behaviour trajectory per
    run; needs a Markovian sampling model, whose d is the chain's stationary law).

    ``claimed_rate`` replaces the certified direct rate in every rate-based prediction (with
    the certificate's weights), so a wrong certificate can be tested.  ``rate_tol`` defaults
    to 0.1 (1 - rate).  ``z`` is the number of standard errors allowed for curve checks.
    """
    from .qlearning import certify_qlearning

    if isinstance(problem, FiniteMDP):
        problem = Problem(problem)
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
    cert = certify_qlearning(problem, alpha, sampling, cqlf=None)
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
    tol = 0.1 * (1.0 - rate) if rate_tol is None else float(rate_tol)
    sim = simulate_qlearning(problem, alpha, sampling, runs=runs, steps=steps, seed=seed,
                             noise=noise, q0=q0, mode=mode, progress=progress)
    times, errs = sim.times, sim.errors
    preds: list[Prediction] = []

    fit = fit_transient_rate(times, sim.relative, n_boot=n_boot, seed=seed)
    if fit is None:
        preds.append(Prediction("transient rate", rate, None, INCONCLUSIVE,
                                "fewer than 4 recorded times before the noise floor: increase "
                                "steps or lower the noise"))
    elif not (np.isfinite(fit.lo) and np.isfinite(fit.hi)):
        preds.append(Prediction("transient rate", rate, fit.to_dict(), INCONCLUSIVE,
                                f"fitted rate {fit.rate:.6g} over steps {fit.window[0]}.."
                                f"{fit.window[1]} has no bootstrap interval (one run, or no "
                                "resample above its floor): increase runs"))
    else:
        bad = fit.lo > rate + tol
        preds.append(Prediction(
            "transient rate", rate, fit.to_dict(), VIOLATED if bad else CONSISTENT,
            f"fitted rate {fit.rate:.6g} (95% CI [{fit.lo:.6g}, {fit.hi:.6g}]) over steps "
            f"{fit.window[0]}..{fit.window[1]} {'exceeds' if bad else 'is within'} rate "
            f"{rate:.6g} + tolerance {tol:.3g}"))

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
        from .mixing import behaviour_mixing

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

    mb = max_norm_bound(w, rate, alpha, nc)
    path = mb.curve(times, float(np.abs(e0_vec).max()))
    over = errs - path * (1 + 1e-12)
    r_, t_ = np.unravel_index(int(np.argmax(over)), over.shape)
    bad = over[r_, t_] > 0
    preds.append(Prediction(
        "pathwise max-norm bound", mb.to_dict(),
        {"run": int(r_), "step": int(times[t_]), "error": float(errs[r_, t_]),
         "bound": float(path[t_])}, VIOLATED if bad else CONSISTENT,
        (f"run {r_} at step {times[t_]}: error {errs[r_, t_]:.6g} > bound {path[t_]:.6g}" if bad
         else f"all {sim.runs} runs below the bound at every recorded step (closest: run {r_}, "
              f"step {times[t_]})")))
    return CrossvalResult(mdp, float(alpha), rate, cert.row_sum_rate, cert.verdict.value, sim, fit,
                          tuple(preds), curves, mode, None if mixing is None else mixing.to_dict())


def plot_crossval(res: CrossvalResult, path: str) -> None:
    """Averaged relative error against the certified-rate and row-sum-rate lines."""
    from certify.extras import require

    matplotlib = require("matplotlib", "report")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    st = res.simulation.stats(True)
    k = st.times.astype(float)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.fill_between(k, st.quantiles[0.05], st.quantiles[0.95], alpha=0.2, label="5-95% of runs")
    ax.plot(k, st.mean, label=f"mean relative error ({st.runs} runs)")
    ax.plot(k, res.rate**k, "--", label=f"certified rate {res.rate:.6g}")
    ax.plot(k, res.row_sum_rate**k, ":", label=f"row-sum rate {res.row_sum_rate:.6g}")
    ax.set_yscale("log")
    # the rate lines keep falling; show them down to a decade below the simulated errors
    positive = st.mean[st.mean > 0]
    if positive.size:
        top = max(2.0, 2.0 * float(np.max(st.quantiles[0.95])))
        ax.set_ylim(bottom=max(float(positive.min()) / 10.0, 1e-300), top=top)
    ax.set_xlabel("step k")
    ax.set_ylabel("||Q_k - Q*||_inf / ||Q_0 - Q*||_inf")
    ax.set_title(f"{res.mdp.name}, alpha = {res.alpha:g}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def run_crossval(mdp: str, alpha: float, runs: int = 200, steps: int = 20_000, seed: int = 0,
                 noise: float = 0.0, q0: float = 0.0, rate: float | None = None,
                 mode: str = "iid", sampling: str | None = None) -> dict:
    """The ``crossval`` command as a function of plain parameters (claims and sweeps)."""
    from .mdp.io import load_problem_with_sampling

    problem, samp = load_problem_with_sampling(mdp, sampling, True)
    return crossval_qlearning(problem, alpha, samp, runs=runs, steps=steps, seed=seed,
                              noise=noise, q0=q0, claimed_rate=rate, mode=mode).to_dict()
