"""Smooth Q-learning analysis: one function returning computed values beside the theory's.

:func:`analyze_smooth` (theory.md section 1; Lee and Na, arXiv 2404.14442) returns the
operator's fixed point, its sup-norm contraction modulus (or a refusal with a witness), the
weighted p-norm Lyapunov certificates of the ODE dQ/dt = D (F_h(Q) - Q) (plain weights at the
norm-equivalence threshold p, and searched weights at the smaller ``young`` threshold), a
symbolic sympy check on small instances and, for Boltzmann, the invariant error set around Q*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy.optimize import root

from ..errors import SolverError
from ..mdp.bellman import bellman_optimality, check_operator, q_star, smooth_fixed_point, smooth_max
from ..mdp.finite import FiniteMDP
from ..mdp.problem import Problem
from ..mdp.sampling import Sampling, uniform_sampling
from ..verdict import Verdict, combine
from .invariant import InvariantSet, boltzmann_invariant_set
from .moduli import SIMPLEX_OPERATORS, SupNormModulus, boltzmann_grad_bound, sup_norm_modulus
from .pnorm import (
    PNormLyapunovCertificate,
    check_p,
    make_certificate,
    plain_threshold_p,
    search_young,
    young_threshold_p,
)
from .symbolic import SymbolicCheck, symbolic_decay_check


@dataclass(frozen=True)
class PNormResult:
    """A p-norm Lyapunov certificate with its exact check (or why there is none)."""

    argument: str
    p: int | None
    certificate: PNormLyapunovCertificate | None
    verdict: Verdict
    reason: str
    threshold_theory: int | None = None

    def to_dict(self) -> dict:
        c = self.certificate
        out: dict = {"argument": self.argument, "p": self.p, "verdict": self.verdict.value,
                     "reason": self.reason, "threshold_p_theory": self.threshold_theory}
        if c is not None:
            u = np.array([float(x) for x in c.u])
            d = np.array([float(x) for x in c.d])
            out.update({"weights": (u / d).tolist(), "u": u.tolist(), "modulus": c.factor(),
                        "decay_rate": float(c.c), "norm_decay_rate": float(c.c) / c.p,
                        "certificate": c.to_dict()})
        else:
            out.update({"weights": None, "modulus": None, "decay_rate": None})
        return out


@dataclass(frozen=True)
class SmoothResult:
    """Everything :func:`analyze_smooth` computed."""

    mdp: FiniteMDP
    sampling: Sampling
    operator: str
    temperature: float | None
    fixed_point: np.ndarray | None
    fixed_point_residual: float | None
    q_star: np.ndarray
    modulus: SupNormModulus
    p_norm: PNormResult
    p_norm_plain: PNormResult
    symbolic: SymbolicCheck | None
    invariant_set: InvariantSet | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def verdict(self) -> Verdict:
        return combine([self.modulus.verdict, self.p_norm.verdict])

    def to_dict(self) -> dict:
        return {
            "mdp": self.mdp.summary(), "operator": self.operator, "temperature": self.temperature,
            "sampling": {"description": self.sampling.description, "d_min": self.sampling.d_min},
            "fixed_point": None if self.fixed_point is None else self.fixed_point.tolist(),
            "fixed_point_residual": self.fixed_point_residual, "q_star": self.q_star.tolist(),
            "sup_norm_modulus": self.modulus.to_dict(), "p_norm": self.p_norm.to_dict(),
            "p_norm_plain": self.p_norm_plain.to_dict(),
            "symbolic": None if self.symbolic is None else self.symbolic.to_dict(),
            "invariant_set": None if self.invariant_set is None else self.invariant_set.to_dict(),
            "verdict": self.verdict.value, "notes": list(self.notes),
        }


def _fixed_point(mdp: FiniteMDP, operator: str, temperature: float | None,
                 start: np.ndarray) -> tuple[np.ndarray | None, float | None, list[str]]:
    if operator != "boltzmann":
        q = smooth_fixed_point(mdp, operator, temperature)
    else:
        try:
            q = smooth_fixed_point(mdp, operator, temperature, q0=start, max_iter=20_000)
        except SolverError:
            sol = root(lambda y: (bellman_optimality(mdp, y.reshape(start.shape), operator,
                                                     temperature) - y.reshape(start.shape)).ravel(),
                       start.ravel(), method="hybr", options={"xtol": 1e-14})
            q = sol.x.reshape(start.shape)
    res = float(np.abs(bellman_optimality(mdp, q, operator, temperature) - q).max())
    if not np.isfinite(res) or res > 1e-8:
        return None, res, [f"no fixed point of F_{operator} found (residual {res:.3g})"]
    return q, res, []


def _certify(mdp, d, operator, p, u, c, argument, grad_bound=Fraction(1), tries=8):
    cert = None
    for _ in range(tries):
        cert = make_certificate(mdp, d, operator, p, u, c, argument, grad_bound)
        chk = cert.verify()
        if chk.certified:
            return cert, chk
        c *= 0.9
    return cert, chk


def _plain(mdp, d, operator, a: float, grad_bound: Fraction) -> PNormResult:
    n = mdp.n_pairs
    p = plain_threshold_p(n, Fraction(a) if operator in SIMPLEX_OPERATORS else
                          Fraction(mdp.gamma) * grad_bound)
    if p is None:
        return PNormResult("norm-equivalence", None, None, Verdict.INCONCLUSIVE,
                           f"sup-norm modulus {a:.6g} >= 1: no p works")
    c = p * d.min() * (1.0 - a * n ** (1.0 / p))
    cert, chk = _certify(mdp, d, operator, p, np.ones(n), c, "norm-equivalence", grad_bound)
    return PNormResult("norm-equivalence", p, cert, chk.verdict, chk.reason, p)


def analyze_smooth(problem: Problem | FiniteMDP, operator: str, temperature: float | None = None,
                   sampling: Sampling | None = None, p: int | None = None,
                   symbolic: bool | None = None) -> SmoothResult:
    """Certificates for smooth Q-learning with ``operator`` at ``temperature``.

    Parameters
    ----------
    problem : Problem or FiniteMDP
    operator : {"max", "lse", "mellowmax", "boltzmann", "soft"}
    temperature : float
        lam (tau for soft); must be finite and > 0 (not needed for max).
    sampling : Sampling, optional
        D = diag(d); the problem's own by default, else uniform.
    p : int, optional
        Even p >= 2 for the searched certificate (default: the smallest that works).
    symbolic : bool, optional
        Run the sympy check (default: when the MDP is small enough).
    """
    if isinstance(problem, FiniteMDP):
        problem = Problem(problem)
    mdp = problem.mdp
    check_operator(operator)
    if operator != "max":
        smooth_max(np.zeros(1), operator, temperature)  # validates the temperature
    if p is not None:
        p = check_p(p)
    sampling = sampling or problem.sampling or uniform_sampling(mdp)
    d = np.asarray(sampling.d, dtype=float)
    qs, _ = q_star(mdp)
    fp, res, notes = _fixed_point(mdp, operator, temperature, qs)
    mod = sup_norm_modulus(operator, mdp.gamma, mdp.n_actions, temperature)
    gb = boltzmann_grad_bound(mdp.n_actions) if operator == "boltzmann" else Fraction(1)
    a = float(mod.upper)
    plain = _plain(mdp, d, operator, a, gb)
    inv = None
    if operator == "boltzmann":
        inv = boltzmann_invariant_set(mdp.gamma, mdp.n_actions, temperature, qs, float(d.min()))
        best = plain if p is None or p == plain.p else _plain_at(mdp, d, operator, a, gb, p)
        if mod.verdict is not Verdict.CERTIFIED:
            notes.append("F_bz is not certified to contract: no Lyapunov certificate; the "
                         "invariant error set around Q* is offered instead")
    else:
        best = _young(mdp, d, operator, p)
    sym = None
    small = best.certificate is not None and best.argument == "young" and mdp.n_pairs <= 8
    if best.certificate is not None and (symbolic if symbolic is not None else small):
        sym = symbolic_decay_check(best.certificate)
    return SmoothResult(mdp, sampling, operator, temperature, fp, res, qs, mod, best, plain, sym,
                        inv, tuple(notes))


def _plain_at(mdp, d, operator, a, gb, p) -> PNormResult:
    n = mdp.n_pairs
    k = a * n ** (1.0 / p)
    if k >= 1:
        return PNormResult("norm-equivalence", p, None, Verdict.INCONCLUSIVE,
                           f"a n^(1/p) = {k:.6g} >= 1 at p = {p}")
    cert, chk = _certify(mdp, d, operator, p, np.ones(n), p * d.min() * (1 - k),
                         "norm-equivalence", gb)
    return PNormResult("norm-equivalence", p, cert, chk.verdict, chk.reason)


def _young(mdp, d, operator, p) -> PNormResult:
    p_th = young_threshold_p(mdp.gamma, mdp.n_actions)
    p_use = p if p is not None else p_th
    found = search_young(mdp, d, p_use)
    if found is None:
        return PNormResult("young", p_use, None, Verdict.INCONCLUSIVE,
                           f"no weights at p = {p_use}: needs gamma (p - 1 + |A|) < p, i.e. "
                           f"p >= {p_th}", p_th)
    cert, chk = _certify(mdp, d, operator, p_use, found.u, found.c, "young")
    return PNormResult("young", p_use, cert, chk.verdict, chk.reason, p_th)


def run_smooth(mdp: str, operator: str, temperature: float | None = None,
               sampling: str | None = None, p: int | None = None) -> dict:
    """The ``smooth`` command on plain parameters (for claims and sweeps): the --json document."""
    from ..mdp.io import load_problem_with_sampling

    problem, samp = load_problem_with_sampling(mdp, sampling)
    return analyze_smooth(problem, operator, temperature, samp, p).to_dict()
