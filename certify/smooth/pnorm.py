"""Weighted p-norm Lyapunov certificates for the smooth Q-learning ODE dQ/dt = D (F_h(Q) - Q).

Lyapunov function (theory.md section 1, weights derived): with p even, u > 0 and
e = Q - Q*_h,

    V(Q) = (1/p) sum_i (u_i / d_i) e_i^p ,   dV/dt = sum_i u_i e_i^{p-1} (g_i - e_i),

g = F_h(Q) - F_h(Q*_h).  Two sound arguments bound dV/dt <= -c V (both checked exactly in
rational arithmetic by :meth:`PNormLyapunovCertificate.verify`):

``norm-equivalence`` (theory.md, [derived]): ||g||_inf <= a ||e||_inf with a the sup-norm
    modulus (times the largest exact row sum of P, 1 for a stochastic P), Hoelder and
    ||x||_inf <= ||x||_{u,p} / min(u)^{1/p}, ||x||_{u,p} <= (sum u)^{1/p}
    ||x||_inf give dV/dt <= -(1 - a (sum u / min u)^{1/p}) sum_i u_i e_i^p, and
    sum u e^p >= p d_min V.  Exact check: a^p sum(u) <= min(u) (1 - c / (p d_min))^p.
    Plain weights u = 1 (optimal here, since sum u / min u >= n) give the threshold: the
    smallest even p with a n^{1/p} < 1 (n = 6, gamma = 0.9: p = 18).

``young`` (reconstruction, for operators with grad h in the simplex): by the mean value
    theorem g = gamma P Pi_lam e with Pi_lam a stochastic-policy matrix (seed 002 Lemma 6 for
    max).  Young's inequality |x|^{p-1} |y| <= ((p-1)|x|^p + |y|^p) / p (proofs.young_inequality)
    bounds dV/dt by sum_i kappa_i e_i^p with
        p kappa_i = gamma (p - 1) r_i u_i + gamma col_s(u) - p u_i,  col_s(u) = sum_j P(s|j) u_j,
    i = (s, a), r_i = sum_s P(s|i) the exact row sum of the stored P (1 for a stochastic P;
    P >= 0 is checked, so a forged P cannot pass); so dV/dt <= -c V if p kappa_i <= -c u_i / d_i
    on every row.  This is O(nnz(P)) exact row checks.  A feasible u exists iff
    gamma (p - 1 + rho) < p for the Perron root rho = |A| of N_ij = P(s_i|j): the threshold
    p > gamma (|A| - 1) / (1 - gamma) does not grow with the number of states.  The weights are
    found by bisection on c with the Perron vector of (gamma / p) diag(1 / beta) N,
    beta_i = 1 - gamma (p - 1)/p - c / (p d_i).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from ..certificates.base import Certificate, CheckResult, register
from ..errors import InvalidInput
from ..exact import as_fraction
from ..mdp.finite import FiniteMDP
from ..numfmt import fmt_lower, latex_number
from ..verdict import Verdict
from .moduli import SIMPLEX_OPERATORS, check_boltzmann_bound

ARGUMENTS = ("young", "norm-equivalence")


def check_p(p: object) -> int:
    """Validate a requested p: an even integer >= 2."""
    if isinstance(p, bool) or not isinstance(p, int | np.integer) or p < 2 or p % 2:
        raise InvalidInput(f"p = {p!r}; expected an even integer >= 2 (so that |x|^p is a "
                           "polynomial and V is smooth)")
    return int(p)


def plain_threshold_p(n: int, modulus: float | Fraction, p_max: int = 100_000) -> int | None:
    """Smallest even p with modulus * n^(1/p) < 1, decided exactly (modulus^p n < 1).

    None when the modulus is >= 1 (no p works) or p would exceed ``p_max``.
    """
    a = as_fraction(modulus)
    if a >= 1:
        return None
    if a == 0:
        return 2
    p = max(2, 2 * math.floor(math.log(n) / (-math.log(float(a))) / 2))
    while p <= p_max:
        if a ** p * n < 1:
            return p
        p += 2
    return None


def young_threshold_p(gamma: float, n_actions: int) -> int:
    """Smallest even p with gamma (p - 1 + |A|) < p, decided exactly."""
    g = as_fraction(gamma)
    p = 2
    while g * (p - 1 + n_actions) >= p:
        p += 2
    return p


def _col(P: sp.csr_matrix, u: np.ndarray, n_actions: int) -> np.ndarray:
    """col_{s(i)}(u) = sum_j P(s_i | j) u_j, repeated over the actions of each state."""
    return np.repeat(P.T @ u, n_actions)


def _perron(mdp: FiniteMDP, d: np.ndarray, p: int, c: float) -> tuple[float, np.ndarray] | None:
    g = mdp.gamma
    beta = 1.0 - g * (p - 1) / p - c / (p * d)
    if np.any(beta <= 0):
        return None
    A = mdp.n_actions
    # K = (gamma/p) P^T diag(1/beta) B on states; u = (gamma/p) (1/beta) * repeat(v)
    K = (g / p) * (mdp.P_matrix.T @ sp.diags(1.0 / beta) @ sp.kron(sp.identity(mdp.n_states),
                                                                   np.ones((A, 1))))
    K = K.toarray() if sp.issparse(K) else np.asarray(K)
    vals, vecs = np.linalg.eig(K)
    k = int(np.argmax(vals.real))
    v = np.abs(vecs[:, k].real)
    u = (g / p) * np.repeat(v, A) / beta
    return float(vals[k].real), u


@dataclass(frozen=True)
class PNormSearch:
    """Outcome of :func:`search_young`: weights u, rate c and the float factor kappa."""

    p: int
    u: np.ndarray
    c: float
    factor: float


def search_young(mdp: FiniteMDP, d: np.ndarray, p: int, steps: int = 60) -> PNormSearch | None:
    """Best decay rate c (and weights u) for the ``young`` argument at exponent p."""
    g = mdp.gamma
    c_hi = float(p * d.min() * (1.0 - g * (p - 1) / p))
    if c_hi <= 0:
        return None
    if g == 0:
        # F_h is constant: dV/dt = -sum_i u_i e_i^p <= -p d_min V for any u > 0.  The Perron
        # weights u = (gamma / p) v / beta vanish here, so take u = 1 and c just below p d_min.
        u = np.ones(mdp.n_states * mdp.n_actions)
        return PNormSearch(p, u, c_hi * (1 - 1e-6), 0.0)
    r0 = _perron(mdp, d, p, 0.0)
    if r0 is None or r0[0] >= 1:
        return None
    lo, hi = 0.0, c_hi
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        r = _perron(mdp, d, p, mid)
        if r is not None and r[0] < 1:
            lo = mid
        else:
            hi = mid
    c = lo * (1 - 1e-6)
    _, u = _perron(mdp, d, p, c)  # type: ignore[misc]
    u = u / u.max()
    factor = float(np.max((g * (p - 1) * u + g * _col(mdp.P_matrix, u, mdp.n_actions)) / (p * u)))
    return PNormSearch(p, u, c, factor)


@register
@dataclass(frozen=True, eq=False)
class PNormLyapunovCertificate(Certificate):
    """V(Q) = (1/p) sum_i (u_i/d_i)(Q_i - Q*_i)^p decays as dV/dt <= -c V along the ODE."""

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

    def claim(self) -> str:
        return (f"V(Q) = (1/{self.p}) sum_i (u_i/d_i)(Q_i - Q*_i)^{self.p} satisfies "
                f"dV/dt <= -{fmt_lower(self.c, 10)} V along dQ/dt = D(F_{self.operator}(Q) - Q)")

    def claim_latex(self) -> str:
        return (rf"\dot V \le -{latex_number(self.c, 8, 'down')}\, V,\quad V(Q) = \tfrac1{{{self.p}}}"
                rf"\sum_i \tfrac{{u_i}}{{d_i}} (Q_i - Q^*_i)^{{{self.p}}}")

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

    def to_latex(self) -> str:
        return (rf"With $p = {self.p}$ and weights $u_i > 0$, ${self.claim_latex()}$ "
                rf"holds along $\dot Q = D(F_h(Q) - Q)$ (exact check, argument: {self.argument}).")


def make_certificate(mdp: FiniteMDP, d: np.ndarray, operator: str, p: int, u: np.ndarray,
                     c: float, argument: str, grad_bound: Fraction = Fraction(1),
                     ) -> PNormLyapunovCertificate:
    """Rationalise float weights and rate into a certificate (verify() decides)."""
    uq = tuple(Fraction(float(x)).limit_denominator(10**12) for x in u)
    cq = Fraction(float(c)).limit_denominator(10**12)
    return PNormLyapunovCertificate(operator, as_fraction(mdp.gamma), mdp.P_matrix.copy(),
                                    tuple(as_fraction(x) for x in d), mdp.n_actions, p, uq, cq,
                                    argument, grad_bound, {"search": "bisection + Perron vector"
                                                           if argument == "young" else "closed form"})
