"""Symbolic (sympy) check of dV/dt <= -c V for a p-norm certificate on a small MDP.

Argument (exact, no floats): along dQ/dt = D (F_h(Q) - Q) with grad h in the simplex, the mean
value theorem (seed 002 Lemma 6 for max) gives F_h(Q) - F_h(Q*) = gamma P Pi_lam e, Pi_lam a
stochastic policy.  Hence, with V = (1/p) sum_i (u_i/d_i) e_i^p,

    E(e, lam) = dV/dt + c V = sum_i u_i e_i^{p-1} ((gamma P Pi_lam e)_i - e_i) + (c/p) sum_i (u_i/d_i) e_i^p,

a polynomial in e that is affine in lam (checked: its degree in the lam symbols is 1), so
E <= 0 on all of R^n x (simplices) iff it holds at every deterministic policy.  At each policy,
sympy verifies the identity

    -E = sum_{i,j} u_i M_ij Y(e_i, e_j) + sum_i sigma_i e_i^p,   Y(x, y) = ((p-1) x^p + y^p)/p - x^{p-1} y,

(expand(difference) == 0) with M = gamma P Pi_pi >= 0 and rational slacks sigma_i >= 0; Y >= 0
for even p (certify.proofs.young_inequality), so E <= 0 everywhere: the needed set is all of R^n.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp_

from certify.algorithms.smooth.moduli import SIMPLEX_OPERATORS
from certify.algorithms.smooth.pnorm import PNormLyapunovCertificate
from certify.verdict import Verdict

SYMBOLIC_MAX_PAIRS = 8
SYMBOLIC_MAX_POLICIES = 16


@dataclass(frozen=True)
class SymbolicCheck:
    """Outcome of :func:`symbolic_decay_check`."""

    verdict: Verdict
    reason: str
    policies_checked: int = 0
    min_slack: Fraction | None = None
    derivative: str = ""

    def to_dict(self) -> dict:
        return {"verdict": self.verdict.value, "reason": self.reason,
                "policies_checked": self.policies_checked,
                "min_slack": None if self.min_slack is None else str(self.min_slack),
                "derivative": self.derivative}


def _rat(x: Fraction) -> sp_.Rational:
    return sp_.Rational(x.numerator, x.denominator)


def symbolic_decay_check(cert: PNormLyapunovCertificate) -> SymbolicCheck:
    """Verify dV/dt + c V <= 0 for every e in R^n symbolically (see module docstring)."""
    n = len(cert.u)
    A = cert.n_actions
    S = n // A if A >= 1 else 0
    if cert.operator not in SIMPLEX_OPERATORS:
        return SymbolicCheck(Verdict.INCONCLUSIVE, f"operator {cert.operator!r}: grad h is not in "
                             "the simplex, the mean-value reduction does not apply")
    if A < 1 or n % A or cert.P.shape != (n, S) or len(cert.d) != n:
        return SymbolicCheck(Verdict.INCONCLUSIVE, f"shapes do not match: {n} weights, "
                             f"{cert.n_actions} actions, P of shape {cert.P.shape}")
    if n > SYMBOLIC_MAX_PAIRS or A ** S > SYMBOLIC_MAX_POLICIES:
        return SymbolicCheck(Verdict.INCONCLUSIVE, f"{n} pairs / {A ** S} policies exceed the "
                             f"symbolic limits ({SYMBOLIC_MAX_PAIRS}, {SYMBOLIC_MAX_POLICIES})")
    p, g, c = cert.p, _rat(cert.gamma), _rat(cert.c)
    u = [_rat(x) for x in cert.u]
    d = [_rat(x) for x in cert.d]
    Pd = cert.P.toarray()
    P = [[_rat(Fraction(float(Pd[i, s]))) for s in range(S)] for i in range(n)]
    if any(x < 0 for row in P for x in row) or any(x <= 0 for x in u) or any(x <= 0 for x in d) \
            or c < 0 or g < 0 or p < 2 or p % 2:
        return SymbolicCheck(Verdict.INCONCLUSIVE, "the Young decomposition needs P >= 0, "
                             "gamma >= 0, u > 0, d > 0, c >= 0 and p even (so u_i M_ij Y >= 0); "
                             "refused")
    e = sp_.symbols(f"e0:{n}", real=True)
    lam_free = [sp_.symbols(f"l{s}_0:{A - 1}", nonnegative=True) if A > 1 else () for s in range(S)]
    lam = [list(lf) + [1 - sum(lf)] for lf in lam_free]

    def expr(lmb) -> sp_.Expr:
        ge = [g * sum(P[i][s] * lmb[s][a] * e[s * A + a] for s in range(S) for a in range(A))
              for i in range(n)]
        return (sum(u[i] * e[i] ** (p - 1) * (ge[i] - e[i]) for i in range(n))
                + c / p * sum(u[i] / d[i] * e[i] ** p for i in range(n)))

    full = sp_.expand(expr(lam))
    lam_syms = [x for lf in lam_free for x in lf]
    if lam_syms and sp_.Poly(full, *lam_syms).total_degree() > 1:
        return SymbolicCheck(Verdict.INCONCLUSIVE, "dV/dt is not affine in the policy (internal)")
    x, y = sp_.symbols("x y", real=True)
    Y = ((p - 1) * x ** p + y ** p) / p - x ** (p - 1) * y
    min_slack = None
    for pol in itertools.product(range(A), repeat=S):
        lmb = [[sp_.Integer(1 if a == pol[s] else 0) for a in range(A)] for s in range(S)]
        E = sp_.expand(expr(lmb))
        M = [[g * P[i][j // A] * lmb[j // A][j % A] for j in range(n)] for i in range(n)]
        sigma = [u[i] - c / p * u[i] / d[i]
                 - sp_.Rational(p - 1, p) * u[i] * sum(M[i][j] for j in range(n))
                 - sp_.Rational(1, p) * sum(u[j] * M[j][i] for j in range(n)) for i in range(n)]
        young = sum(u[i] * M[i][j] * Y.subs({x: e[i], y: e[j]}, simultaneous=True)
                    for i in range(n) for j in range(n) if M[i][j] != 0)
        rest = sp_.expand(-E - young - sum(sigma[i] * e[i] ** p for i in range(n)))
        if rest != 0:
            return SymbolicCheck(Verdict.INCONCLUSIVE, f"policy {pol}: identity residual {rest}")
        smin = min(Fraction(int(sp_.numer(s)), int(sp_.denom(s))) for s in sigma)
        min_slack = smin if min_slack is None else min(min_slack, smin)
        if smin < 0:
            return SymbolicCheck(Verdict.INCONCLUSIVE, f"policy {pol}: a slack sigma_i = {smin} "
                                 "< 0; the Young decomposition does not prove the sign",
                                 min_slack=smin)
    return SymbolicCheck(Verdict.CERTIFIED, f"dV/dt + cV <= 0 on R^{n}: affine in the policy, "
                         f"exact Young decomposition at all {A ** S} deterministic policies",
                         A ** S, min_slack, str(full)[:400])
