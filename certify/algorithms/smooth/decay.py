"""Cross-validation of a certified decay rate against ODE trajectories, adversarial starts included.

Claim under test (a certificate of :mod:`certify.algorithms.smooth.pnorm`): along dQ/dt = D (F_h(Q) - Q),
V(Q) = (1/p) sum_i w_i (Q_i - Q*_i)^p satisfies dV/dt <= -c V, hence

    ln V(Q(t)) - ln V(Q(0)) + c t <= 0   for every t >= 0 and every start.

Each trajectory is integrated by :func:`certify.algorithms.smooth.ode.simulate_ode` (RK45, rtol 1e-10) and
the excess above is checked at the recorded times where ||e(t)||_inf >= 1e-4 ||e(0)||_inf (below
that the integration error is no longer small against e).  The tolerance at time t is the
relative error of V caused by an error delta in Q: |dV| / V <= p delta (sum w / (p V))^{1/p}
(Hoelder), with delta = 1e-8 (1 + ||Q||_inf).  A start refutes the claim when the excess is above
the tolerance; the largest rate the trajectory allows, min_t -(ln V(t) - ln V(0)) / t, is
reported beside the claimed c.

Starting points (all scaled to ||e(0)||_inf = scale):

* +- the Perron vector of the worst policy: the deterministic pi maximising the Perron root of
  I + D (gamma P Pi_pi - I), found by :func:`certify.jsr.policy_iteration.max_rho_policy_iteration`
  on the direct family with alpha = 1 (theory.md section 3; the slowest mode of the max-ODE);
* +- the slowest eigenvector of the Jacobian D (gamma P Pi_h - I) at Q*_h, Pi_h the gradient of h
  (the asymptotic rate of every trajectory is at most its spectral abscissa);
* a few uniform random directions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp

from certify.algorithms.qlearning.system import DirectFamily
from certify.algorithms.smooth.ode import simulate_ode
from certify.jsr.policy_iteration import max_rho_policy_iteration
from certify.mdp.bellman import smooth_max_grad
from certify.mdp.finite import FiniteMDP
from certify.verdict import Evidence

FLOOR = 1e-4
"""Times where ||e(t)||_inf < FLOOR ||e(0)||_inf are not checked (integration error)."""


@dataclass(frozen=True)
class SlowModes:
    """Adversarial directions and the rates of the slowest linear modes."""

    worst_policy: np.ndarray
    worst_rate: float
    worst_vector: np.ndarray
    linear_rate: float
    linear_vector: np.ndarray


def slow_modes(mdp: FiniteMDP, d: np.ndarray, operator: str, temperature: float | None,
               center: np.ndarray) -> SlowModes:
    """The worst policy's Perron vector and the slowest mode of the Jacobian at ``center``."""
    fam = DirectFamily(mdp.P_matrix, d, 1.0, mdp.gamma, mdp.n_actions)
    pi, rho, x, _ = max_rho_policy_iteration(fam)
    S, A = mdp.n_states, mdp.n_actions
    g = smooth_max_grad(np.asarray(center, dtype=float).reshape(S, A), operator, temperature)
    Pi = sp.csr_matrix((g.reshape(-1), (np.repeat(np.arange(S), A), np.arange(S * A))),
                       shape=(S, S * A))
    J = sp.diags(d) @ (mdp.gamma * (mdp.P_matrix @ Pi) - sp.identity(S * A))
    vals, vecs = np.linalg.eig(np.asarray(J.todense()))
    k = int(np.argmax(vals.real))
    v = vecs[:, k].real
    v = v if np.abs(v).max() > 0 else np.abs(vecs[:, k])
    return SlowModes(np.asarray(pi), 1.0 - float(rho), np.asarray(x, dtype=float),
                     -float(vals[k].real), v / np.abs(v).max())


def decay_starts(modes: SlowModes, center: np.ndarray, scale: float, n_random: int = 2,
                 seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """Labelled starting points Q*_h + scale * direction (see the module docstring)."""
    shape = np.shape(center)
    dirs = [("+Perron vector of the worst policy", modes.worst_vector),
            ("-Perron vector of the worst policy", -modes.worst_vector),
            ("+slowest mode of the Jacobian at the fixed point", modes.linear_vector),
            ("-slowest mode of the Jacobian at the fixed point", -modes.linear_vector)]
    rng = np.random.default_rng(seed)
    dirs += [(f"random direction {k}", rng.uniform(-1, 1, size=modes.worst_vector.size))
             for k in range(n_random)]
    return [(lab, center + scale * (v / np.abs(v).max()).reshape(shape)) for lab, v in dirs]


@dataclass(frozen=True)
class DecayCheck:
    """One trajectory against the claim V(t) <= V(0) e^{-c t}."""

    start: str
    claimed_rate: float
    observed_rate: float
    worst_excess: float
    tolerance: float
    points_checked: int
    final_error: float
    verdict: Evidence

    def to_dict(self) -> dict:
        return {"check": f"{self.start}: V(Q(t)) <= V(Q(0)) exp(-c t)", "start": self.start,
                "claimed_rate": self.claimed_rate, "observed_rate": self.observed_rate,
                "worst_excess": self.worst_excess, "tolerance": self.tolerance,
                "points_checked": self.points_checked, "final_error": self.final_error,
                "verdict": self.verdict.value}


def log_lyapunov(e: np.ndarray, w: np.ndarray, p: int) -> np.ndarray:
    """ln V for the rows of e (shape (T, n)): V = (1/p) sum_i w_i e_i^p, in log space."""
    with np.errstate(divide="ignore"):
        return logsumexp(np.log(w) + p * np.log(np.abs(e)), axis=1) - math.log(p)


def check_decay(mdp: FiniteMDP, d: np.ndarray, operator: str, temperature: float | None,
                center: np.ndarray, p: int, w: np.ndarray, c: float,
                starts: list[tuple[str, np.ndarray]], t_end: float,
                n_points: int = 400) -> tuple[DecayCheck, ...]:
    """Hold dV/dt <= -c V against the ODE from every start (see the module docstring)."""
    w = np.asarray(w, dtype=float)
    out = []
    for label, q0 in starts:
        tr = simulate_ode(mdp, d, operator, temperature, q0, t_end, n_points)
        e = (tr.q - center).reshape(len(tr.t), -1)
        einf = np.abs(e).max(axis=1)
        keep = einf >= FLOOR * einf[0]
        lv = log_lyapunov(e[keep], w, p)
        t = tr.t[keep]
        excess = lv - lv[0] + c * t
        delta = 1e-8 * (1.0 + float(np.abs(tr.q).max()))
        tol = p * delta * np.exp((math.log(w.sum()) - math.log(p) - lv) / p) + 1e-12
        worst = float(np.max(excess - tol))
        pos = t > 0
        observed = float(np.min(-(lv[pos] - lv[0]) / t[pos])) if pos.any() else math.inf
        verdict = Evidence.VIOLATED if worst > 0 else Evidence.CONSISTENT
        out.append(DecayCheck(label, float(c), observed, float(np.max(excess)), float(tol.max()),
                              int(keep.sum()), float(einf[-1]), verdict))
    return tuple(out)


def default_t_end(modes: SlowModes) -> float:
    """Time for the slowest linear mode to shrink by 1e4 (at most 1e7)."""
    mu = min(modes.worst_rate, modes.linear_rate)
    return min(math.log(1e4) / mu, 1e7) if mu > 0 else 1e7
