"""The constant step size that minimises the certified mean-square bound at a budget of K steps.

For each alpha on a geometric grid (refined around the best by golden-section search on
log alpha) :func:`certify.algorithms.qlearning.meansquare.mean_square_bound` gives a certified upper
bound on sqrt(E||Q_K - Q*||_inf^2) (i.i.d. sampling, reward noise +-b).  The minimiser is a
float search; the bound printed at it is certified like every other.  With a target eps the
certified number of steps to reach sqrt(E||Q_k - Q*||_inf^2) <= eps is the smallest k for
which one of the computed certificates (at any alpha on the grid) gives it.

Beside it, the orders of magnitude of published sample complexities for the same problem
(:func:`literature_rates`).  Their papers state them up to universal constants (or with
constants that are not given numerically), so they are printed with the constant set to 1
and labelled "order only": they are not certified and not bounds on this instance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from certify.algorithms.qlearning.meansquare import MeanSquareBound, mean_square_bound
from certify.errors import InvalidInput
from certify.mdp.finite import FiniteMDP
from certify.mdp.sampling import Sampling
from certify.solver_options import SolverOptions


@dataclass(frozen=True)
class StepSizeResult:
    """Outcome of :func:`best_step_size`.

    ``evaluated`` lists (alpha, bound) for every alpha tried; ``best`` is the bound at the
    minimiser; ``steps_to_target`` the certified number of steps to reach ``target`` (None
    when no evaluated certificate reaches it), ``alpha_for_target`` the alpha that does.
    """

    steps: int
    noise: float
    best: MeanSquareBound
    evaluated: tuple[tuple[float, float], ...]
    target: float | None
    steps_to_target: int | None
    alpha_for_target: float | None
    literature: tuple[dict, ...]
    diminishing: dict | None = None

    def to_dict(self) -> dict:
        return {"steps": self.steps, "noise": self.noise, "alpha": self.best.alpha,
                "bound": self.best.bound, "trivial": self.best.trivial,
                "verdict": self.best.verdict, "mean_square": self.best.to_dict(),
                "evaluated": [{"alpha": a, "bound": b} for a, b in self.evaluated],
                "target": self.target, "steps_to_target": self.steps_to_target,
                "alpha_for_target": self.alpha_for_target,
                "literature": list(self.literature), "diminishing": self.diminishing}


def literature_rates(mdp: FiniteMDP, sampling: Sampling, eps: float | None) -> tuple[dict, ...]:
    """Published sample complexities evaluated with every unspecified constant set to 1.

    mu_min = d_min, t_mix = 1 (i.i.d. sampling), L (covering time) = 1 / d_min, and the
    logarithmic factors are dropped.  Each entry says which paper and which statement, and
    (``constants``) what the paper says about its constants:

    * Li, Wei, Chi, Gu and Chen (IEEE Trans. Inf. Theory 68(1), 2022), Theorem 1: a sample
      size c0 / mu_min (1 / ((1 - gamma)^5 eps^2) + t_mix / (1 - gamma)) times log factors
      suffices, for universal constants c0, c1 the paper does not give numerically: an order.
    * Even-Dar and Mansour (JMLR 5, 2003), Theorem 4: the asynchronous bound with polynomial
      step 1 / k^omega is stated with Omega(.): an order.
    * Qu and Wierman (COLT 2020): the order t_mix / (mu_min^2 (1 - gamma)^5 eps^2) as the
      paper summarises it; its theorem's numerical constants are not reproduced here.
    * Beck and Srikant (Systems & Control Letters 61(12), 2012): listed without a number.

    None of them is certified or is a bound on this instance.
    """
    g = mdp.gamma
    mu = float(sampling.d.min())
    e = eps if eps is not None else 0.1
    one_g = 1.0 - g
    out = [
        {"reference": "Li, Wei, Chi, Gu, Chen, IEEE Trans. Inf. Theory 2022 (NeurIPS 2020): "
                      "sample complexity of asynchronous Q-learning, constant step size",
         "order": "1/(mu_min (1-gamma)^5 eps^2) + t_mix/(mu_min (1-gamma))",
         "steps_order_c1": 1 / (mu * one_g**5 * e**2) + 1 / (mu * one_g)},
        {"reference": "Qu and Wierman, COLT 2020: finite-time analysis of asynchronous "
                      "stochastic approximation and Q-learning, rescaled linear step size",
         "order": "t_mix/(mu_min^2 (1-gamma)^5 eps^2)",
         "steps_order_c1": 1 / (mu**2 * one_g**5 * e**2)},
        {"reference": "Even-Dar and Mansour, JMLR 2003: learning rates for Q-learning, "
                      "polynomial step 1/k^omega (omega = 0.77 shown), covering time L",
         "order": "(L^(1+3 omega) V_max^2/(beta^2 eps^2))^(1/omega) + (L/beta)^(1/(1-omega)),"
                  " beta = (1-gamma)/2, logarithms dropped",
         "steps_order_c1": _even_dar(mu, g, mdp.r_max, e, 0.77)},
        {"reference": "Beck and Srikant, Systems & Control Letters 2012: error bounds for "
                      "constant step-size Q-learning (first moment)",
         "order": "bound on E||Q_k - Q*|| with constants tied to a persistence-of-excitation "
                  "period; no closed form is reproduced here",
         "steps_order_c1": None},
    ]
    constants = [
        "the paper's Theorem 1 holds with universal constants c0, c1 > 0 that it does not give "
        "numerically (and log factors); shown with c0 = 1, logs dropped",
        "the paper's Q-learning theorem carries numerical constants and log factors that are not "
        "reproduced here (not checked against the paper); shown as the order with constant 1",
        "the paper's Theorem 4 (asynchronous, polynomial step) is stated with Omega(.), i.e. up "
        "to unspecified constants and log factors; shown with constant 1, logs dropped",
        "no closed form reproduced",
    ]
    for o, c in zip(out, constants, strict=True):
        o["eps"] = e
        o["constants"] = c
        o["note"] = "order only: unspecified constants set to 1; not certified"
    return tuple(out)


def _even_dar(mu: float, gamma: float, r_max: float, eps: float, omega: float) -> float:
    L = 1.0 / mu
    beta = (1.0 - gamma) / 2.0
    vmax = r_max / (1.0 - gamma)
    a = (L ** (1 + 3 * omega) * vmax**2 / (beta**2 * eps**2)) ** (1 / omega)
    b = (L / beta) ** (1 / (1 - omega))
    return a + b


def best_step_size(mdp: FiniteMDP, sampling: Sampling, steps: int, noise: float = 0.0,
                   target: float | None = None, q0: np.ndarray | None = None,
                   grid: int = 9, refine: int = 5,
                   options: SolverOptions | None = None,
                   diminishing: bool = False) -> StepSizeResult:
    """Minimise the certified bound over constant alpha in (0, min(1, 1/d_max)]; with
    ``diminishing`` also over the schedules of :func:`best_diminishing`."""
    if target is not None and not (target > 0 and math.isfinite(target)):
        raise InvalidInput(f"target = {target!r}; expected a number > 0")
    a_max = min(1.0, 1.0 / float(sampling.d.max()))
    a_min = max(1e-6, min(a_max / 10, 10.0 / max(steps, 1) / float(sampling.d.max())))
    cache: dict[float, MeanSquareBound] = {}

    def ev(la: float) -> float:
        a = float(f"{min(a_max, math.exp(la)):.4g}")  # 4 digits: no near-duplicates
        a = min(a, a_max)
        if a not in cache:
            cache[a] = mean_square_bound(mdp, sampling, a, noise, steps, q0, options=options)
        return cache[a].bound

    logs = np.linspace(math.log(a_min), math.log(a_max), grid)
    vals = [ev(x) for x in logs]
    i = int(np.argmin(vals))
    lo, hi = logs[max(i - 1, 0)], logs[min(i + 1, grid - 1)]
    for _ in range(refine):
        m1, m2 = lo + 0.382 * (hi - lo), lo + 0.618 * (hi - lo)
        if ev(m1) <= ev(m2):
            hi = m2
        else:
            lo = m1
    best_alpha = min(cache, key=lambda a: cache[a].bound)
    best = cache[best_alpha]
    k_t, a_t = None, None
    if target is not None:
        for a, ms in cache.items():
            for r in ms.routes:
                k = r.steps_to(target)
                if k is not None and (k_t is None or k < k_t):
                    k_t, a_t = k, a
    dim = best_diminishing(mdp, sampling, int(steps), noise, q0) if diminishing else None
    return StepSizeResult(int(steps), float(noise), best,
                          tuple(sorted((a, m.bound) for a, m in cache.items())), target, k_t,
                          a_t, literature_rates(mdp, sampling, target), dim)


def best_diminishing(mdp: FiniteMDP, sampling: Sampling, steps: int, noise: float = 0.0,
                     q0: np.ndarray | None = None,
                     alpha_max: tuple[float, ...] = (0.02, 0.05, 0.1),
                     cs: tuple[float, ...] = (10.0, 30.0, 100.0, 300.0)) -> dict | None:
    """The schedule alpha_k = c / (k + k0) (c on a grid, k0 = c / alpha_max) with the smallest
    certified bound at K (:func:`certify.algorithms.qlearning.diminishing.diminishing_route`, small MDPs
    only); None when no schedule is certified."""
    from certify.algorithms.qlearning.diminishing import diminishing_route

    tried = []
    best = None
    for am in alpha_max:
        for c in cs:
            r = diminishing_route(mdp, sampling, c, c / am, noise, steps, q0)
            b = None if r is None else r.bound
            tried.append({"c": c, "k0": c / am, "bound": b})
            if b is not None and (best is None or b < best[0]):
                best = (b, c, c / am, r)
    if best is None:
        return None
    return {"c": best[1], "k0": best[2], "bound": best[0], "route": best[3].to_dict(),
            "tried": tried, "schedule": "alpha_k = c / (k + k0), k = 0, 1, ..."}


def run_stepsize(mdp: str, steps: int, noise: float = 0.0, target: float | None = None,
                 sampling: str | None = None) -> dict:
    """The ``stepsize`` command as a function of plain parameters (claims and sweeps)."""
    from certify.mdp.io import load_problem_with_sampling
    from certify.mdp.sampling import uniform_sampling

    problem, samp = load_problem_with_sampling(mdp, sampling)
    samp = samp or problem.sampling or uniform_sampling(problem.mdp)
    return best_step_size(problem.mdp, samp, steps, noise, target).to_dict()
