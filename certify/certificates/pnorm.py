"""The weighted p-norm Lyapunov certificate of the smooth Q-learning ODE (seed 000).

Claim: V(Q) = (1/p) sum_i (u_i / d_i)(Q_i - Q*_i)^p satisfies dV/dt <= -c V along
dQ/dt = D (F_h(Q) - Q).  The two arguments that :meth:`PNormLyapunovCertificate.verify` checks
exactly, ``norm-equivalence`` and ``young``, are derived in :mod:`certify.algorithms.smooth.pnorm`
and in docs/theory.md, section 1; the search that finds p, u and c lives there too.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from certify.certificates.base import Certificate, CheckResult, register
from certify.exact import as_fraction
from certify.exact.boltzmann import boltzmann_grad_sup
from certify.exact.printing import fmt_lower
from certify.verdict import Verdict

ARGUMENTS = ("young", "norm-equivalence")

SIMPLEX_OPERATORS = ("max", "lse", "mellowmax", "soft")
"""Operators whose gradient (or subgradient) lies in the probability simplex."""


def exp_lower(x: Fraction, terms: int = 40) -> Fraction:
    """A rational lower bound of exp(x) for x >= 0: the Taylor partial sum (positive terms)."""
    s, t = Fraction(0), Fraction(1)
    for k in range(terms):
        s += t
        t = t * x / (k + 1)
    return s


def check_boltzmann_bound(b: Fraction, m: int) -> bool:
    """Exact check that B bounds sup ||grad h_bz||_1: B >= 1 + 2 (m - 1) e^{-2} (closed form,
    with a rational lower bound of e^2) or B >= the upper end of the certified enclosure."""
    if m < 2:
        return b >= 1
    if (b - 1) * exp_lower(Fraction(2)) >= 2 * (m - 1):
        return True
    return b >= boltzmann_grad_sup(m).upper


def _col(P: sp.csr_matrix, u: np.ndarray, n_actions: int) -> np.ndarray:
    """col_{s(i)}(u) = sum_j P(s_i | j) u_j, repeated over the actions of each state."""
    return np.repeat(P.T @ u, n_actions)


@register
@dataclass(frozen=True, eq=False)
class PNormLyapunovCertificate(Certificate):
    """V(Q) = (1/p) sum_i (u_i/d_i)(Q_i - Q*_i)^p decays as dV/dt <= -c V along the ODE.

    Attributes
    ----------
    operator : str
        The smooth maximum h of F_h.
    gamma : Fraction
        Discount factor.
    P : scipy.sparse.csr_matrix
        Pair-to-next-state transition matrix (state-major).
    d : tuple of Fraction
        Sampling distribution (the diagonal of D).
    n_actions : int
    p : int
        Even exponent >= 2.
    u : tuple of Fraction
        Positive weights of V.
    c : Fraction
        The certified decay rate of V.
    argument : str
        Which bound on F_h the certificate uses (``norm-equivalence`` or ``young``).
    grad_bound : Fraction
        Bound on the l1 norm of the gradient of h (1 for max, lse and mellowmax).
    """

    operator: str
    gamma: Fraction
    P: sp.csr_matrix
    d: tuple[Fraction, ...]
    n_actions: int
    p: int
    u: tuple[Fraction, ...]
    c: Fraction
    argument: str
    grad_bound: Fraction = Fraction(1)
    _solver: dict | None = None

    kind = "smooth-pnorm-lyapunov"
    subject_fields = ("operator", "gamma", "P", "d", "n_actions")

    def claim(self) -> str:
        return (f"V(Q) = (1/{self.p}) sum_i (u_i/d_i)(Q_i - Q*_i)^{self.p} satisfies "
                f"dV/dt <= -{fmt_lower(self.c, 10)} V along dQ/dt = D(F_{self.operator}(Q) - Q)")

    def verify(self) -> CheckResult:
        p, u, d = self.p, self.u, self.d
        n = len(d)
        refuse = lambda why: CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {why}")  # noqa: E731
        if not isinstance(p, int) or p < 2 or p % 2:
            return refuse(f"p = {p!r} is not an even integer >= 2")
        A = self.n_actions
        if n == 0:
            return refuse("no state-action pairs")
        if isinstance(A, bool) or not isinstance(A, int) or A < 1 or n % A:
            return refuse(f"n_actions = {A!r}; expected an integer >= 1 dividing the {n} pairs")
        if len(u) != n or self.P.shape != (n, n // A):
            return refuse(f"u has {len(u)} entries and P shape {self.P.shape}; expected {n} pairs")
        if any(x <= 0 for x in u) or any(x <= 0 for x in d):
            return refuse("every weight u_i and every d_i must be > 0")
        if self.c < 0 or not (0 <= self.gamma < 1):
            return refuse("need c >= 0 and 0 <= gamma < 1")
        P = self.P.tocoo()
        entries = [Fraction(v) for v in P.data.tolist()]  # exact values of the stored doubles
        if any(v < 0 for v in entries):
            return refuse("P has a negative entry; the arguments need P >= 0")
        rows = [Fraction(0)] * n
        for i, v in zip(P.row.tolist(), entries, strict=True):
            rows[i] += v
        if self.argument == "young":
            return self._verify_young(P, entries, rows)
        if self.argument == "norm-equivalence":
            return self._verify_equivalence(max(rows))
        return refuse(f"unknown argument {self.argument!r}; expected one of {ARGUMENTS}")

    def _verify_young(self, P: sp.coo_matrix, entries: list[Fraction],
                      rows: list[Fraction]) -> CheckResult:
        """Rows gamma (p-1) r_i u_i + gamma col(u) - p u_i + c u_i/d_i <= 0, r_i the exact row sum
        of P (the Young bound of e_i^{p-1} (gamma P Pi e)_i carries sum_j M_ij = r_i)."""
        if self.operator not in SIMPLEX_OPERATORS:
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: the young argument "
                               f"needs grad h in the simplex; {self.operator!r} is not such")
        g, p, u, d, A = self.gamma, self.p, self.u, self.d, self.n_actions
        col = [Fraction(0)] * P.shape[1]
        for j, s, v in zip(P.row.tolist(), P.col.tolist(), entries, strict=True):
            col[s] += v * u[j]
        worst, row = None, -1
        for i in range(len(u)):
            lhs = g * (p - 1) * rows[i] * u[i] + g * col[i // A] - p * u[i] + self.c * u[i] / d[i]
            ratio = lhs / u[i]
            if worst is None or ratio > worst:
                worst, row = ratio, i
        diag = {"worst_row": row, "max_slack_over_u": str(worst), "argument": "young"}
        if worst <= 0:
            return CheckResult(Verdict.CERTIFIED, "exact check gamma(p-1)u_i + gamma col(u) - p u_i "
                               "+ c u_i/d_i <= 0 passed on every row", diag)
        return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: row {row} violates the "
                           f"young inequality by {float(worst)!r} (relative to u)", diag)

    def _verify_equivalence(self, row_max: Fraction) -> CheckResult:
        """||gamma P (H(Q) - H(Q*))||_inf <= gamma max_i r_i B ||e||_inf, r_i the exact row sums."""
        if self.operator in SIMPLEX_OPERATORS:
            a = self.gamma * row_max
        elif self.operator == "boltzmann" and check_boltzmann_bound(self.grad_bound, self.n_actions):
            a = self.gamma * row_max * self.grad_bound
        else:
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: grad_bound "
                               f"{float(self.grad_bound)!r} is not a proven bound for {self.operator!r}")
        p, u = self.p, self.u
        dmin = min(self.d)
        rhs_base = 1 - self.c / (p * dmin)
        lhs = a ** p * sum(u)
        ok = rhs_base >= 0 and lhs <= min(u) * rhs_base ** p
        diag = {"modulus": str(a), "lhs": float(lhs), "rhs": float(min(u) * max(rhs_base, 0) ** p),
                "argument": "norm-equivalence"}
        if ok:
            return CheckResult(Verdict.CERTIFIED, "exact check a^p sum(u) <= min(u) (1 - c/(p d_min))^p "
                               "passed", diag)
        return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: a^p sum(u) > min(u) "
                           "(1 - c/(p d_min))^p", diag)

    def factor(self) -> float:
        """The contraction factor K in dV/dt <= -(1 - K) sum_i u_i e_i^p (float, for reports)."""
        u = np.array([float(x) for x in self.u])
        g = float(self.gamma)
        if self.argument == "young":
            return float(np.max((g * (self.p - 1) * u + g * _col(self.P, u, self.n_actions))
                                / (self.p * u)))
        a = g * float(self.grad_bound) if self.operator == "boltzmann" else g
        return a * (u.sum() / u.min()) ** (1.0 / self.p)

    def witness_dict(self) -> dict:
        P = self.P.tocoo()
        return {"operator": self.operator, "gamma": str(self.gamma), "n_actions": self.n_actions,
                "P": {"shape": list(P.shape), "row": P.row.tolist(), "col": P.col.tolist(),
                      "data": P.data.tolist()},
                "d": [str(x) for x in self.d], "p": self.p, "u": [str(x) for x in self.u],
                "c": str(self.c), "argument": self.argument, "grad_bound": str(self.grad_bound)}

    @classmethod
    def from_dict(cls, data: dict) -> PNormLyapunovCertificate:
        w = data["witness"]
        pm = w["P"]
        P = sp.csr_matrix((np.asarray(pm["data"], dtype=float),
                           (np.asarray(pm["row"], dtype=int), np.asarray(pm["col"], dtype=int))),
                          shape=tuple(pm["shape"]))
        return cls(str(w["operator"]), as_fraction(w["gamma"]), P,
                   tuple(as_fraction(x) for x in w["d"]), int(w["n_actions"]), int(w["p"]),
                   tuple(as_fraction(x) for x in w["u"]), as_fraction(w["c"]), str(w["argument"]),
                   as_fraction(w.get("grad_bound", "1")), data.get("solver"))
