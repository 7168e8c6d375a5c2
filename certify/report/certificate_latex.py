"""LaTeX of certificates: each kind's claim and its one-paragraph argument (reports only).

Kept out of :mod:`certify.certificates` so that the trusted base (``docs/trust.md``) is what
checking a certificate executes: rendering a claim in LaTeX never decides a verdict.
:meth:`Certificate.claim_latex` and :meth:`Certificate.to_latex` call :func:`claim_latex`
and :func:`to_latex` here, which find the function of the certificate's class (or of the
nearest base class that has one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from certify.exact.printing import fmt_lower, fmt_upper, latex_number


def _jsr_upper(bound: Any) -> str:
    """``rho(Sigma) <= bound``, the bound rounded up to 12 digits."""
    return rf"\rho(\Sigma) \le {latex_number(bound, 12, 'up')}"


def _jsr_lower(bound: Any) -> str:
    """``rho(Sigma) >= bound``, the bound rounded down to 12 digits."""
    return rf"\rho(\Sigma) \ge {latex_number(bound, 12, 'down')}"


def _para_AlgebraicBalancedCertificate(cert: Any) -> str:
    k = len(cert.word)
    return (rf"The product $A_w$, $w = {list(cert.word)}$, has the eigenvalue $\rho^{{{k}}}$ "
            rf"and a balanced polytope with {len(cert.parents) + 1 + len(cert.extra)} vertices in "
            rf"$\mathbb{{Q}}(\rho)^n$ is invariant under $A_i/\rho$ (exact arithmetic over the "
            rf"degree-{cert.rate.degree} field), hence ${cert.claim_latex()}$.")


def _claim_AlgebraicRateClaim(cert: Any) -> str:
    return (rf"\rho(\Sigma) = \rho(A_w)^{{1/{len(cert.word)}}} \in "
            rf"[{latex_number(cert.rate.lo, 12, 'down')}, {latex_number(cert.rate.hi, 12, 'up')}]")


def _para_AlgebraicPolytopeCertificate(cert: Any) -> str:
    k = len(cert.word)
    return (rf"The product $A_w$, $w = {list(cert.word)}$, has the eigenvalue $\rho^{{{k}}}$ "
            rf"and a cone with {len(cert.parents) + 1} vertices in $\mathbb{{Q}}(\rho)^n$ is "
            rf"invariant under $A_i/\rho$ (exact arithmetic over the degree-{cert.rate.degree} "
            rf"field), hence ${cert.claim_latex()}$.")


def _claim_CollatzLowerCertificate(cert: Any) -> str:
    return rf"\rho(\Sigma) \ge {fmt_lower(cert.bound, 10)}"


def _para_CollatzLowerCertificate(cert: Any) -> str:
    return (rf"The member $A_\pi$ with $\pi = ({', '.join(map(str, cert.policy))})$ and "
            rf"$x \ge 0$ satisfy $A_\pi x \ge r x$ exactly, hence ${cert.claim_latex()}$.")


def _claim_ComplexBalancedCertificate(cert: Any) -> str:
    lo, hi = cert.bracket()
    return (rf"\rho(\Sigma) = |\lambda(A_w)|^{{1/{len(cert.word)}}} \in "
            rf"[{latex_number(lo, 12, 'down')}, {latex_number(hi, 12, 'up')}]")


def _para_ComplexBalancedCertificate(cert: Any) -> str:
    return (rf"The product $A_w$, $w = {list(cert.word)}$, has a complex eigenvalue "
            rf"$\lambda$ in an exact rectangle, and a balanced complex polytope with "
            rf"{len(cert.parents) + 1} vertices is invariant under $A_i/|\lambda|^{{1/k}}$ "
            rf"({'exact rational' if cert.check == 'exact' else 'interval'} arithmetic over "
            rf"the rectangle), hence ${cert.claim_latex()}$.")


def _claim_FamilyMaxNormCertificate(cert: Any) -> str:
    return _jsr_upper(cert.bound)


def _para_FamilyMaxNormCertificate(cert: Any) -> str:
    return (r"A weighted max-norm $\|x\|_w = \max_k |x_k|/w_k$ with rational $w > 0$ satisfies "
            rf"$|A_i| w \le r\,w$ exactly for every member, hence ${cert.claim_latex()}$.")


def _claim_WeightedMaxNormCertificate(cert: Any) -> str:
    return rf"\rho(\Sigma) \le {fmt_upper(cert.bound, 10)}"


def _para_WeightedMaxNormCertificate(cert: Any) -> str:
    w = np.asarray(cert.w)
    return (
        rf"Weighted max-norm $\|x\|_w = \max_i |x_i|/w_i$ with $w>0$ "
        rf"($\min w = {latex_number(w.min(), 4)}$, $\max w = {latex_number(w.max(), 4)}$) satisfies "
        rf"$\max_\pi A_\pi w \le r\,w$ exactly, hence ${cert.claim_latex()}$."
    )


def _claim_InducedNormCertificate(cert: Any) -> str:
    return _jsr_upper(cert.bound)


def _para_InducedNormCertificate(cert: Any) -> str:
    return (rf"Every product of length {cert.length} has induced "
            rf"$\|\cdot\|_{{{cert.norm}}}$-norm at most $r^{{{cert.length}}}$ "
            rf"(exact check), hence ${cert.claim_latex()}$.")


def _claim_ExactValueCertificate(cert: Any) -> str:
    lo, hi = cert.bracket()
    return (rf"\rho(\Sigma) = \theta^{{1/{cert.power}}} \in [{latex_number(lo, 12, 'down')}, "
            rf"{latex_number(hi, 12, 'up')}]")


def _claim_NTKContractionCertificate(cert: Any) -> str:
    return (rf"\|\mathcal U_3 Q_1 - \mathcal U_3 Q_2\|_\infty \le "
            rf"{latex_number(cert.bound, 10, 'up')}\,\|Q_1 - Q_2\|_\infty")


def _para_NTKContractionCertificate(cert: Any) -> str:
    return (rf"The kernel $K$ ($n = {np.shape(cert.k)[0]}$) and replay distribution $\rho$ "
            rf"satisfy $\alpha K_{{ii}}\rho_i < 1$ and $(1+\gamma)\sum_{{j\ne i}}|K_{{ij}}|\rho_j "
            rf"\le (1-\gamma)K_{{ii}}\rho_i$ for every $i$ (exact check), hence "
            rf"${cert.claim_latex()}$ (Achiam et al., Theorem 2).")


def _claim_MeanFieldMarginCertificate(cert: Any) -> str:
    tail = r" > 0" if cert.margin > 0 else r" \not> 0"
    return (rf"\beta = \tfrac{{\sigma^2\kappa}}{{2}} - C_2 - L \ge {fmt_lower(cert.margin, 8)}"
            + tail)


def _para_MeanFieldMarginCertificate(cert: Any) -> str:
    return (rf"For the mean-field tanh parameterisation with $K = {cert.width}$, "
            rf"$\tau = {float(cert.tau):g}$, $\sigma = {float(cert.sigma):g}$, "
            rf"$\kappa = {float(cert.kappa):g}$: $C_2 \le {fmt_upper(cert.c2_bar, 8)}$, "
            rf"$L \le {fmt_upper(cert.l_bar, 8)}$ (derived bounds, recomputed exactly), "
            rf"hence ${cert.claim_latex()}$ and $W_2(\nu_t, \nu^*) \le e^{{-\beta t}} "
            r"W_2(\nu_0, \nu^*)$.")


def _claim_TabularStepCertificate(cert: Any) -> str:
    if cert.eta * cert.beta_s_bar > 1:
        return (rf"\eta = {latex_number(cert.eta, 10, 'up')} > 1/\bar\beta_s,\ "
                rf"\beta_s \le {fmt_upper(cert.beta_s_bar, 8)}")
    return (rf"\eta = {latex_number(cert.eta, 10, 'down')} \le 1/\beta_s,\ "
            rf"\beta_s \le {fmt_upper(cert.beta_s_bar, 8)}")


def _para_TabularStepCertificate(cert: Any) -> str:
    return (rf"Smoothness of $\theta \mapsto V^{{\pi_\theta}}_\tau(\rho)$ "
            rf"(Mei et al.\ 2020, Lemma 14, reconstructed): $\beta_s \le "
            rf"{fmt_upper(cert.beta_s_bar, 8)}$; hence ${cert.claim_latex()}$ and "
            r"Theorem 6's linear rate applies.")


def _claim_PNormLyapunovCertificate(cert: Any) -> str:
    return (rf"\dot V \le -{latex_number(cert.c, 8, 'down')}\, V,\quad V(Q) = \tfrac1{{{cert.p}}}"
            rf"\sum_i \tfrac{{u_i}}{{d_i}} (Q_i - Q^*_i)^{{{cert.p}}}")


def _para_PNormLyapunovCertificate(cert: Any) -> str:
    return (rf"With $p = {cert.p}$ and weights $u_i > 0$, ${cert.claim_latex()}$ "
            rf"holds along $\dot Q = D(F_h(Q) - Q)$ (exact check, argument: {cert.argument}).")


def _claim_PolytopeCertificate(cert: Any) -> str:
    return _jsr_upper(cert.rate)


def _para_PolytopeCertificate(cert: Any) -> str:
    N = np.asarray(cert.vertices).shape[1]
    return (rf"An invariant {cert.mode} polytope with {N} rational vertices satisfies "
            rf"$A_i P \subseteq r P$ exactly, hence ${cert.claim_latex()}$.")


def _claim_ProductWordCertificate(cert: Any) -> str:
    return _jsr_lower(cert.bound)


def _para_ProductWordCertificate(cert: Any) -> str:
    w = r"A_{" + r"}A_{".join(str(i) for i in reversed(cert.word)) + "}"
    return (rf"The product ${w}$ has an eigenvalue in an exactly isolated region, so "
            rf"$\rho({w})^{{1/{len(cert.word)}}}$ bounds the JSR below: "
            rf"${cert.claim_latex()}$.")


def _claim_QuadraticCertificate(cert: Any) -> str:
    return rf"\rho(\Sigma) \le {fmt_upper(cert.beta, 10)}"


def _para_QuadraticCertificate(cert: Any) -> str:
    Xf = np.asarray(cert.X, dtype=float)
    ev = np.linalg.eigvalsh(Xf)
    return (rf"A rational $X = X^\top \succ 0$ (eigenvalues in "
            rf"$[{latex_number(ev.min(), 4)}, {latex_number(ev.max(), 4)}]$) satisfies "
            rf"$A^\top X A \preceq \beta^2 X$ for every member, checked by exact "
            rf"$LDL^\top$ factorisation; hence ${cert.claim_latex()}$.")


def _claim_SOSCertificate(cert: Any) -> str:
    return _jsr_upper(cert.bound)


def _para_SOSCertificate(cert: Any) -> str:
    return (rf"A common quadratic Lyapunov function of the degree-{cert.degree} Veronese "
            rf"lift (an SOS form of degree {2 * int(cert.degree)}) proves ${cert.claim_latex()}$.")


def _claim_NilpotentCertificate(cert: Any) -> str:
    return r"\rho(\Sigma) = 0"


def _claim_BlockTriangularCertificate(cert: Any) -> str:
    if cert.side == "upper":
        return _jsr_upper(cert.bound)
    return _jsr_lower(cert.bound)


def _para_BlockTriangularCertificate(cert: Any) -> str:
    return (rf"A permutation puts every member in block upper-triangular form with blocks "
            rf"of sizes {list(cert.sizes)}; the blocks' certificates give ${cert.claim_latex()}$.")


def _claim_RankOneCertificate(cert: Any) -> str:
    return _jsr_upper(cert.bound)


CLAIMS: dict[str, Callable[[Any], str]] = {
    "AlgebraicRateClaim": _claim_AlgebraicRateClaim,
    "CollatzLowerCertificate": _claim_CollatzLowerCertificate,
    "ComplexBalancedCertificate": _claim_ComplexBalancedCertificate,
    "FamilyMaxNormCertificate": _claim_FamilyMaxNormCertificate,
    "WeightedMaxNormCertificate": _claim_WeightedMaxNormCertificate,
    "InducedNormCertificate": _claim_InducedNormCertificate,
    "ExactValueCertificate": _claim_ExactValueCertificate,
    "NTKContractionCertificate": _claim_NTKContractionCertificate,
    "MeanFieldMarginCertificate": _claim_MeanFieldMarginCertificate,
    "TabularStepCertificate": _claim_TabularStepCertificate,
    "PNormLyapunovCertificate": _claim_PNormLyapunovCertificate,
    "PolytopeCertificate": _claim_PolytopeCertificate,
    "ProductWordCertificate": _claim_ProductWordCertificate,
    "QuadraticCertificate": _claim_QuadraticCertificate,
    "SOSCertificate": _claim_SOSCertificate,
    "NilpotentCertificate": _claim_NilpotentCertificate,
    "BlockTriangularCertificate": _claim_BlockTriangularCertificate,
    "RankOneCertificate": _claim_RankOneCertificate,
}
"""Class name -> the LaTeX of its claim (a formula, without dollars)."""

PARAGRAPHS: dict[str, Callable[[Any], str]] = {
    "AlgebraicBalancedCertificate": _para_AlgebraicBalancedCertificate,
    "AlgebraicPolytopeCertificate": _para_AlgebraicPolytopeCertificate,
    "CollatzLowerCertificate": _para_CollatzLowerCertificate,
    "ComplexBalancedCertificate": _para_ComplexBalancedCertificate,
    "FamilyMaxNormCertificate": _para_FamilyMaxNormCertificate,
    "WeightedMaxNormCertificate": _para_WeightedMaxNormCertificate,
    "InducedNormCertificate": _para_InducedNormCertificate,
    "NTKContractionCertificate": _para_NTKContractionCertificate,
    "MeanFieldMarginCertificate": _para_MeanFieldMarginCertificate,
    "TabularStepCertificate": _para_TabularStepCertificate,
    "PNormLyapunovCertificate": _para_PNormLyapunovCertificate,
    "PolytopeCertificate": _para_PolytopeCertificate,
    "ProductWordCertificate": _para_ProductWordCertificate,
    "QuadraticCertificate": _para_QuadraticCertificate,
    "SOSCertificate": _para_SOSCertificate,
    "BlockTriangularCertificate": _para_BlockTriangularCertificate,
}
"""Class name -> its one-paragraph argument."""


def _lookup(cert: object, table: dict) -> Callable[[Any], str] | None:
    for klass in type(cert).__mro__:
        if klass.__name__ in table:
            return table[klass.__name__]
    return None


def claim_latex(cert: object) -> str:
    """The claim of ``cert`` as a LaTeX formula (no dollars).

    Parameters
    ----------
    cert : Certificate
        Any certificate.
    """
    f = _lookup(cert, CLAIMS)
    if f is None:
        raise NotImplementedError(f"no LaTeX claim for {type(cert).__name__}")
    return f(cert)


def to_latex(cert: object) -> str:
    """One paragraph stating the claim of ``cert`` and how it is certified.

    Parameters
    ----------
    cert : Certificate
        Any certificate.
    """
    f = _lookup(cert, PARAGRAPHS)
    return f(cert) if f is not None else f"Claim: ${claim_latex(cert)}$."
