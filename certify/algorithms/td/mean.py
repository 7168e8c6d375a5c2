"""The expected-update (mean) recursion of the gradient-TD family and its limit.

Replacing every sampled direction of :mod:`certify.algorithms.td.kernel` by its expectation under the
stationary sampling law gives the deterministic recursion the N-timescale analysis is about
(seed 003, Section 5; the noise terms M are what is dropped):

    E[h] = b + A theta - C u,   E[g] = -A^T u (GTD2),  b + A theta - (A^T + C) u (TDC),
    E[g] = b + A theta (TD(0)),

read off the base algorithm's drift in :mod:`certify.algorithms.td.algorithms`, then stepped with the
same :func:`~certify.algorithms.td.kernel.heavy_ball_step` and the same schedules as the simulator.
Under the step-size conditions and Hurwitz levels the checker certifies, the iterates tend to
(u, theta) = (0, theta*), theta* = -A^{-1} b; this recursion checks that limit without
sampling noise, in a few thousand steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from certify.algorithms.td.algorithms import ALGORITHMS, assemble, expected_mats, get_algorithm
from certify.algorithms.td.kernel import heavy_ball_step
from certify.algorithms.td.linear import LinearTD
from certify.algorithms.td.simulate import algorithm_steps, check_scales
from certify.algorithms.td.stepsizes import parse_exponents
from certify.extras import numba_or_fallback

nb = numba_or_fallback()  # the simulate extra; entry points require it


@dataclass(frozen=True, eq=False)
class MeanRun:
    """Computed end point of the mean recursion beside the theoretical limit theta*."""

    algorithm: str
    steps: int
    theta: np.ndarray
    u: np.ndarray
    theta_star: np.ndarray | None
    distances: np.ndarray
    times: np.ndarray

    @property
    def distance(self) -> float:
        """||theta_T - theta*||_2 (inf when theta* does not exist)."""
        return float(self.distances[-1])

    def to_dict(self) -> dict:
        ts = self.theta_star
        return {"algorithm": self.algorithm, "steps": self.steps, "theta": self.theta.tolist(),
                "u": self.u.tolist(), "theta_star": None if ts is None else ts.tolist(),
                "distance_to_theta_star": self.distance, "times": self.times.tolist(),
                "distances": self.distances.tolist()}


@nb.njit(cache=True)
def _advance(H, c, theta, u, dth, du, momentum, has_u, k_start, k_end, alpha, beta, eta, eta2):
    k = theta.shape[0]
    x = np.empty(H.shape[1])
    for t in range(k_start, k_end):
        if has_u:
            x[:k] = u
            x[k:] = theta
        else:
            x[:] = theta
        z = H @ x + c
        h = z[:k] if has_u else z
        g = z[k:] if has_u else z
        heavy_ball_step(momentum, has_u, theta, u, dth, du, g, h, alpha[t], beta[t], eta[t],
                        eta2[t])


def mean_run(algorithm: str, td: LinearTD, exponents: object, w: float = 1.0,
             scales: tuple[float, ...] | None = None, steps: int = 10_000,
             theta0: np.ndarray | None = None, records: int = 20) -> MeanRun:
    """Run the expected-update recursion of ``algorithm`` for ``steps`` steps.

    Parameters are those of :func:`certify.algorithms.td.simulate.simulate_td`; u starts at 0 and theta
    at ``theta0`` (default 0).

    Parameters
    ----------
    algorithm : str
        A name of ``certify.algorithms.td.algorithms.ALGORITHMS`` (e.g. ``gtd2``, ``tdc-m3``).
    td : LinearTD
        The expected quantities A, b, C of the problem.
    exponents : sequence of float
        Step-size exponents, fastest timescale first.
    w : float
        Momentum constant.
    scales : tuple of float, optional
        Step-size scales c_i (default 1).
    steps : int
    theta0 : array (k,), optional
        Initial theta (default 0).
    records : int
        Number of recorded steps.
    """
    algo = get_algorithm(algorithm)
    ex = parse_exponents(exponents, algo.n_timescales, algo.name)
    st = algorithm_steps(algo, ex, check_scales(scales, algo.n_timescales), steps, float(w))
    base = ALGORITHMS[algo.base]
    H, c = assemble(base, expected_mats(td.A, td.b, td.C), 1.0)
    k = td.k
    theta = np.zeros(k) if theta0 is None else np.array(theta0, dtype=float)
    u, dth, du = np.zeros(k), np.zeros(k), np.zeros(k)
    rec = np.unique(np.linspace(0, steps, records + 1).astype(np.int64))
    ts = td.theta_star
    dist = np.empty(rec.size)
    for j, t in enumerate(rec):
        if j > 0:
            _advance(np.ascontiguousarray(H), c, theta, u, dth, du, algo.momentum,
                     algo.base != "td0", int(rec[j - 1]), int(t), st.alpha, st.beta, st.eta,
                     st.eta2)
        dist[j] = np.inf if ts is None else float(np.linalg.norm(theta - ts))
    return MeanRun(algo.name, steps, theta, u, ts, dist, rec)
