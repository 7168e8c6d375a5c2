"""Induced-norm certificates (with product lifting): upper bounds on the JSR.

Claim: JSR(family) <= r.  Witness: a norm p in {1, 2, inf} and a length k.  For every
word w of length k, ||A_w||_p <= r^k; then every product of length t k has norm at most
r^(t k) and JSR <= r (Jungers 2009, Prop. 1.4; k = 1 is the common induced norm).

Exact checks: ||P||_1 and ||P||_inf are rational (column / row sums of |P|); ||P||_2 <= s
is decided by an exact LDL^T of s^2 I - P^T P.

:class:`ExactValueCertificate` combines a product word with the 2-norm of products to
prove an *equality* JSR = theta^(1/(2 k l)), theta the real root of
det(x I - A_w^(2l)) isolated in a rational interval, when every product A_v of length l
has lambda_max((A_v^T A_v)^k) <= theta.  Then rho(A_w)^(1/k) >= theta^(1/(2kl)) and
max ||A_v||_2^(1/l) <= theta^(1/(2kl)), so both bounds meet.  The comparison of real
algebraic numbers is exact (Sturm counts on rational intervals after removing the common
factor with gcd).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from certify.certificates.base import Certificate, CheckResult, register
from certify.certificates.product_word import exact_word_product
from certify.errors import InvalidCertificate
from certify.exact import as_fraction, ldl_definiteness, matmul, round_down_float, round_up_float
from certify.exact.polynomials import X, exact_charpoly
from certify.exact.printing import fmt_lower, fmt_upper
from certify.families.matrix import Family, family_from_spec
from certify.verdict import Verdict

NORMS = ("1", "2", "inf")
MAX_WORDS = 4096


def _words(m: int, k: int):
    return itertools.product(range(m), repeat=k)


def exact_norm_at_most(p: np.ndarray, norm: str, s: Fraction) -> bool:
    """Exact test ||P||_norm <= s for a Fraction matrix P."""
    if norm == "1":
        return max(sum(abs(v) for v in col) for col in p.T) <= s
    if norm == "inf":
        return max(sum(abs(v) for v in row) for row in p) <= s
    n = p.shape[0]
    m = -matmul(p.T, p)
    for i in range(n):
        m[i, i] += s * s
    return ldl_definiteness(m).psd


@register
@dataclass(frozen=True, eq=False)
class InducedNormCertificate(Certificate):
    """JSR <= bound: every product of length ``length`` has ||.||_norm <= bound^length."""

    family: Family
    norm: str
    length: int
    bound: Fraction
    _solver: dict | None = None

    kind = "induced-norm"

    def claim(self) -> str:
        return f"JSR({getattr(self.family, 'name', 'family')}) <= {fmt_upper(self.bound, 15)}"

    def verify(self) -> CheckResult:
        if self.norm not in NORMS:
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"certificate refused: norm {self.norm!r} is not one of {NORMS}")
        k, m = int(self.length), self.family.size
        if not 1 <= k <= MAX_WORDS or m**k > MAX_WORDS:
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"certificate refused: length {k} gives {m}^{k} products "
                               f"(allowed 1..{MAX_WORDS})")
        try:
            bound = as_fraction(self.bound)
        except InvalidCertificate as exc:
            return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {exc}")
        if bound < 0:
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: negative bound")
        mats = self.family.exact_matrices()
        s = bound**k
        for w in _words(m, k):
            if not exact_norm_at_most(exact_word_product(mats, w), self.norm, s):
                return CheckResult(Verdict.INCONCLUSIVE,
                                   f"certificate refused: ||A_w||_{self.norm} > bound^{k} for "
                                   f"w = {list(w)}", {"word": list(w)})
        return CheckResult(Verdict.CERTIFIED,
                           f"exact: every product of length {k} has {self.norm}-norm <= bound^{k}",
                           {"products": m**k})

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "norm": self.norm, "length": int(self.length),
                "bound": str(self.bound)}

    @classmethod
    def from_dict(cls, data: dict) -> InducedNormCertificate:
        wit = data["witness"]
        return cls(family_from_spec(wit["family"]), str(wit["norm"]), int(wit["length"]),
                   as_fraction(wit["bound"]), data.get("solver"))


def algebraic_max_at_most(q: sp.Poly, p: sp.Poly, a: Fraction, b: Fraction) -> bool:
    """Exact: every real root of ``q`` is <= theta, the only root of ``p`` in [a, b]."""
    ra, rb = sp.Rational(a), sp.Rational(b)
    h = sp.Poly(sp.quo(q, sp.gcd(q, q.diff(X))), X, domain="QQ")
    g = sp.Poly(sp.gcd(h, p), X, domain="QQ")
    if g.degree() > 0 and g.count_roots(ra, rb) >= 1:
        h = sp.Poly(sp.quo(h, g), X, domain="QQ")  # theta removed; h(theta) != 0 now
        if _roots_above(g, rb):  # a common root of q and p above theta
            return False
    if h.degree() <= 0:
        return True
    # roots of h must lie below theta: none in [a, oo) (refine [a, b] until h has none there)
    while h.count_roots(ra, rb) > 0:
        roots = p.intervals(eps=(rb - ra) / 16, inf=ra, sup=rb)
        if not roots:
            return False
        (ra, rb), _ = roots[0]
        ra, rb = sp.Rational(ra), sp.Rational(rb)
        if rb - ra < sp.Rational(1, 10**200):
            return False
    return not _roots_above(h, rb)


def _roots_above(f: sp.Poly, b) -> bool:
    """Exact: does ``f`` have a real root strictly greater than the rational ``b``?

    (sympy's ``count_roots(b, oo)`` counts a root at ``b`` itself, which is not above it: the
    cause of refusing JSR([[2]], [[1]]) = 2, whose theta = 4 is isolated by [4, 4].)"""
    if f.degree() <= 0:
        return False
    return f.count_roots(b, sp.oo) - (1 if f.eval(b) == 0 else 0) > 0


@register
@dataclass(frozen=True, eq=False)
class ExactValueCertificate(Certificate):
    """JSR = theta^(1/(2 k l)) exactly (see the module docstring)."""

    family: Family
    word: tuple[int, ...]
    length: int
    interval: tuple[Fraction, Fraction]
    _solver: dict | None = None

    kind = "exact-value"

    @property
    def power(self) -> int:
        return 2 * len(self.word) * int(self.length)

    def bracket(self) -> tuple[Fraction, Fraction]:
        from certify.exact.polynomials import rational_root_ceil, rational_root_floor
        a, b = self.interval
        return rational_root_floor(a, self.power), rational_root_ceil(b, self.power)

    def value_float(self) -> float:
        a, b = self.interval
        return float((a + b) / 2) ** (1.0 / self.power)

    def claim(self) -> str:
        lo, hi = self.bracket()
        return (f"JSR({getattr(self.family, 'name', 'family')}) = theta^(1/{self.power}) in "
                f"[{fmt_lower(lo, 15)}, {fmt_upper(hi, 15)}], theta the root of "
                f"det(xI - A_w^{2 * self.length}) in [{fmt_lower(self.interval[0], 17)}, "
                f"{fmt_upper(self.interval[1], 17)}]")

    def verify(self) -> CheckResult:
        m, l_ = self.family.size, int(self.length)
        word = tuple(int(i) for i in self.word)
        try:
            a, b = (as_fraction(x) for x in self.interval)
        except (InvalidCertificate, ValueError) as exc:
            return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {exc}")
        if not word or any(i < 0 or i >= m for i in word) or not 1 <= l_ <= MAX_WORDS \
                or m**l_ > MAX_WORDS \
                or not 0 < a <= b:
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: malformed witness")
        mats = self.family.exact_matrices()
        pw = exact_word_product(mats, word)
        pw2 = pw
        for _ in range(2 * l_ - 1):
            pw2 = matmul(pw, pw2)
        p = exact_charpoly(pw2)
        psq = sp.Poly(sp.quo(p, sp.gcd(p, p.diff(X))), X, domain="QQ")
        if psq.count_roots(sp.Rational(a), sp.Rational(b)) != 1:
            return CheckResult(Verdict.INCONCLUSIVE,
                               "certificate refused: the interval does not isolate one root")
        k = len(word)
        for v in _words(m, l_):
            pv = exact_word_product(mats, v)
            s = matmul(pv.T, pv)
            sk = s
            for _ in range(k - 1):
                sk = matmul(s, sk)
            if not algebraic_max_at_most(exact_charpoly(sk), psq, a, b):
                return CheckResult(Verdict.INCONCLUSIVE,
                                   f"certificate refused: ||A_v||_2^(2k) > theta for v = {list(v)}")
        return CheckResult(Verdict.CERTIFIED,
                           "exact: rho(A_w)^(1/k) and max ||A_v||_2^(1/l) both equal "
                           "theta^(1/(2kl)) (Sturm counts over QQ)",
                           {"charpoly": str(psq.as_expr()),
                            "lower": round_down_float(self.bracket()[0]),
                            "upper": round_up_float(self.bracket()[1])})

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "word": list(self.word), "length": int(self.length),
                "interval": [str(self.interval[0]), str(self.interval[1])]}

    @classmethod
    def from_dict(cls, data: dict) -> ExactValueCertificate:
        wit = data["witness"]
        return cls(family_from_spec(wit["family"]), tuple(int(i) for i in wit["word"]),
                   int(wit["length"]), (as_fraction(wit["interval"][0]),
                                        as_fraction(wit["interval"][1])), data.get("solver"))
