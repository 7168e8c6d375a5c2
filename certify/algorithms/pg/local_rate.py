"""Problem-specific step and local rate for exact softmax PG on two-action MDPs.

Mei et al.'s argument (ICML 2020, Lemmas 14-15, Theorem 6) needs only that V is
beta-smooth: then any eta <= 1/beta ascends, V(theta + eta g) >= V(theta) + (eta/2)|g|^2.
Their beta_s = (8 spn + tau (4 + 8 ln A))/(1 - gamma)^3 is a worst case over all MDPs; here
the supremum of the Hessian norm is enclosed for the given MDP, so the step certified is
the largest this argument allows on the problem (up to the branch-and-bound tolerance).

With A = 2 the value depends on theta only through x_s = theta(s, 1) - theta(s, 0), gradient
ascent in theta with step eta is ascent in x with step 2 eta, and the theta-Hessian is
B J B^T (B^T B = 2 I), J the x-Hessian of :mod:`certify.algorithms.pg.structured`.  So
beta_theta = 2 sup_x ||J(x)||_2, bounded by the row-sum norm of an interval enclosure of J
over a partition of the policy cube [0, 1]^S (J is symmetric).

Local rate (**derived**, docs/theory_pg.md).  Let v0 be a rigorous lower bound of V at the
iterate theta_{t0}.  Ascent keeps every later iterate in U = {V >= v0}.  Branch and bound
shows U inside a box B (every box outside B has V < v0), and bounds -J >= mu I on B
(Gershgorin on the enclosure of J).  B is convex and contains x*, so for x in U,
V* - V(x) <= |grad_x V|^2 / (2 mu) (strong concavity along [x, x*]), and with step
h = 2 eta <= 1/beta_x the ascent lemma gives V(x+) >= V(x) + (h/2)|grad_x V|^2, hence

    gap_{t+1} <= (1 - 2 eta mu) gap_t    for every t >= t0.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from mpmath import iv

from certify.algorithms.pg.structured import (
    MR,
    TwoActionData,
    _down,
    _PointValues,
    _up,
    bisect_widest,
    box_parts,
    box_quantities,
    box_supremum,
    p_box_functions,
    split_first,
    two_action_data,
)
from certify.exact import as_fraction

MAX_STATES = 3


def supported(mdp) -> bool:
    """Two actions and at most MAX_STATES states (the branch and bound runs over [0, 1]^S)."""
    return mdp.n_actions == 2 and mdp.n_states <= MAX_STATES


def _ln_ratio(d: TwoActionData) -> tuple[float, float]:
    iv.prec = 80
    lr = iv.log(iv.mpf(d.mu1)) - iv.log(iv.mpf(d.mu0))
    return _down(lr.a), _up(lr.b)


def smoothness(mdp, tau: float, mu: np.ndarray, rho: np.ndarray,
               budget: int = 60000) -> tuple[Fraction, float] | None:
    """(certified upper bound on beta_theta = sup ||Hessian of V(rho) in theta||_2, sampled
    lower estimate), or None when the MDP is not supported."""
    if not supported(mdp):
        return None
    d = two_action_data(mdp, tau, mu, rho)
    # the result is a function of these exact floats and the budget only (the branch and
    # bound is deterministic): the certificate check of the same run reuses it
    key = tuple(np.asarray(a, dtype=float).tobytes() for a in (d.p0, d.p1, d.r0, d.r1, d.rho)) \
        + (d.gamma, d.tau, d.mu0, d.mu1, int(budget))
    if key not in _SMOOTHNESS_CACHE:
        res = box_supremum(d, "j_spec", 0.0, 1.0, budget=budget, rel_tol=0.05)
        if len(_SMOOTHNESS_CACHE) >= 64:
            _SMOOTHNESS_CACHE.clear()
        _SMOOTHNESS_CACHE[key] = None if res.upper is None else (2 * res.upper, 2 * res.sampled)
    return _SMOOTHNESS_CACHE[key]


_SMOOTHNESS_CACHE: dict[tuple, tuple[Fraction, float] | None] = {}


def _enclose(d: TwoActionData, pv: _PointValues, lr: tuple[float, float], los: np.ndarray,
             his: np.ndarray) -> tuple[MR, MR, MR]:
    p, q, qx, kl = p_box_functions(pv, los, his, lr)
    return box_quantities(d, p, q, qx, kl)


def value_lower(d: TwoActionData, p: np.ndarray) -> float:
    """A rigorous lower bound of V(rho) at the policy p (shape (S,))."""
    pv = _PointValues(d.mu0, d.mu1)
    v, _, _ = _enclose(d, pv, _ln_ratio(d), p[None], p[None])
    return float(v.lo[0])


@dataclass(frozen=True)
class LocalRegion:
    """Box B = [lo, hi] in policy space containing {V >= v0}, and mu with -J >= mu I on B."""

    v0: float
    lo: np.ndarray
    hi: np.ndarray
    mu: Fraction | None
    boxes: int


def local_region(d: TwoActionData, v0: float, budget: int = 20000,
                 min_width: float = 4e-3) -> LocalRegion:
    """Cover {V >= v0} by boxes, take their hull B, and bound min eig(-J) on B from below.

    As soon as a kept box reaches a face p_s = 0 or 1 of the cube, B does too and no mu > 0
    exists on it (:func:`touches_boundary`): the cover stops there, with ``mu = None`` and the
    hull of the boxes kept so far.
    """
    s = len(d.r0)
    pv = _PointValues(d.mu0, d.mu1)
    lr = _ln_ratio(d)
    keep_lo: list[np.ndarray] = []
    keep_hi: list[np.ndarray] = []
    los, his = np.zeros((1, s)), np.ones((1, s))
    count = 0
    while len(los):
        v = box_parts(d, *p_box_functions(pv, los, his, lr), value_only=True)["value"]
        count += len(los)
        live = ~(v.hi < v0)  # boxes with V < v0 everywhere are dropped
        settled = (v.lo >= v0) | ((his - los).max(axis=1) <= min_width)
        todo = np.flatnonzero(live & ~settled)
        # in order, the i-th box to split fits while count + 2 i + 2 <= budget
        n_split = max(0, (budget - count - 2) // 2 + 1)
        done = np.concatenate([np.flatnonzero(live & settled), todo[n_split:]])
        keep_lo.append(los[done])
        keep_hi.append(his[done])
        if touches_boundary(los[done].min(axis=0, initial=1.0), his[done].max(axis=0, initial=0.0)):
            lo = np.concatenate(keep_lo).min(axis=0)
            hi = np.concatenate(keep_hi).max(axis=0)
            return LocalRegion(v0, lo, hi, None, count)
        los, his = bisect_widest(los[todo[:n_split]], his[todo[:n_split]])
    lo = np.concatenate(keep_lo).min(axis=0)
    hi = np.concatenate(keep_hi).max(axis=0)
    return LocalRegion(v0, lo, hi, concavity(d, lo, hi, budget), count)


def touches_boundary(lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether the box [lo, hi] meets a face p_s = 0 or p_s = 1 of the policy cube.

    There no mu > 0 has -J >= mu I on the box: at p_s in {0, 1}, q_s = 0 and q_s c_s = 0
    (q_s x_s -> 0, certify/proofs/pg_structured.py), so row and column s of J vanish (every
    term of J_st and of J_ss carries q_s or q_s c_s) and min eig(-J) <= 0 there.  The branch
    and bound of :func:`concavity` can then only end with a bound <= 0, i.e. None.
    """
    return bool(np.any(lo <= 0.0) or np.any(hi >= 1.0))


def _gershgorin(jm: MR) -> np.ndarray:
    """Per box: a lower bound on min eig(-J) (Gershgorin discs of the symmetric -J)."""
    s = jm.m.shape[-1]
    eye = np.eye(s, dtype=bool)
    diag = -jm.hi[:, eye]  # -J_ss >= -hi
    off = np.where(eye[None], 0.0, jm.mag).sum(axis=-1)
    return ((diag - off) * (1 - 1e-12) - 1e-300).min(axis=-1)


def concavity(d: TwoActionData, lo0: np.ndarray, hi0: np.ndarray, budget: int = 20000,
              rel_tol: float = 0.1, batch: int = 256) -> Fraction | None:
    """A certified mu with -J >= mu I on the box [lo0, hi0], or None if none > 0 was found
    (at once when the box meets the boundary of the cube, :func:`touches_boundary`)."""
    if touches_boundary(lo0, hi0):
        return None
    pv = _PointValues(d.mu0, d.mu1)
    lr = _ln_ratio(d)
    heap: list[tuple[float, int, np.ndarray, np.ndarray]] = []
    los, his = lo0.copy()[None], hi0.copy()[None]
    best_sample, counter, count = np.inf, 0, 0
    while len(los):
        _, _, jm = _enclose(d, pv, lr, los, his)
        g = _gershgorin(jm)
        g = np.where(np.isfinite(g), g, -np.inf)
        _, _, jp = _enclose(d, pv, lr, 0.5 * (los + his), 0.5 * (los + his))
        eig = np.linalg.eigvalsh(-jp.m).min(axis=-1)
        best_sample = min(best_sample, float(eig.min()))
        count += len(los)
        for i, low in enumerate(g.tolist()):
            heapq.heappush(heap, (low, counter, los[i], his[i]))
            counter += 1
        # split the boxes of smallest certified mu while below best_sample (1 - rel_tol)
        los, his = split_first(heap, batch, best_sample * (1 - rel_tol), budget - count)
    worst = heap[0][0]
    return as_fraction(worst) if worst > 0 else None


@dataclass(frozen=True)
class LocalRate:
    """A certified per-step factor 1 - 2 eta mu valid for every step from t0 on."""

    t0: int
    v0: float
    mu: Fraction
    factor: Fraction
    box_lo: list[float]
    box_hi: list[float]
    violations: int

    def to_dict(self) -> dict:
        return {"from_step": self.t0, "value_level": self.v0, "mu_concavity": float(self.mu),
                "factor": float(self.factor), "factor_exact": str(self.factor),
                "box_lo": self.box_lo, "box_hi": self.box_hi, "violations": self.violations,
                "kind": "local: certified for every step after from_step (the iterates stay "
                        "in {V >= value_level}, inside the box, where -Hessian >= mu)"}


def local_rate(mdp, tau: float, mu: np.ndarray, rho: np.ndarray, eta: float,
               beta_theta: Fraction, policies: list[np.ndarray], gaps: np.ndarray,
               fractions: tuple[float, ...] = (0.1, 0.01, 1e-3)) -> LocalRate | None:
    """The local rate of the module docstring for the trajectory with ``policies`` (pi_t,
    shape (S, 2) each) and ``gaps``; None when no level gives a certified mu > 0.

    Requires eta <= 1/beta_theta (checked exactly by the caller).
    """
    if not supported(mdp) or as_fraction(eta) * beta_theta > 1:
        return None
    d = two_action_data(mdp, tau, mu, rho)
    for frac in fractions:
        hits = np.flatnonzero(gaps <= frac * gaps[0])
        if len(hits) == 0:
            break
        t0 = int(hits[0])
        v0 = value_lower(d, np.asarray(policies[t0])[:, 1].astype(float))
        reg = local_region(d, v0)
        if reg.mu is None:
            continue
        factor = 1 - 2 * as_fraction(eta) * reg.mu
        f = float(factor)
        g = gaps[t0:]
        floor = 1e-9 * (1.0 + abs(float(gaps[0])))
        live = np.flatnonzero(g[:-1] > floor)
        bad = int(np.sum(g[live + 1] > f * g[live] + 1e-12 * (1 + abs(float(gaps[0])))))
        return LocalRate(t0, v0, reg.mu, factor, reg.lo.tolist(), reg.hi.tolist(), bad)
    return None
