"""Product-word certificates: rigorous lower bounds on the JSR.

Claim: JSR(family) >= r.  Witness: a word w of length k and an exact region R (real
interval or rectangle with rational corners).  The check recomputes the product
A_w = A_{w_k} ... A_{w_1} in rationals, its characteristic polynomial over QQ, counts the
roots in R exactly (Sturm sequences / sympy's exact complex root counting), and checks
r^(2k) <= min_{z in R} |z|^2.  Since rho(A_w)^(1/k) <= JSR (Jungers 2009, Prop. 1.4), the
claim follows.  No float eigenvalue enters the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, register
from certify.errors import InvalidCertificate
from certify.exact import as_fraction, matmul
from certify.exact.polynomials import RootRegion, exact_charpoly, region_contains_root
from certify.exact.printing import fmt_lower
from certify.families.matrix import Family, family_from_spec
from certify.verdict import Verdict


def exact_word_product(mats: list[np.ndarray], word: tuple[int, ...]) -> np.ndarray:
    """A_{w_k} ... A_{w_1} in exact rationals (``mats`` are Fraction arrays)."""
    p = mats[word[0]]
    for i in word[1:]:
        p = matmul(mats[i], p)
    return p


@register
@dataclass(frozen=True, eq=False)
class ProductWordCertificate(Certificate):
    """JSR >= bound, witnessed by a product word and an exact root region."""

    family: Family
    word: tuple[int, ...]
    region: RootRegion
    bound: Fraction
    _solver: dict | None = None

    kind = "product-word"

    def claim(self) -> str:
        return f"JSR({getattr(self.family, 'name', 'family')}) >= {fmt_lower(self.bound, 15)}"

    def verify(self) -> CheckResult:
        word = tuple(int(i) for i in self.word)
        m = self.family.size
        if not word or any(i < 0 or i >= m for i in word):
            return CheckResult(Verdict.INCONCLUSIVE,
                               f"certificate refused: word {list(word)} must use indices 0..{m - 1}")
        try:  # the witness in exact rationals, whatever type it was given in
            bound = as_fraction(self.bound)
            r = self.region
            region = RootRegion(*(as_fraction(x) for x in (r.re_lo, r.re_hi, r.im_lo, r.im_hi)))
        except InvalidCertificate as exc:
            return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {exc}")
        if bound < 0:
            return CheckResult(Verdict.INCONCLUSIVE, "certificate refused: negative bound")
        prod = exact_word_product(self.family.exact_matrices(), word)
        poly = exact_charpoly(prod)
        if not region_contains_root(poly, region):
            return CheckResult(Verdict.INCONCLUSIVE,
                               "certificate refused: the region holds no eigenvalue of the product")
        k = len(word)
        need = bound ** (2 * k)
        have = region.min_modulus_squared()
        diag = {"word": list(word), "charpoly": str(poly.as_expr()),
                "min_modulus_squared": str(have)}
        if need <= have:
            return CheckResult(Verdict.CERTIFIED,
                               "exact: an eigenvalue of the product lies in the region and "
                               "bound^(2k) <= its squared modulus", diag)
        return CheckResult(Verdict.INCONCLUSIVE,
                           "certificate refused: bound^(2k) exceeds the region's squared modulus",
                           diag)

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "word": list(self.word),
                "region": self.region.to_json(), "bound": str(self.bound)}

    @classmethod
    def from_dict(cls, data: dict) -> ProductWordCertificate:
        wit = data["witness"]
        return cls(family_from_spec(wit["family"]), tuple(int(i) for i in wit["word"]),
                   RootRegion.from_json(wit["region"]), as_fraction(wit["bound"]),
                   data.get("solver"))
