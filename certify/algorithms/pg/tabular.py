"""Exact softmax policy gradient for entropy-regularised tabular MDPs, and its linear rate.

Policy pi_theta(a|s) = mu(a) exp(theta(s, a)) / sum_b mu(b) exp(theta(s, b)).  The exact
gradient of the regularised value (soft policy-gradient theorem; Mei, Xiao, Szepesvari and
Schuurmans 2020, "On the global convergence rates of softmax policy gradient methods",
ICML, Lemma 10) is

    dV^pi_tau(rho) / dtheta(s, a) = d^pi_rho(s) pi(a|s) A_tau(s, a) / (1 - gamma),
    A_tau(s, a) = Q^pi_tau(s, a) - tau ln(pi(a|s) / mu(a)) - V^pi_tau(s).

Gradient ascent theta <- theta + eta grad converges linearly (Mei et al. 2020, Theorem 6).
The constants, **reconstructed** for rewards of any range and a reference measure mu
(theory.md section 5 does not restate them):

* smoothness (Lemma 14, with R replaced by R + tau ln mu, whose span is spn, and rescaled):
  beta_s = (8 spn + tau (4 + 8 ln |A|)) / (1 - gamma)^3;
* non-uniform Lojasiewicz inequality (Lemma 15) with d^pi_rho >= (1 - gamma) rho:
  ||grad||^2 >= (2 tau / S) min rho min pi^2 (1 - gamma) / ||d^{pi*}_rho / rho||_inf * gap;
* so for eta <= 1 / beta_s each step satisfies gap_{t+1} <= (1 - c_t) gap_t with
  c_t = eta tau (1 - gamma) min_s rho(s) min_{s,a} pi_t(a|s)^2 / (S ||d^{pi*}_rho / rho||_inf).

The step condition eta <= 1/beta_s is decided exactly (rational enclosure of the logs);
each step of the exact-gradient trajectory is then held against the inequality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from certify.algorithms.pg.params import check_count, check_positive, initial_distribution, reference_measure
from certify.algorithms.pg.soft import SoftSolution, occupancy, regularised_value, soft_optimal, soft_policy
from certify.exact import as_fraction, round_down_float, round_up_float
from certify.exact.intervals import log_enclosure
from certify.mdp.finite import FiniteMDP
from certify.verdict import Verdict


def softmax_policy(theta: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """pi(a|s) proportional to mu(a) exp(theta(s, a))."""
    return soft_policy(theta, 1.0, mu)


def policy_gradient(mdp: FiniteMDP, theta: np.ndarray, tau: float, mu: np.ndarray,
                    rho: np.ndarray) -> tuple[np.ndarray, float]:
    """Exact gradient dV^{pi_theta}_tau(rho)/dtheta (shape (S, A)) and the value V(rho).

    dV^pi_tau(rho)/dtheta(s, a) = d^pi_rho(s) pi(a|s) A_tau(s, a) / (1 - gamma) with
    A_tau(s, a) = Q^pi_tau(s, a) - tau ln(pi(a|s) / mu(a)) - V^pi_tau(s) (Mei, Xiao, Szepesvari and
    Schuurmans, ICML 2020, Lemma 10).

    The gradient is also the derivative of the value with respect to the logits of any
    parameterisation pi proportional to mu exp(logits), which :mod:`certify.algorithms.pg.meanfield`
    chains with the network's derivative.

    Parameters
    ----------
    mdp : FiniteMDP
    theta : array (S, A)
        Logits.
    tau : float
        Entropy temperature.
    mu : array (A,)
        Reference measure over actions.
    rho : array (S,)
        Initial state distribution.
    """
    pi = softmax_policy(theta, mu)
    v, q = regularised_value(mdp, pi, tau, mu)
    adv = q - tau * np.log(pi / mu) - v[:, None]
    d = occupancy(mdp, pi, rho)
    return d[:, None] * pi * adv / (1.0 - mdp.gamma), float(rho @ v)


def smoothness_bound(mdp: FiniteMDP, tau: float, mu: np.ndarray) -> Fraction:
    """Exact rational upper bound on beta_s = (8 spn + tau (4 + 8 ln A)) / (1 - gamma)^3.

    spn is the span of R(s, a) + tau ln mu(a) (reconstruction of Mei et al. 2020, Lemma 14
    for rewards in [r_min, r_max] and a reference measure; see the module docstring).
    """
    r = [[as_fraction(x) for x in row] for row in mdp.R.tolist()]
    return smoothness_bound_exact(r, as_fraction(mdp.gamma), as_fraction(tau),
                                  [as_fraction(m) for m in mu.tolist()])


def smoothness_bound_exact(r: list[list[Fraction]], gamma: Fraction, tau: Fraction,
                           mu: list[Fraction]) -> Fraction:
    """:func:`smoothness_bound` from exact data: rewards r[s][a], gamma, tau, mu over actions.

    The logarithms are enclosed by interval arithmetic (:mod:`certify.exact.intervals`), each
    rounded the way that makes the result an upper bound.
    """
    n_actions = len(mu)
    lo_mu = [log_enclosure(m) for m in mu]
    top = max(row[a] + tau * lo_mu[a][1] for row in r for a in range(n_actions))
    bot = min(row[a] + tau * lo_mu[a][0] for row in r for a in range(n_actions))
    ln_a = log_enclosure(n_actions)[1] if n_actions > 1 else Fraction(0)
    return (8 * (top - bot) + tau * (4 + 8 * ln_a)) / (1 - gamma) ** 3


@dataclass(frozen=True)
class TabularResult:
    """Entropy-regularised softmax PG on a finite MDP: theory rate against the trajectory.

    ``rate`` is the theoretical per-step contraction factor of the sub-optimality gap,
    max_t (1 - c_t) over the run (None when eta exceeds the step bound); ``measured_rate``
    is (gap_T / gap_0)^(1/T) of the exact-gradient trajectory.
    """

    mdp: FiniteMDP
    tau: float
    eta: float
    soft: SoftSolution
    step_bound: float
    step_ok: bool
    rate: float | None
    measured_rate: float
    gaps: np.ndarray
    violations: int
    verdict: Verdict
    reason: str
    notes: list[str] = field(default_factory=list)
    smoothness: dict = field(default_factory=dict)
    local: dict | None = None

    def to_dict(self) -> dict:
        return {
            "command": "pg_tabular", "mdp": self.mdp.summary(), "tau": self.tau, "eta": self.eta,
            "q_star": self.soft.q.tolist(), "v_star": self.soft.v.tolist(),
            "pi_star": self.soft.pi.tolist(), "step_bound": self.step_bound,
            "step_ok": self.step_ok, "rate": self.rate, "measured_rate": self.measured_rate,
            "steps": int(len(self.gaps) - 1), "final_gap": float(self.gaps[-1]),
            "violations": self.violations, "verdict": self.verdict.value,
            "reason": self.reason, "notes": self.notes,
            "smoothness": {k: (str(v) if isinstance(v, Fraction) else v)
                           for k, v in self.smoothness.items()},
            "rate_kind": "global: Mei's Lojasiewicz factor max_t (1 - c_t) over the run",
            "local_rate": self.local,
            "reference": "Mei, Xiao, Szepesvari, Schuurmans (ICML 2020), Theorem 6 "
                         "(constants reconstructed for general rewards and reference measure)",
        }


def run_tabular(mdp: FiniteMDP, tau: float, eta: float | None = None, steps: int = 2000,
                mu: object | None = None, rho: object | None = None,
                smoothness_budget: int = 60000) -> TabularResult:
    """Iterate exact softmax PG from theta = 0 and hold each step against Mei's rate.

    Parameters
    ----------
    tau : float > 0
    eta : float > 0, optional
        Step size; default the largest double <= 1 / beta, beta the smaller of Mei's beta_s
        and, for two actions and at most three states, the certified supremum of the Hessian
        norm on this MDP (:mod:`certify.algorithms.pg.local_rate`).
    smoothness_budget : boxes of the branch and bound behind the problem-specific beta
    steps : int >= 1
    mu, rho : arrays, optional
        Reference measure over actions and initial-state distribution (default uniform).
    """
    tau = check_positive(tau, "tau")
    steps = check_count(steps, "steps")
    mu = reference_measure(mu, mdp.n_actions)
    rho = initial_distribution(rho, mdp.n_states)
    beta_s = smoothness_bound(mdp, tau, mu)
    smooth = {"mei_beta_s": round_up_float(beta_s)}
    structured = problem_smoothness(mdp, tau, mu, rho, smoothness_budget)
    if structured is not None and structured[0] < beta_s:
        smooth.update(problem_beta=round_up_float(structured[0]), sampled_beta=structured[1],
                      problem_beta_exact=structured[0], budget=smoothness_budget,
                      method="sup of the Hessian norm over the policy cube, interval branch "
                             "and bound (certify.algorithms.pg.local_rate)")
        beta_s = structured[0]
    step_bound = round_down_float(1 / beta_s)
    eta = step_bound if eta is None else check_positive(eta, "eta")
    step_ok = as_fraction(eta) * beta_s <= 1
    soft = soft_optimal(mdp, tau, mu)
    v_star = float(rho @ soft.v)
    ratio = float(np.max(occupancy(mdp, soft.pi, rho) / rho))
    base = eta * tau * (1 - mdp.gamma) * float(rho.min()) / (mdp.n_states * ratio)
    theta = np.zeros((mdp.n_states, mdp.n_actions))
    gaps, factors, policies = [], [], []
    for _ in range(steps + 1):
        grad, value = policy_gradient(mdp, theta, tau, mu, rho)
        policies.append(softmax_policy(theta, mu))
        gaps.append(v_star - value)
        factors.append(1.0 - base * float(softmax_policy(theta, mu).min()) ** 2)
        theta = theta + eta * grad
    gaps_arr = np.array(gaps)
    floor = 1e-9 * (1.0 + abs(v_star))  # below this the gap is rounding noise
    live = np.flatnonzero(gaps_arr[:-1] > floor)
    excess = gaps_arr[live + 1] - np.array(factors)[live] * gaps_arr[live]
    violations = int(np.sum(excess > 1e-10 * (1.0 + abs(v_star))))
    t_end = int(live[-1]) + 1 if len(live) else 1
    measured = float((max(gaps_arr[t_end], 0.0) / gaps_arr[0]) ** (1.0 / t_end)) \
        if gaps_arr[0] > floor else 0.0
    rate = round_up_float(Fraction(max(factors[:-1]))) if step_ok else None
    if not step_ok:
        verdict = Verdict.INCONCLUSIVE
        reason = (f"eta = {eta:g} exceeds Mei's step bound 1/beta_s = {step_bound:.6g}; the "
                  "linear-rate theorem does not apply (rerun with a smaller --eta)")
    elif violations:
        verdict = Verdict.REFUTED
        reason = f"{violations} steps contract the gap slower than the theoretical factor"
    else:
        verdict = Verdict.CERTIFIED
        reason = ("eta <= 1/beta_s holds exactly, and every step of the exact-gradient "
                  f"trajectory contracts the gap at least by the theoretical factor ({len(live)} "
                  "steps checked)")
    notes = ["the theoretical rate uses min pi_t over the simulated horizon (Mei's constant "
             "takes the infimum over all t)"]
    local = None
    if step_ok:
        from certify.algorithms.pg.local_rate import local_rate

        lr = local_rate(mdp, tau, mu, rho, float(eta), beta_s, policies, gaps_arr)
        if lr is not None:
            local = lr.to_dict()
            reason += (f"; local rate {float(lr.factor):.6g} per step certified from step "
                       f"{lr.t0} on")
            if lr.violations and verdict is Verdict.CERTIFIED:
                verdict = Verdict.REFUTED
                reason += f" ({lr.violations} steps contract slower than the local factor)"
    return TabularResult(mdp, tau, float(eta), soft, step_bound, bool(step_ok), rate, measured,
                         gaps_arr, violations, verdict, reason, notes, smooth, local)


def problem_smoothness(mdp: FiniteMDP, tau: float, mu: np.ndarray, rho: np.ndarray,
                       budget: int = 60000) -> tuple[Fraction, float] | None:
    """Certified problem-specific smoothness (two actions, few states) or None."""
    from certify.algorithms.pg.local_rate import smoothness

    return smoothness(mdp, tau, mu, rho, budget)
