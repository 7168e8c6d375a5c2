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

from certify.families.lifted import LiftedFamily as LiftedFamily
from certify.families.matrix import Family

MAX_LIFT_DIM = 36
"""Largest lifted dimension C(n + d - 1, d) the ``sos`` step attempts (exact LDL^T cost)."""





def lifted_dim(n: int, d: int) -> int:
    from math import comb

    return comb(n + d - 1, d)


def sos_search(family: Family, degree: int, options=None):
    """CQLF search on the lift; returns (SOSCertificate or None, CQLFResult)."""
    from certify.certificates.sos import SOSCertificate
    from certify.jsr.cqlf import cqlf_search

    res = cqlf_search(LiftedFamily(family, degree), options)
    if res.certificate is None or not res.check or not res.check.certified:
        return None, res
    return SOSCertificate(family, degree, res.certificate, res.solver), res


def sos_step(st, degree: int):
    """The driver's ``sos:d`` step (see :mod:`certify.jsr.bounds`): yields its candidate."""
    from certify.exact import round_up_float
    from certify.jsr.bracket import Candidate

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
