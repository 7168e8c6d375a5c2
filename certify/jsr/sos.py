"""SOS polynomial norms of degree 2d through the Veronese lift (Parrilo and Jadbabaie).

For x in R^n let x^[d] be the vector of the monomials x^beta, |beta| = d (sorted exponent
tuples).  Every matrix A has a unique lift A^[d] with (A x)^[d] = A^[d] x^[d]:

    A^[d]_{alpha beta} = coefficient of x^beta in prod_i (A_i . x)^{alpha_i}.

It is multiplicative, (AB)^[d] = A^[d] B^[d], and rho(A^[d]) = rho(A)^d, so
JSR({A_i^[d]}) = JSR({A_i})^d.  (P. Parrilo and A. Jadbabaie, "Approximation of the joint
spectral radius using sum of squares", Linear Algebra Appl. 428, 2008, Sec. 4; the scaled
basis sqrt(d!/alpha!) x^alpha used there differs from ours by a diagonal similarity, which
changes neither the JSR nor the CQLF bound.)  Hence a common quadratic Lyapunov function
X for the lifted family, beta_lift, proves

    JSR <= beta_lift^(1/d),

i.e. the SOS form p(x) = (x^[d])^T X x^[d] of degree 2d is a norm-like Lyapunov function.
The lift is computed exactly in rationals from the original members, and the exact check
recomputes it.  The companion lower bound beta_lift^(1/d) m^(-1/(2d)) (Parrilo-Jadbabaie
Thm. 4.3, from Ando-Shih's sqrt(m) bound on the lift) holds only for the *optimal*
beta_lift, which a solver cannot prove; it is reported as an uncertified note.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from ..errors import InvalidFamily
from .family import Family, family_from_spec, register_family_type

MAX_LIFT_DIM = 36
"""Largest lifted dimension C(n + d - 1, d) the ``sos`` step attempts (exact LDL^T cost)."""


def monomials(n: int, d: int) -> list[tuple[int, ...]]:
    """Exponent tuples of the degree-d monomials in n variables, in a fixed order."""
    out = []
    for combo in itertools.combinations_with_replacement(range(n), d):
        e = [0] * n
        for i in combo:
            e[i] += 1
        out.append(tuple(e))
    return sorted(out, reverse=True)


def _poly_mul(p: dict, q: dict) -> dict:
    out: dict = {}
    for a, x in p.items():
        for b, y in q.items():
            k = tuple(i + j for i, j in zip(a, b, strict=True))
            out[k] = out.get(k, Fraction(0)) + x * y
    return out


def lift_matrix(a: np.ndarray, d: int) -> np.ndarray:
    """A^[d] exactly, for a Fraction matrix ``a`` (see the module docstring)."""
    n = a.shape[0]
    mons = monomials(n, d)
    index = {m: k for k, m in enumerate(mons)}
    rows = [{tuple(int(i == j) for i in range(n)): a[r, j] for j in range(n) if a[r, j] != 0}
            for r in range(n)]
    out = np.full((len(mons), len(mons)), Fraction(0), dtype=object)
    for r, alpha in enumerate(mons):
        poly = {tuple([0] * n): Fraction(1)}
        for i, e in enumerate(alpha):
            for _ in range(e):
                poly = _poly_mul(poly, rows[i])
        for beta, c in poly.items():
            out[r, index[beta]] = c
    return out


class LiftedFamily:
    """The degree-d Veronese lift of a family, with exact entries computed from the base."""

    family_type = "veronese-lift"

    def __init__(self, base: Family, degree: int) -> None:
        if int(degree) < 1:
            raise InvalidFamily(f"degree = {degree!r}; the Veronese lift needs degree >= 1")
        self.base, self.degree = base, int(degree)
        self.name = f"{getattr(base, 'name', 'family')}^[{self.degree}]"
        self._exact = [lift_matrix(a, self.degree) for a in base.exact_matrices()]

    @property
    def dim(self) -> int:
        return int(self._exact[0].shape[0])

    @property
    def size(self) -> int:
        return len(self._exact)

    def exact_matrices(self) -> list[np.ndarray]:
        return [a.copy() for a in self._exact]

    def float_matrices(self) -> list[np.ndarray]:
        return [a.astype(float) for a in self._exact]

    def spec(self) -> dict:
        return {"type": self.family_type, "degree": self.degree, "base": self.base.spec()}

    @classmethod
    def from_spec(cls, spec: dict) -> LiftedFamily:
        try:
            return cls(family_from_spec(spec["base"]), int(spec["degree"]))
        except KeyError as exc:
            raise InvalidFamily(f"veronese-lift family: missing field {exc.args[0]!r}") from exc


register_family_type("veronese-lift", LiftedFamily.from_spec)


def lifted_dim(n: int, d: int) -> int:
    from math import comb

    return comb(n + d - 1, d)


def sos_search(family: Family, degree: int, options=None):
    """CQLF search on the lift; returns (SOSCertificate or None, CQLFResult)."""
    from ..certificates.sos import SOSCertificate
    from .cqlf import cqlf_search

    res = cqlf_search(LiftedFamily(family, degree), options)
    if res.certificate is None or not res.check or not res.check.certified:
        return None, res
    return SOSCertificate(family, degree, res.certificate, res.solver), res


def sos_step(st, degree: int):
    """The driver's ``sos:d`` step (see :mod:`certify.jsr.bounds`): yields its candidate."""
    from ..exact import round_up_float
    from .bracket import Candidate

    n = st.family.dim
    if lifted_dim(n, degree) > MAX_LIFT_DIM or st.family.size > 16:
        st.notes.append(f"sos:{degree}: skipped (lifted dimension {lifted_dim(n, degree)} > "
                        f"{MAX_LIFT_DIM} or more than 16 members)")
        return
    cert, res = sos_search(st.family, degree)
    if cert is None:
        st.notes.append(f"sos:{degree}: {res.reason or 'no certificate'}")
        return
    yield Candidate(f"sos:{degree}", "upper", cert, None, round_up_float(cert.bound))
    m = st.family.size
    st.notes.append(f"sos:{degree}: uncertified lower bound {cert.bound_float * m ** (-0.5 / degree):.12g}"
                    " (Parrilo-Jadbabaie, valid only if the SDP optimum is exact)")
