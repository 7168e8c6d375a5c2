"""The main job: certificates and bounds for constant-step Q-learning on a finite MDP.

:func:`certify_qlearning` returns the computed quantities beside the theory's ones:

* Q* and an optimal policy (policy iteration);
* the direct JSR of A_pi = I + alpha D (gamma P Pi_pi - I), bracketed by exactly verified
  lower (Collatz-Wielandt) and upper (weighted max-norm) certificates, with the
  maximising policy (theory.md section 3, "Exactness"); when alpha d_max > 1 the family is
  not nonnegative: the upper bound then comes from |A_pi| and the lower bound is
  inconclusive;
* the row-sum rate 1 - alpha d_min (1 - gamma) (seed 002, Lemma 3) and the sandwich
  1 - alpha d_max (1 - gamma) <= JSR;
* a CQLF rate by SDP when the family is small enough (:data:`CQLF_MAX_POLICIES`,
  :data:`CQLF_MAX_DIM`), accepted after an exact LDL^T check;
* the constants of the finite-time bounds (:mod:`certify.bounds`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .bounds import MaxNormBound, QuadraticBound, max_norm_bound, noise_constants
from .errors import InvalidInput
from .exact import round_up_float
from .jsr.cqlf import CQLFResult, cqlf_search
from .jsr.selection import SelectionFamily
from .jsr.selection_exact import SelectionJSRResult, selection_jsr
from .mdp.bellman import q_star as compute_q_star
from .mdp.finite import FiniteMDP
from .mdp.problem import Problem
from .mdp.sampling import Sampling, uniform_sampling
from .mdp.validate import check_step_size
from .solver_options import SolverOptions
from .systems.qlearning import DirectFamily, FixedPolicyFamily, row_sum_rate, trivial_lower_rate
from .verdict import Verdict, combine

CQLF_MAX_POLICIES = 64
"""The CQLF SDP has one LMI per deterministic policy: at most this many (|A|^|S|)."""
CQLF_MAX_DIM = 16
"""... and matrices of at most this size (|S||A|), so the exact LDL^T checks stay fast."""


@dataclass(frozen=True)
class QLearningResult:
    """Everything :func:`certify_qlearning` computed (see the module docstring)."""

    mdp: FiniteMDP
    sampling: Sampling
    alpha: float
    q_star: np.ndarray
    pi_star: np.ndarray
    direct: SelectionJSRResult
    direct_nonnegative: bool
    row_sum_rate: float
    trivial_lower: float
    cqlf: CQLFResult | None
    cqlf_skipped: str
    max_norm_bound: MaxNormBound | None
    quadratic_bound: QuadraticBound | None
    lower_comparison: SelectionJSRResult | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def direct_verdict(self) -> Verdict:
        if not self.direct_nonnegative:
            return Verdict.INCONCLUSIVE
        return self.direct.verdict

    @property
    def verdict(self) -> Verdict:
        """Overall: the direct JSR bracket (and the CQLF when it was attempted)."""
        vs = [self.direct_verdict]
        if self.cqlf is not None:
            vs.append(self.cqlf.verdict)
        return combine(vs)

    @property
    def speedup(self) -> float:
        """ln(row-sum rate) / ln(certified rate): how many times faster the certified
        exponential transient is than the row-sum one (1 = no gain)."""
        up = self.direct.upper
        if not (0 < up < 1) or not (0 < self.row_sum_rate < 1):
            return math.nan
        return math.log(up) / math.log(self.row_sum_rate)

    def _comparison_dict(self) -> dict:
        lc = self.lower_comparison
        return {
            "lower_system": None if lc is None else {
                "policy": self.pi_star.tolist(), "lower": lc.lower, "upper": lc.upper,
                "verdict": lc.verdict.value},
            "upper_system": "the direct family (see direct_jsr)",
        }

    def to_dict(self) -> dict:
        d = self.direct
        mdp = self.mdp
        return {
            "mdp": mdp.summary(),
            "alpha": self.alpha,
            "sampling": {"kind": self.sampling.kind, "description": self.sampling.description,
                         "d_min": self.sampling.d_min, "d_max": self.sampling.d_max},
            "q_star": self.q_star.tolist(),
            "pi_star": self.pi_star.tolist(),
            "direct_jsr": {
                "lower": d.lower,
                "upper": d.upper,
                "policy": d.policy.tolist(),
                "nonnegative_family": self.direct_nonnegative,
                "verdict": self.direct_verdict.value,
                "iterations": d.iterations,
                "timings": d.timings,
                "certificate": {
                    "kind": d.upper_certificate.kind if d.upper_certificate else None,
                    "verdict": d.upper_check.verdict.value,
                    "reason": d.upper_check.reason,
                },
                "lower_certificate": {
                    "kind": d.lower_certificate.kind if d.lower_certificate else None,
                    "verdict": d.lower_check.verdict.value,
                    "reason": d.lower_check.reason,
                },
            },
            "row_sum_rate": self.row_sum_rate,
            "trivial_lower_rate": self.trivial_lower,
            "comparison": self._comparison_dict(),
            "speedup": self.speedup,
            "cqlf": (self.cqlf.to_dict() if self.cqlf is not None else
                     {"rate": None, "verdict": Verdict.INCONCLUSIVE.value,
                      "reason": self.cqlf_skipped}),
            "finite_time": {
                "max_norm": self.max_norm_bound.to_dict() if self.max_norm_bound else None,
                "quadratic": self.quadratic_bound.to_dict() if self.quadratic_bound else None,
            },
            "verdict": self.verdict.value,
            "notes": list(self.notes),
        }


def certify_qlearning(
    problem: Problem | FiniteMDP,
    alpha: float,
    sampling: Sampling | None = None,
    cqlf: bool | None = None,
    solver: SolverOptions | None = None,
) -> QLearningResult:
    """Certificates and bounds for Q-learning with constant step ``alpha``.

    Parameters
    ----------
    problem : Problem or FiniteMDP
    alpha : float
        Step size in (0, 1].
    sampling : Sampling, optional
        Defaults to the problem's own sampling model, else uniform.
    cqlf : bool, optional
        Force (True) or skip (False) the CQLF SDP; default: run it when the family has at
        most CQLF_MAX_POLICIES members of size at most CQLF_MAX_DIM.
    solver : SolverOptions, optional
        Conic solver for the CQLF (Clarabel by default).

    Examples
    --------
    >>> from certify import certify_qlearning, load_problem
    >>> res = certify_qlearning(load_problem("seed-sls"), alpha=0.5)
    >>> res.direct.lower <= res.direct.upper < res.row_sum_rate
    True
    >>> res.direct_verdict.value
    'certified'
    """
    if isinstance(problem, FiniteMDP):
        problem = Problem(problem)
    mdp = problem.mdp
    alpha = check_step_size(alpha)
    sampling = sampling or problem.sampling or uniform_sampling(mdp)
    if (sampling.d <= 0).any():
        raise InvalidInput("sampling.d has zero entries; Q-learning's error dynamics need every "
                           "state-action pair to be sampled with positive probability")
    notes: list[str] = []
    q, pi = compute_q_star(mdp)
    fam = DirectFamily.from_mdp(mdp, sampling, alpha)
    nonneg = alpha * sampling.d_max <= 1.0 and fam.is_nonnegative()
    if nonneg:
        direct = selection_jsr(fam)
    else:
        reason = (f"alpha * d_max = {alpha * sampling.d_max:g} > 1" if alpha * sampling.d_max > 1
                  else "P has entries below 0 (within the tolerance of the row sums)")
        notes.append(
            f"{reason}: the direct family has negative "
            "entries, so the exact method does not apply; the upper bound below is for the "
            "entrywise absolute family and the lower bound is inconclusive")
        absfam = SelectionFamily(abs(fam.B), abs(fam.C), fam.k, fam.name + " (absolute)")
        direct = selection_jsr(absfam)
    # lower comparison system e_{k+1} = A_{pi*} e_k + alpha w_k (Lee and He 2020): its rate
    # rho(A_{pi*}) <= JSR, bracketed exactly like the direct JSR
    lower_cmp = selection_jsr(FixedPolicyFamily(fam, pi)) if nonneg else None
    rsr = row_sum_rate(sampling, alpha, mdp.gamma)
    low0 = trivial_lower_rate(sampling, alpha, mdp.gamma)

    n_pol = fam.size
    cq: CQLFResult | None = None
    skipped = ""
    run_cqlf = cqlf if cqlf is not None else (n_pol <= CQLF_MAX_POLICIES and fam.n <= CQLF_MAX_DIM)
    if run_cqlf:
        cq = cqlf_search(fam, solver)
    else:
        skipped = (f"skipped: {n_pol} policies of size {fam.n} exceed the limits "
                   f"({CQLF_MAX_POLICIES} policies, size {CQLF_MAX_DIM})"
                   if cqlf is None else "skipped on request")

    noise = noise_constants(mdp)
    mnb = None
    if direct.upper_certificate is not None and direct.upper_check.certified and direct.upper < 1:
        mnb = max_norm_bound(direct.upper_certificate.w, direct.upper, alpha, noise)
    qb = None
    if cq is not None and cq.certificate is not None and cq.verdict is Verdict.CERTIFIED and cq.rate < 1:
        # lambda_max(X) <= max_i sum_j |X_ij| (Gershgorin), exact on the rational X
        X = cq.certificate.X
        lam = round_up_float(max(sum(abs(v) for v in row) for row in X))
        qb = QuadraticBound(cq.rate, lam, alpha, noise.W)
    return QLearningResult(mdp, sampling, alpha, q, pi, direct, nonneg, rsr, low0, cq, skipped,
                           mnb, qb, lower_cmp, tuple(notes) + direct.notes)


def run_qlearning(mdp: str, alpha: float, sampling: str | None = None,
                  cqlf: bool | None = None, solver: str = "CLARABEL") -> dict:
    """The ``qlearning`` command as a function of plain parameters (for claims and sweeps).

    ``mdp`` is a file or built-in name; ``sampling`` is None (the problem's own), "uniform"
    or a file.  Returns :meth:`QLearningResult.to_dict`.
    """
    from .mdp.io import load_problem_with_sampling

    problem, samp = load_problem_with_sampling(mdp, sampling)
    return certify_qlearning(problem, alpha, samp, cqlf=cqlf,
                             solver=SolverOptions(solver)).to_dict()
