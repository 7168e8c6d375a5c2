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
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import root

from certify.algorithms.smooth.invariant import InvariantSet, boltzmann_invariant_set
from certify.algorithms.smooth.moduli import (
    SIMPLEX_OPERATORS,
    SupNormModulus,
    boltzmann_grad_bound,
    sup_norm_modulus,
)
from certify.algorithms.smooth.pnorm import check_p, plain_threshold_p
from certify.algorithms.smooth.search import PNormResult, plain_at, young_at
from certify.algorithms.smooth.symbolic import SymbolicCheck, symbolic_decay_check
from certify.algorithms.smooth.tradeoff import TRADEOFF_MAX_STATES, Tradeoff, pnorm_tradeoff
from certify.errors import SolverError
from certify.mdp.bellman import bellman_optimality, check_operator, q_star, smooth_fixed_point, smooth_max
from certify.mdp.finite import FiniteMDP
from certify.mdp.problem import Problem
from certify.mdp.sampling import Sampling, uniform_sampling
from certify.verdict import Verdict, combine

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class SmoothResult:
    """Everything :func:`analyze_smooth` computed.

    Attributes
    ----------
    mdp : FiniteMDP
    sampling : Sampling
    operator : str
    temperature : float or None
    fixed_point : array (S, A) or None
        Fixed point of F_h (None for boltzmann).
    fixed_point_residual : float or None
        ||F_h(Q) - Q||_inf at ``fixed_point``.
    q_star : array (S, A)
        Q* of the max operator.
    modulus : SupNormModulus
        Certified sup-norm contraction modulus of F_h.
    p_norm : PNormResult
        The searched weighted p-norm Lyapunov certificate.
    p_norm_plain : PNormResult
        The plain-threshold certificate (norm-equivalence argument).
    symbolic : SymbolicCheck or None
        The sympy check, when run.
    invariant_set : InvariantSet or None
        The Boltzmann invariant set around Q*.
    notes : tuple of str
    tradeoff : Tradeoff or None
        Best certified rate for each even p, when tabulated.
    """

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
    tradeoff: Tradeoff | None = None

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
            "p_tradeoff": None if self.tradeoff is None else self.tradeoff.to_dict(),
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


def _plain(mdp, d, operator, a: float, grad_bound: Fraction) -> PNormResult:
    p = plain_threshold_p(mdp.n_pairs, Fraction(a) if operator in SIMPLEX_OPERATORS else
                          Fraction(mdp.gamma) * grad_bound)
    if p is None:
        return PNormResult("norm-equivalence", None, None, Verdict.INCONCLUSIVE,
                           f"sup-norm modulus {a:.6g} >= 1: no p works")
    return plain_at(mdp, d, operator, a, grad_bound, p, p)


def analyze_smooth(problem: Problem | FiniteMDP | str | Path, operator: str, temperature: float | None = None,
                   sampling: Sampling | None = None, p: int | None = None,
                   symbolic: bool | None = None, tradeoff: bool | None = None) -> SmoothResult:
    """Certificates for smooth Q-learning with ``operator`` at ``temperature``.

    The ODE dQ/dt = D (F_h(Q) - Q) of smooth Q-learning, F_h(Q) = R + gamma P H(Q) with a smooth
    maximum h (D. Lee and H. Na, *Toward a Unified Lyapunov-Certified ODE Convergence Analysis of
    Smooth Q-Learning with p-Norms*, arXiv:2404.14442, 2024: seed 000, docs/theory.md section 1):
    the fixed point of F_h, its sup-norm modulus gamma sup_q ||grad h(q)||_1, and weighted p-norm
    Lyapunov functions V(Q) = (1/p) sum_i (u_i/d_i)(Q_i - Q*_i)^p with a certified decay rate.

    Parameters
    ----------
    problem : Problem, FiniteMDP, str or Path
        The MDP with its sampling model, or a built-in name or problem file.
    operator : {"max", "lse", "mellowmax", "boltzmann", "soft"}
    temperature : float
        lam (tau for soft); must be finite and > 0 (not needed for max).
    sampling : Sampling, optional
        D = diag(d); the problem's own by default, else uniform.
    p : int, optional
        Even p >= 2 for the searched certificate (default: the smallest that works).
    symbolic : bool, optional
        Run the sympy check (default: when the MDP is small enough).
    tradeoff : bool, optional
        Tabulate the best certified rate for every even p up to the plain threshold
        (:mod:`certify.algorithms.smooth.tradeoff`; default: when there are at most 40 states).

    Examples
    --------
    >>> from certify import analyze_smooth, load_problem
    >>> res = analyze_smooth(load_problem("seed-sls"), "lse", temperature=10.0,
    ...                      symbolic=False, tradeoff=False)
    >>> res.verdict.value, res.modulus.value   # log-sum-exp contracts with modulus gamma
    ('certified', 0.9)
    >>> res.p_norm.p % 2 == 0 and res.p_norm.verdict.value == "certified"
    True
    """
    from certify.argcheck import check_flag
    from certify.mdp.io import as_problem, check_sampling

    problem = as_problem(problem)
    check_sampling(sampling)
    symbolic = check_flag(symbolic, "symbolic", optional=True)
    tradeoff = check_flag(tradeoff, "tradeoff", optional=True)
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
        best = plain if p is None or p == plain.p else plain_at(mdp, d, operator, a, gb, p, plain.p)
        if mod.verdict is not Verdict.CERTIFIED:
            notes.append("F_bz is not certified to contract: no Lyapunov certificate; the "
                         "invariant error set around Q* is offered instead")
    else:
        best = young_at(mdp, d, operator, p)
    sym = None
    small = best.certificate is not None and best.argument == "young" and mdp.n_pairs <= 8
    if best.certificate is not None and (symbolic if symbolic is not None else small):
        sym = symbolic_decay_check(best.certificate)
    trade = None
    if tradeoff if tradeoff is not None else mdp.n_states <= TRADEOFF_MAX_STATES:
        known = {(r.argument, r.p): r for r in (best, plain) if r.p is not None}
        trade = pnorm_tradeoff(mdp, d, operator, a, gb, plain.p, known)
    return SmoothResult(mdp, sampling, operator, temperature, fp, res, qs, mod, best, plain, sym,
                        inv, tuple(notes), trade)


def run_smooth_result(mdp: str, operator: str, temperature: float | None = None,
                      sampling: str | None = None, p: int | None = None,
                      tradeoff: bool | None = None) -> SmoothResult:
    """:func:`analyze_smooth` on a problem name or file and an optional sampling file."""
    from certify.mdp.io import load_problem_with_sampling

    problem, samp = load_problem_with_sampling(mdp, sampling)
    return analyze_smooth(problem, operator, temperature, samp, p, tradeoff=tradeoff)


def run_smooth(mdp: str, operator: str, temperature: float | None = None,
               sampling: str | None = None, p: int | None = None,
               tradeoff: bool | None = None) -> dict:
    """The ``smooth`` command on plain parameters (for claims and sweeps): the --json document."""
    return run_smooth_result(mdp, operator, temperature, sampling, p, tradeoff).to_dict()
