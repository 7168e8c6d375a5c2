"""The main job: certificates and bounds for constant-step Q-learning on a finite MDP.

:func:`analyze_qlearning` returns the computed quantities beside the theory's ones:

* Q* and an optimal policy (policy iteration, :mod:`certify.mdp.qstar`), with the Bellman
  residual bound on ||Q - Q*||_inf and the states where the greedy policy is certified optimal;
* the direct JSR of A_pi = I + alpha D (gamma P Pi_pi - I), bracketed by exactly verified
  lower (Collatz-Wielandt) and upper (weighted max-norm) certificates, with the
  maximising policy (theory.md section 3, "Exactness"); when alpha d_max > 1 the family is
  not nonnegative: the upper bound then comes from |A_pi| and the lower bound is
  inconclusive;
* the row-sum rate 1 - alpha d_min (1 - gamma) (seed 002, Lemma 3) and the sandwich
  1 - alpha d_max (1 - gamma) <= JSR;
* a CQLF rate by SDP when the family is small enough (:data:`CQLF_MAX_POLICIES`,
  :data:`CQLF_MAX_DIM`), accepted after an exact LDL^T check;
* the constants of the finite-time bounds (:mod:`certify.algorithms.qlearning.bounds`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from certify.algorithms.qlearning.bounds import MaxNormBound, QuadraticBound, max_norm_bound, noise_constants
from certify.algorithms.qlearning.system import (
    DirectFamily,
    FixedPolicyFamily,
    row_sum_rate,
    row_sum_rate_exact,
    trivial_lower_rate,
    trivial_lower_rate_exact,
)
from certify.argcheck import check_flag
from certify.certificates.base import exact_bound
from certify.errors import InvalidInput, found
from certify.exact import round_up_float
from certify.families.selection import SelectionFamily
from certify.formatting import exact_text
from certify.jsr.cqlf import CQLFResult, cqlf_search
from certify.jsr.policy_iteration import SelectionJSRResult, selection_jsr
from certify.mdp.finite import FiniteMDP
from certify.mdp.io import as_problem, check_sampling
from certify.mdp.problem import Problem
from certify.mdp.qstar import solve_q_star
from certify.mdp.sampling import Sampling, uniform_sampling
from certify.mdp.validate import as_real_array, check_step_size
from certify.numcheck import check_real_number
from certify.solver_options import SolverOptions
from certify.verdict import SKIPPED, Verdict, combine

if TYPE_CHECKING:
    from pathlib import Path

CQLF_MAX_POLICIES = 64
"""The CQLF SDP has one LMI per deterministic policy: at most this many (|A|^|S|)."""
CQLF_MAX_DIM = 16
"""... and matrices of at most this size (|S||A|), so the exact LDL^T checks stay fast."""


@dataclass(frozen=True)
class QLearningResult:
    """Everything :func:`analyze_qlearning` computed (see the module docstring).

    Attributes
    ----------
    mdp : FiniteMDP
    sampling : Sampling
    alpha : float
        The constant step size.
    q_star : array (S, A)
        Q*.
    pi_star : array (S,)
        A greedy optimal policy.
    direct : SelectionJSRResult
        Certified bracket of the JSR of the direct family.
    direct_nonnegative : bool
        Whether alpha d_max <= 1 (every member nonnegative: the bracket is exact).
    row_sum_rate : float
        1 - alpha d_min (1 - gamma) (seed 002, Lemma 3).
    trivial_lower : float
        1 - alpha d_max (1 - gamma) <= JSR.
    cqlf : CQLFResult or None
        Common quadratic Lyapunov function, when attempted.
    cqlf_skipped : str
        Why the CQLF was not attempted ('' when it was).
    max_norm_bound : MaxNormBound or None
        Finite-time bound from the weighted max-norm certificate.
    quadratic_bound : QuadraticBound or None
        Finite-time bound from the CQLF.
    lower_comparison : SelectionJSRResult or None
        The lower comparison system's rate (Lee and He 2020).
    notes : tuple of str
    q_star_check : dict
        How Q* was computed and checked: method, Bellman residual, the bound
        residual / (1 - gamma) on ||Q - Q*||_inf and the states whose greedy action is
        certified optimal.
    timings : dict
        Seconds spent in each stage of the command.
    mean_square : MeanSquareBound or None
        The certified bound on sqrt(E||Q_K - Q*||_inf^2) when ``steps`` was given
        (:mod:`certify.algorithms.qlearning.meansquare`).
    seed_theorem2 : SeedTheorem2 or None
        Seed 002's own Theorem 2 bound with its constant C_eps computed
        (:mod:`certify.algorithms.qlearning.seed_lyapunov`), beside ours, when ``steps`` was given.
    """

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
    q_star_check: dict | None = None
    timings: dict = field(default_factory=dict)
    mean_square: object | None = None  # certify.algorithms.qlearning.meansquare.MeanSquareBound
    seed_theorem2: object | None = None  # certify.algorithms.qlearning.seed_lyapunov.SeedTheorem2

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
    def direct_margin(self) -> dict:
        """``margin`` = 1 - the certified upper bound of the direct JSR (exact when the
        certificate's bound is rational) and whether it is ``fragile``
        (:func:`certify.margin.margin_fields`)."""
        from fractions import Fraction

        from certify.margin import margin_fields

        up = exact_bound(self.direct.upper_certificate, "upper")
        if up is None and math.isfinite(self.direct.upper):
            up = Fraction(self.direct.upper)
        return margin_fields(None if up is None else 1 - Fraction(up))

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
                "lower_exact": exact_text(exact_bound(d.lower_certificate, "lower")),
                "upper_exact": exact_text(exact_bound(d.upper_certificate, "upper")),
                "policy": d.policy.tolist(),
                "nonnegative_family": self.direct_nonnegative,
                "verdict": self.direct_verdict.value,
                **self.direct_margin,
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
            "row_sum_rate_exact": exact_text(row_sum_rate_exact(self.sampling, self.alpha, mdp.gamma)),
            "trivial_lower_rate": self.trivial_lower,
            "trivial_lower_rate_exact": exact_text(
                trivial_lower_rate_exact(self.sampling, self.alpha, mdp.gamma)),
            "comparison": self._comparison_dict(),
            "speedup": self.speedup,
            "cqlf": (self.cqlf.to_dict() if self.cqlf is not None else
                     {"rate": None, "verdict": SKIPPED, "reason": self.cqlf_skipped}),
            "finite_time": {
                "max_norm": ({**self.max_norm_bound.to_dict(), "kind": "worst case (pathwise)"}
                             if self.max_norm_bound else None),
                "quadratic": self.quadratic_bound.to_dict() if self.quadratic_bound else None,
                "mean_square": None if self.mean_square is None else self.mean_square.to_dict(),
                "seed_theorem2": None if self.seed_theorem2 is None else self.seed_theorem2.to_dict(),
            },
            "verdict": self.verdict.value,
            "notes": list(self.notes),
            "q_star_check": self.q_star_check,
            "timings": dict(self.timings),
        }


def analyze_qlearning(
    problem: Problem | FiniteMDP | str | Path,
    alpha: float,
    sampling: Sampling | None = None,
    cqlf: bool | None = None,
    solver: SolverOptions | None = None,
    noise: float = 0.0,
    steps: int | None = None,
    q0: np.ndarray | None = None,
) -> QLearningResult:
    """Certificates and bounds for Q-learning with constant step ``alpha``.

    The error e_k = Q_k - Q* of constant-step Q-learning follows the direct switching system
    e_{k+1} = A_pi e_k + noise with A_pi = I + alpha D (gamma P Pi_pi - I), D = diag(d) the
    sampling distribution over state-action pairs (D. Lee, *Lyapunov-Certified Direct
    Switching Theory for Q-Learning*, arXiv:2604.19569, 2026: seed 002, docs/theory.md
    section 3).  Its joint spectral radius is bracketed by two exactly verified
    certificates and compared with the row-sum rate 1 - alpha d_min (1 - gamma) (seed 002,
    Lemma 3); a common quadratic Lyapunov function is searched by SDP on small families.

    Parameters
    ----------
    problem : Problem, FiniteMDP, str or Path
        The MDP with its sampling model: a :class:`Problem` (:func:`load_problem`), a
        :class:`FiniteMDP`, or a built-in name or problem file.
    alpha : float
        Step size in (0, 1].
    sampling : Sampling, optional
        Defaults to the problem's own sampling model, else uniform.
    cqlf : bool, optional
        Force (True) or skip (False) the CQLF SDP; default: run it when the family has at
        most CQLF_MAX_POLICIES members of size at most CQLF_MAX_DIM.
    solver : SolverOptions, optional
        Conic solver for the CQLF (Clarabel by default).
    noise, steps, q0 : optional
        With ``steps`` = K, also the mean-square bound on sqrt(E||Q_K - Q*||_inf^2) for
        i.i.d. or Markovian sampling (``sampling.kind``) and reward noise +-``noise`` from
        Q_0 = ``q0`` (default 0)
        (:func:`certify.algorithms.qlearning.meansquare.mean_square_bound`).

    Returns
    -------
    QLearningResult
        ``q_star``, ``direct`` (the certified JSR bracket, its certificates and the policy
        attaining it), ``row_sum_rate``, ``cqlf``, the finite-time constants and
        ``to_dict()`` (the document of ``certify qlearning --json``).

    Raises
    ------
    InvalidInput
        alpha outside (0, 1] or not a number, a sampling distribution with a zero entry, a
        ``problem`` that is none of the accepted kinds.
    UnknownName
        ``problem`` is a name that is neither a file nor a built-in problem.

    Examples
    --------
    >>> from certify import analyze_qlearning, load_problem
    >>> res = analyze_qlearning(load_problem("seed-sls"), alpha=0.5, cqlf=False)  # no SDP: fast
    >>> res.direct.lower <= res.direct.upper < res.row_sum_rate
    True
    >>> res.direct_verdict.value
    'certified'
    """
    problem = as_problem(problem)
    mdp = problem.mdp
    alpha = check_step_size(alpha)
    cqlf = check_flag(cqlf, "cqlf", optional=True)  # "no" is truthy: it must not run the SDP
    check_sampling(sampling)
    if solver is not None and not isinstance(solver, SolverOptions):
        raise InvalidInput(f"solver: expected SolverOptions (e.g. SolverOptions(solver='SCS')) or "
                           f"None, found {found(solver)}")
    check_real_number(noise, "noise")
    if not (math.isfinite(noise) and noise >= 0):
        raise InvalidInput(f"noise = {noise!r}; expected a finite number >= 0")
    if q0 is not None:
        q0 = as_real_array(q0, "q0")
        if q0.size != mdp.n_pairs:
            raise InvalidInput(f"q0 has {q0.size} entries; expected {mdp.n_pairs} (|S| x |A|)")
    sampling = sampling or problem.sampling or uniform_sampling(mdp)
    if (sampling.d <= 0).any():
        raise InvalidInput("sampling.d has zero entries; Q-learning's error dynamics need every "
                           "state-action pair to be sampled with positive probability")
    notes: list[str] = []
    reward_noise = noise
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    qs = solve_q_star(mdp)
    q, pi = qs.q, qs.policy
    timings["q_star_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
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
    timings["direct_jsr_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    lower_cmp = selection_jsr(FixedPolicyFamily(fam, pi))
    timings["lower_comparison_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    rsr = row_sum_rate(sampling, alpha, mdp.gamma)
    low0 = trivial_lower_rate(sampling, alpha, mdp.gamma)

    # |A|^|S| is only formed when small: for large MDPs its decimal form alone is too long
    small = fam.n <= CQLF_MAX_DIM
    n_pol = str(fam.size) if small else f"{fam.k}^{fam.m}"
    cq: CQLFResult | None = None
    skipped = ""
    run_cqlf = cqlf if cqlf is not None else (small and fam.size <= CQLF_MAX_POLICIES)
    if run_cqlf:
        cq = cqlf_search(fam, solver)
        timings["cqlf_s"] = time.perf_counter() - clock
        clock = time.perf_counter()
    else:
        skipped = (f"skipped: {n_pol} policies of size {fam.n} exceed the limits "
                   f"({CQLF_MAX_POLICIES} policies, size {CQLF_MAX_DIM})"
                   if cqlf is None else "skipped on request")

    # the pathwise and quadratic bounds hold for this run's Q_0 and reward noise
    q0_sup = 0.0 if q0 is None else float(np.abs(np.asarray(q0, dtype=float)).max(initial=0.0))
    noise = noise_constants(mdp, q0_sup, reward_noise)
    mnb = None
    if direct.upper_certificate is not None and direct.upper_check.certified and direct.upper < 1:
        mnb = max_norm_bound(direct.upper_certificate.w, direct.upper, alpha, noise)
    qb = None
    if cq is not None and cq.certificate is not None and cq.verdict is Verdict.CERTIFIED and cq.rate < 1:
        # lambda_max(X) <= max_i sum_j |X_ij| (Gershgorin), exact on the rational X
        X = cq.certificate.X
        lam = round_up_float(max(sum(abs(v) for v in row) for row in X))
        qb = QuadraticBound(cq.rate, lam, alpha, noise.W)
    ms = seed2 = None
    if steps is not None:
        from certify.algorithms.qlearning.meansquare import mean_square_bound

        cert = direct.upper_certificate
        w = getattr(cert, "w", None) if (nonneg and direct.upper_check.certified) else None
        ms = mean_square_bound(mdp, sampling, alpha, reward_noise, steps, q0, certificate_w=w,
                               options=solver)
        seed2 = _seed_theorem2(mdp, sampling, alpha, reward_noise, steps, q0, direct, w, notes)
    timings["bounds_s"] = time.perf_counter() - clock
    return QLearningResult(mdp, sampling, alpha, q, pi, direct, nonneg, rsr, low0, cq, skipped,
                           mnb, qb, lower_cmp, tuple(notes) + direct.notes + qs.notes,
                           qs.to_dict(), timings, ms, seed2)


def _seed_theorem2(mdp, sampling, alpha, noise, steps, q0, direct, w, notes):
    """Seed 002's Theorem 2 bound (seed_lyapunov) when the direct JSR is certified below 1 by
    weights w; None (with a note) otherwise."""
    from certify.algorithms.qlearning.seed_lyapunov import seed_theorem2

    if sampling.kind != "iid":
        return None  # Theorem 2 is the seed's i.i.d. result (its Theorem 4 is the Markovian one)
    if w is None or not direct.upper < 1:
        notes.append("seed Theorem 2 constant: needs a weighted max-norm certificate of the "
                     "direct JSR below 1 (not available)")
        return None
    try:
        # the lower bound on C_eps needs a certified lower bound on the JSR (0: none)
        low = direct.lower if direct.lower_check.certified else 0.0
        return seed_theorem2(mdp, sampling, alpha, noise, steps, low, direct.upper, w, q0=q0)
    except InvalidInput as exc:
        notes.append(f"seed Theorem 2 constant: {exc}")
        return None


def run_qlearning(mdp: str, alpha: float, sampling: str | None = None,
                  cqlf: bool | None = None, solver: str = "CLARABEL", noise: float = 0.0,
                  steps: int | None = None) -> dict:
    """The ``qlearning`` command as a function of plain parameters (for claims and sweeps).

    ``mdp`` is a file or built-in name; ``sampling`` is None (the problem's own), "uniform"
    or a file; ``steps`` (with reward ``noise``) adds ``finite_time.mean_square``.
    Returns :meth:`QLearningResult.to_dict`.
    """
    from certify.mdp.io import load_problem_with_sampling

    problem, samp = load_problem_with_sampling(mdp, sampling)
    return analyze_qlearning(problem, alpha, samp, cqlf=cqlf, solver=SolverOptions(solver),
                             noise=noise, steps=steps).to_dict()


# Old names (certify.deprecation): the same functions, with a DeprecationWarning.
from certify.deprecation import deprecated_alias  # noqa: E402

certify_qlearning = deprecated_alias(analyze_qlearning, "certify_qlearning")
