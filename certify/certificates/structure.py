"""Certificates from the structure of a family (see :mod:`certify.jsr.structure`).

* ``zero-jsr``: JSR = 0.  The check recomputes V_t = span{A_i V_{t-1}} exactly and needs
  V_n = {0} (every product of length n vanishes; Jungers 2009, Cor. 2.3).
* ``block-triangular``: a permutation puts every member in block upper-triangular form
  (checked entry by entry, exactly); each diagonal block carries its own certificate, whose
  family must equal that block exactly.  Upper side: JSR <= max of the blocks' upper
  bounds; lower side: JSR >= the lower bound of one block (Jungers 2009, Prop. 1.5).
* ``rank-one-cycle``: every member is exactly u_i v_i^T, and rational c > 0 satisfy
  M_ij c_j <= r c_i with M_ij = |v_j . u_i|.  Then ||A_w|| <= C r^(|w| - 1) for every
  product, so JSR <= r (Ahmadi and Parrilo, CDC 2012: the JSR of rank-one matrices is the
  maximum cycle mean of M).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, certificate_from_dict, register
from certify.errors import InvalidCertificate
from certify.exact import as_fraction
from certify.exact.printing import fmt_lower, fmt_upper
from certify.exact.structure import cycle_weights, nilpotent_depth, rank_one_factors
from certify.families.matrix import Family, MatrixFamily, family_from_spec
from certify.verdict import Verdict


def _name(family: Family) -> str:
    return getattr(family, "name", "family")


def _refuse(why: str, diag: dict | None = None) -> CheckResult:
    return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {why}", diag or {})


UPPER_KINDS = frozenset({"induced-norm", "quadratic", "sos", "family-weighted-max-norm",
                         "weighted-max-norm", "invariant-polytope", "rank-one-cycle"})
"""JSR certificate kinds whose bound is an upper bound."""
LOWER_KINDS = frozenset({"product-word", "collatz-lower"})
"""JSR certificate kinds whose bound is a lower bound."""
EXACT_KINDS = frozenset({"exact-value", "algebraic-polytope", "algebraic-balanced-polytope",
                         "complex-balanced-polytope", "zero-jsr"})
"""JSR certificate kinds that prove a bracket, so both sides."""


def proves_side(cert: Certificate, side: str) -> bool:
    """Does ``cert`` (once verified) bound the JSR on ``side`` ('lower' or 'upper')?

    Decided by the kind, never by which attributes the object happens to have: a verified
    lower bound used as an upper bound would prove nothing.
    """
    if cert.kind == BlockTriangularCertificate.kind:
        return getattr(cert, "side", None) == side
    if cert.kind in EXACT_KINDS:
        return True
    return cert.kind in (UPPER_KINDS if side == "upper" else LOWER_KINDS if side == "lower" else ())


def certificate_bound(cert: Certificate, side: str) -> Fraction:
    """The exact bound a JSR certificate claims on ``side`` ('lower' or 'upper')."""
    if hasattr(cert, "bracket"):
        lo, hi = cert.bracket()
        return lo if side == "lower" else hi
    for attr in ("bound", "beta", "rate"):
        if hasattr(cert, attr):
            return as_fraction(getattr(cert, attr))
    raise TypeError(f"certificate kind {cert.kind!r} states no bound")


@register
@dataclass(frozen=True, eq=False)
class NilpotentCertificate(Certificate):
    """JSR = 0: every product of length n vanishes (checked exactly)."""

    family: Family
    _solver: dict | None = None

    kind = "zero-jsr"
    bound = Fraction(0)

    def bracket(self) -> tuple[Fraction, Fraction]:
        return Fraction(0), Fraction(0)

    def claim(self) -> str:
        return f"JSR({_name(self.family)}) = 0"

    def verify(self) -> CheckResult:
        depth = nilpotent_depth(self.family.exact_matrices())
        if depth is None:
            return _refuse("some product of length n is not zero")
        return CheckResult(Verdict.CERTIFIED,
                           f"exact: every product of length {depth} is zero", {"depth": depth})

    def witness_dict(self) -> dict:
        return {"family": self.family.spec()}

    @classmethod
    def from_dict(cls, data: dict) -> NilpotentCertificate:
        return cls(family_from_spec(data["witness"]["family"]), data.get("solver"))


@register
@dataclass(frozen=True, eq=False)
class BlockTriangularCertificate(Certificate):
    """A JSR bound from the diagonal blocks of a common block-triangular form."""

    family: Family
    perm: tuple[int, ...]
    sizes: tuple[int, ...]
    side: str  # "upper": one certificate per block; "lower": one block's certificate
    blocks: tuple[int, ...]  # which diagonal blocks the certificates belong to
    certificates: tuple[Certificate, ...]
    _solver: dict | None = None

    kind = "block-triangular"

    @property
    def bound(self) -> Fraction:
        vals = [certificate_bound(c, self.side) for c in self.certificates]
        return max(vals) if vals else Fraction(0)

    def claim(self) -> str:
        if self.side == "upper":
            return f"JSR({_name(self.family)}) <= {fmt_upper(self.bound, 15)}"
        return f"JSR({_name(self.family)}) >= {fmt_lower(self.bound, 15)}"

    def verify(self) -> CheckResult:
        n = self.family.dim
        perm = [int(p) for p in self.perm]
        if sorted(perm) != list(range(n)) or sum(self.sizes) != n or min(self.sizes, default=0) < 1:
            return _refuse("perm is not a permutation of 0..n-1 or the block sizes do not add to n")
        if self.side not in ("upper", "lower") or len(self.blocks) != len(self.certificates):
            return _refuse("side must be 'upper' or 'lower', with one block index per certificate")
        if self.side == "upper" and sorted(self.blocks) != list(range(len(self.sizes))):
            return _refuse("an upper bound needs one certificate for every diagonal block")
        if self.side == "lower" and len(self.blocks) != 1:
            return _refuse("a lower bound uses exactly one block")
        starts = np.cumsum((0,) + tuple(self.sizes))
        block_of = np.repeat(np.arange(len(self.sizes)), self.sizes)
        mats = [a[np.ix_(perm, perm)] for a in self.family.exact_matrices()]
        for i, a in enumerate(mats):
            bad = [(r, c) for r in range(n) for c in range(n)
                   if block_of[r] > block_of[c] and a[r, c] != 0]
            if bad:
                return _refuse(f"member {i} has a nonzero entry {bad[0]} below the diagonal blocks")
        diag = []
        for b, cert in zip(self.blocks, self.certificates, strict=True):
            if not 0 <= b < len(self.sizes):
                return _refuse(f"block index {b} out of range")
            if not proves_side(cert, self.side):
                return _refuse(f"the certificate of block {b} (kind {cert.kind!r}) does not prove "
                               f"an {self.side} bound")
            lo, hi = int(starts[b]), int(starts[b + 1])
            sub = [a[lo:hi, lo:hi] for a in mats]
            theirs = cert.family.exact_matrices()
            if len(theirs) != len(sub) or any(
                    x.shape != y.shape or not np.all(x == y) for x, y in zip(theirs, sub, strict=True)):
                return _refuse(f"the certificate of block {b} is about another family")
            check = cert.verify()
            if not check.certified:
                return _refuse(f"block {b}: {check.reason}")
            diag.append({"block": int(b), "kind": cert.kind,
                         "bound": str(certificate_bound(cert, self.side))})
        return CheckResult(Verdict.CERTIFIED,
                           "exact: the permutation makes every member block upper-triangular "
                           f"and the {len(diag)} block certificate(s) verify", {"blocks": diag})

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "perm": list(self.perm), "sizes": list(self.sizes),
                "side": self.side, "blocks": list(self.blocks),
                "certificates": [c.to_dict() for c in self.certificates]}

    @classmethod
    def from_dict(cls, data: dict) -> BlockTriangularCertificate:
        w = data["witness"]
        return cls(family_from_spec(w["family"]), tuple(int(p) for p in w["perm"]),
                   tuple(int(s) for s in w["sizes"]), str(w["side"]),
                   tuple(int(b) for b in w["blocks"]),
                   tuple(certificate_from_dict(c) for c in w["certificates"]), data.get("solver"))


@register
@dataclass(frozen=True, eq=False)
class RankOneCertificate(Certificate):
    """JSR <= bound for a rank-one family, from a max-times sub-eigenvector c."""

    family: Family
    c: tuple[Fraction, ...]
    bound: Fraction
    _solver: dict | None = None

    kind = "rank-one-cycle"

    def claim(self) -> str:
        return f"JSR({_name(self.family)}) <= {fmt_upper(self.bound, 15)}"

    def verify(self) -> CheckResult:
        exact = self.family.exact_matrices()
        factors = [rank_one_factors(a) for a in exact]
        if any(f is None for f in factors):
            return _refuse("a member has rank > 1")
        try:  # the witness in exact rationals, whatever type it was given in
            c, bound = [as_fraction(x) for x in self.c], as_fraction(self.bound)
        except InvalidCertificate as exc:
            return _refuse(str(exc))
        if len(c) != len(exact) or any(x <= 0 for x in c) or bound <= 0:
            return _refuse(f"need {len(exact)} weights c_i > 0 and a positive bound")
        M = cycle_weights(factors)  # type: ignore[arg-type]
        m = len(exact)
        for i in range(m):
            for j in range(m):
                if M[i, j] * c[j] > bound * c[i]:
                    return _refuse(f"|v_{j} . u_{i}| c_{j} > r c_{i}", {"i": i, "j": j})
        return CheckResult(Verdict.CERTIFIED,
                           "exact: members are rank one and |v_j . u_i| c_j <= r c_i for all i, j")

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "c": [str(x) for x in self.c],
                "bound": str(self.bound)}

    @classmethod
    def from_dict(cls, data: dict) -> RankOneCertificate:
        w = data["witness"]
        return cls(family_from_spec(w["family"]), tuple(as_fraction(x) for x in w["c"]),
                   as_fraction(w["bound"]), data.get("solver"))


__all__ = ["BlockTriangularCertificate", "MatrixFamily", "NilpotentCertificate",
           "RankOneCertificate", "certificate_bound", "proves_side"]
