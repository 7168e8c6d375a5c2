"""Exact JSR of nonnegative selection families by policy iteration on Perron vectors.

See :mod:`certify.families.selection` for the theory.  :func:`selection_jsr` returns the
maximising member, and an upper and a lower certificate, each verified exactly; the JSR
is then bracketed by two exact rationals that agree to about machine precision.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from certify.certificates.base import CheckResult
from certify.certificates.collatz import CollatzLowerCertificate
from certify.certificates.maxnorm import WeightedMaxNormCertificate
from certify.exact import round_down_float, round_up_float
from certify.families.selection import SelectionFamily, exact_ratios
from certify.verdict import Verdict

DENSE_LIMIT = 600
"""Families of dimension up to this get dense eigen-solves; larger ones ARPACK."""

RESTARTS = 5
"""Restarts of the Perron policy search from a better policy met by the resolvent step."""


def perron(fam: SelectionFamily, pi: np.ndarray, v0: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Perron root and a nonnegative Perron vector (max entry 1) of A_pi (floats).

    A family may provide its own ``perron(pi, v0)`` method (the Q-learning direct family
    does, by inverse iteration); otherwise a dense eigen-solve, or ARPACK for large n.
    ``v0`` is a starting vector for iterative solvers (e.g. the previous Perron vector).
    """
    own = getattr(fam, "perron", None)
    if own is not None:
        return own(pi, v0)
    return generic_perron(fam, pi, v0)


def generic_perron(fam: SelectionFamily, pi: np.ndarray,
                   v0: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """:func:`perron` by a dense eigen-solve (n <= DENSE_LIMIT) or ARPACK."""
    a = fam.member(pi)
    if fam.n <= DENSE_LIMIT:
        vals, vecs = np.linalg.eig(a.toarray())
        i = int(np.argmax(vals.real))
        x = np.abs(vecs[:, i].real)
        rho = float(vals[i].real)
    else:
        vals, vecs = spla.eigs(a, k=1, which="LR", tol=1e-13, maxiter=20 * fam.n, v0=v0)
        x = np.abs(vecs[:, 0].real)
        rho = float(vals[0].real)
    return rho, x / x.max()


def resolvent_vector(fam: SelectionFamily, r: float, pi: np.ndarray) -> np.ndarray:
    """w = (r I - A_pi)^{-1} 1 (positive when r > rho(A_pi) for nonnegative A_pi)."""
    a = fam.member(pi)
    mat = (sp.identity(fam.n, format="csc") * r - a).tocsc()
    return np.asarray(spla.spsolve(mat, np.ones(fam.n))).reshape(-1)




@dataclass(frozen=True)
class SelectionJSRResult:
    """Bracket of the JSR of a selection family with its exact certificates.

    Attributes
    ----------
    lower, upper : float
        Certified bounds (outward-rounded from exact rationals); ``nan`` when the
        corresponding certificate is missing or was refused.
    policy : array (m,)
        Maximising member found by policy iteration.
    rho_float : float
        Float spectral radius of that member.
    upper_certificate, lower_certificate
        The certificates (None when not applicable).
    upper_check, lower_check : CheckResult
    iterations : int
        Policy-iteration steps.
    timings : dict
        Seconds spent searching and checking.
    notes : list of str
    """

    lower: float
    upper: float
    policy: np.ndarray
    rho_float: float
    upper_certificate: WeightedMaxNormCertificate | None
    lower_certificate: CollatzLowerCertificate | None
    upper_check: CheckResult
    lower_check: CheckResult
    iterations: int
    timings: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def verdict(self) -> Verdict:
        if self.upper_check.certified and self.lower_check.certified:
            return Verdict.CERTIFIED
        return Verdict.INCONCLUSIVE


def max_rho_policy_iteration(
    fam: SelectionFamily, pi0: np.ndarray | None = None, max_iter: int = 200
) -> tuple[np.ndarray, float, np.ndarray, int]:
    """Maximise rho(A_pi) over pi by greedy improvement on Perron vectors.

    Given the Perron vector x of A_pi, the greedy choice pi' = argmax x on each group gives
    A_pi' x >= A_pi x = rho x, so rho(A_pi') >= rho(A_pi) (Collatz-Wielandt); stop when no
    group improves by more than a relative 1e-12.  (Protasov, "Spectral simplex method",
    Math. Program. 2016, for families with independent row uncertainty.)

    Returns
    -------
    policy, rho, x, iterations
    """
    pi = np.zeros(fam.m, dtype=int) if pi0 is None else np.asarray(pi0, dtype=int).copy()
    rho, x = perron(fam, pi)
    for it in range(1, max_iter + 1):
        xg = x.reshape(fam.m, fam.k)
        cur = xg[np.arange(fam.m), pi]
        best = xg.max(axis=1)
        improve = best > cur + 1e-12 * x.max()
        if not improve.any():
            return pi, rho, x, it
        pi = np.where(improve, xg.argmax(axis=1), pi)
        rho, x = perron(fam, pi, v0=x)
    return pi, rho, x, max_iter


def selection_jsr(fam: SelectionFamily, solver_info: dict | None = None) -> SelectionJSRResult:
    """Certified bracket of JSR(fam) for a nonnegative selection family.

    Steps: policy iteration for the maximising member; the Perron vector x gives the lower
    certificate (A_pi x >= r x) and, when positive, the upper one (T(x) <= r x); when x has
    (numerically) zero entries, the resolvent w = (r' I - A_pi)^{-1} 1 with r' slightly above
    rho is used instead, improved greedily until T(w) <= r' w.  Exact bounds r are the
    exact extreme row ratios, so no tolerance enters the certificates.

    Parameters
    ----------
    fam : SelectionFamily
        A nonnegative selection family.
    solver_info : dict, optional
        Extra entries for the result's solver record.

    Examples
    --------
    The direct family of Q-learning on seed-sls at alpha = 0.5 (seed 002, Theorem 1):

    >>> from certify import DirectFamily, load_problem, selection_jsr
    >>> p = load_problem("seed-sls")
    >>> fam = DirectFamily(p.mdp.P_matrix, p.sampling.d, alpha=0.5, gamma=p.mdp.gamma,
    ...                    n_actions=p.mdp.n_actions)
    >>> res = selection_jsr(fam)
    >>> res.verdict.value, res.policy.tolist()
    ('certified', [0, 1])
    >>> res.upper - res.lower < 1e-12 and res.upper < 0.995   # below the row-sum rate
    True
    """
    if not isinstance(fam, SelectionFamily):
        from certify.errors import InvalidFamily, found

        raise InvalidFamily(f"fam: expected a SelectionFamily (e.g. DirectFamily.from_mdp(mdp, "
                            f"sampling, alpha)), found {found(fam)}")
    notes: list[str] = []
    t0 = time.perf_counter()
    pi, rho, x, iters = max_rho_policy_iteration(fam)
    info = {"method": "policy iteration on Perron vectors", "iterations": iters,
            **(solver_info or {})}
    w = x
    for _ in range(RESTARTS):
        if (x > 1e-9 * x.max()).all():
            break
        notes.append("Perron vector has (near-)zero entries: upper certificate from the resolvent")
        w, pi_w = _resolvent_weights(fam, pi, rho * (1 + 1e-9) + 1e-15)
        if w is None or np.array_equal(pi_w, pi):
            break
        # the resolvent met a policy the Perron search missed: restart the search from it,
        # so that the lower certificate closes on the maximising member too
        pi2, rho2, x2, it2 = max_rho_policy_iteration(fam, pi_w)
        iters += it2
        if not rho2 > rho * (1 + 1e-12):
            break
        notes.append(f"policy search restarted from the resolvent's policy: rho {rho:.12g} -> "
                     f"{rho2:.12g}")
        pi, rho, x, w = pi2, rho2, x2, x2
    info["iterations"] = iters
    t_search = time.perf_counter() - t0

    t1 = time.perf_counter()
    parts = fam.exact_parts()
    up_cert = None
    upper = float("nan")
    if w is not None and (w > 0).all() and np.isfinite(w).all():
        r_up, _ = exact_ratios(parts, fam.k, w, None, absolute=True).max_ratio()
        up_cert = WeightedMaxNormCertificate(fam, w, r_up, info)
        up_check = up_cert.verify()
        if up_check.certified:
            upper = round_up_float(r_up)
    else:
        up_check = CheckResult(Verdict.INCONCLUSIVE, "no positive weight vector was found")
    low_cert = None
    lower = float("nan")
    if fam.is_nonnegative():
        xl = np.maximum(x, 0.0)
        r_low, _ = exact_ratios(parts, fam.k, xl, pi).min_ratio()
        low_cert = CollatzLowerCertificate(fam, pi, xl, max(r_low, Fraction(0)), info)
        low_check = low_cert.verify()
        if low_check.certified:
            lower = round_down_float(low_cert.bound)
    else:
        low_check = CheckResult(Verdict.INCONCLUSIVE,
                                "family has negative entries: no Collatz-Wielandt lower bound")
    t_check = time.perf_counter() - t1
    return SelectionJSRResult(
        lower=lower, upper=upper, policy=pi, rho_float=rho,
        upper_certificate=up_cert, lower_certificate=low_cert, upper_check=up_check,
        lower_check=low_check, iterations=iters,
        timings={"search_s": t_search, "exact_check_s": t_check}, notes=tuple(notes),
    )


def _resolvent_weights(fam: SelectionFamily, pi: np.ndarray,
                       r: float) -> tuple[np.ndarray | None, np.ndarray]:
    """w = (r I - A_pi)^{-1} 1, improved greedily until its greedy member is pi.

    For r above the JSR, the fixed point of w = (1 + T(w)) / r is positive and satisfies
    T(w) = r w - 1 < r w; policy iteration on the resolvent reaches it in finitely many
    steps (as policy iteration for a discounted MDP with 'discount' A / r).  Returns the
    weights (None if none was found) and the last policy.
    """
    for _ in range(100):
        w = resolvent_vector(fam, r, pi)
        if not (np.isfinite(w).all() and (w > 0).all()):
            # r is not above rho(A_pi) for this improved pi (the Perron search stalled on a
            # vector with zero entries): move r above it and go on
            rho_pi = perron(fam, pi)[0]
            if not (np.isfinite(rho_pi) and rho_pi >= r):
                return None, pi
            r = rho_pi * (1 + 1e-9) + 1e-15
            continue
        new = fam.greedy(w)
        wg = w.reshape(fam.m, fam.k)
        better = wg[np.arange(fam.m), new] > wg[np.arange(fam.m), pi] * (1 + 1e-13)
        if not better.any():
            return w, pi
        pi = np.where(better, new, pi)
    return w, pi
