"""The certified bracket the JSR driver maintains, and the candidates methods offer to it.

A method of the driver (:mod:`certify.jsr.bounds`) never changes a bound itself: it yields
:class:`Candidate` objects (a certificate with the bound it would give), and the driver
alone calls :meth:`Bracket.accept`, which keeps a bound only when the certificate's exact
check passed.  The check runs once per candidate (:meth:`Candidate.check` caches it), so a
method may look at it first (to try another margin, say) at no extra cost.

The bracket is monotone: a new lower bound is kept only when larger, an upper bound only
when smaller, and each change is appended to the history with the elapsed time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from certify.certificates.base import Certificate, CheckResult
from certify.certificates.product_word import ProductWordCertificate, exact_word_product
from certify.exact import round_down_float
from certify.exact.polynomials import dominant_root_region, rational_root_floor
from certify.families.matrix import Family


@dataclass(frozen=True)
class BoundRecord:
    """One certificate the driver was offered, with its check."""

    method: str
    side: str  # "lower", "upper" or "exact"
    bound: float
    certificate: Certificate
    check: CheckResult

    def to_dict(self) -> dict:
        from certify.certificates.base import exact_bound
        from certify.formatting import exact_text

        return {"kind": self.certificate.kind, "method": self.method, "side": self.side,
                "bound": self.bound, "bound_exact": exact_text(exact_bound(self.certificate, self.side)),
                "verdict": self.check.verdict.value, "claim": self.certificate.claim()}


@dataclass(eq=False)
class Candidate:
    """A bound a method proposes: ``lower`` / ``upper`` are the floats it would set.

    ``exact`` marks a candidate whose acceptance proves the value (besides ``side ==
    "exact"``), e.g. a block-triangular upper bound met by its block's exact value.
    """

    method: str
    side: str
    certificate: Certificate
    lower: float | None = None
    upper: float | None = None
    exact: bool = False
    _check: CheckResult | None = field(default=None, repr=False)

    def check(self) -> CheckResult:
        """The certificate's exact check (run once, then cached)."""
        if self._check is None:
            self._check = self.certificate.verify()
        return self._check


def word_lower_candidate(family: Family, word: tuple[int, ...], method: str,
                         search: str = "float, Lyndon words") -> Candidate:
    """JSR >= rho(A_w)^(1/|w|) >= r, r rational (Jungers 2009, Prop. 1.4).

    The dominant root of det(x I - A_w) is enclosed exactly
    (:func:`~certify.exact.polynomials.dominant_root_region`) and r is the rational
    floor of its modulus to the power 1/|w|.
    """
    prod = exact_word_product(family.exact_matrices(), word)
    _, region = dominant_root_region(prod)
    r = rational_root_floor(region.min_modulus_squared(), 2 * len(word))
    cert = ProductWordCertificate(family, tuple(word), region, r, {"method": method, "search": search})
    return Candidate(method, "lower", cert, round_down_float(r), None)


class Bracket:
    """The certified bracket [lower, upper], the s.m.p. candidate and the run's records.

    ``progress`` (optional) is called with a dict after each driver stage
    (:meth:`stage_done`): stage name, bracket, relative width, exact flag, elapsed seconds.
    """

    def __init__(self, family: Family, deadline: float, t0: float,
                 progress: Callable[[dict], None] | None = None) -> None:
        self.family = family
        self.mats = family.float_matrices()
        self.deadline = deadline
        self.t0 = t0
        self.lower, self.upper = math.nan, math.nan
        self.word: tuple[int, ...] = (0,)
        self.rate = -1.0
        self.records: list[BoundRecord] = []
        self.history: list[tuple[float, float, str, float]] = []
        self.notes: list[str] = []
        self.exact = False
        self.structure: dict = {}
        self.progress = progress
        self.tried: set[tuple[int, ...]] = set()  # words the exact methods already ran on

    def left(self) -> float:
        """Seconds left before the deadline."""
        return self.deadline - time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def note(self, text: str) -> None:
        self.notes.append(text)

    def propose_word(self, word: tuple[int, ...], rate: float) -> bool:
        """Keep ``word`` as the s.m.p. candidate when its float rate is larger (no bound)."""
        if rate > self.rate * (1 + 1e-13):
            self.word, self.rate = tuple(word), float(rate)
            return True
        return False

    def accept(self, cand: Candidate) -> bool:
        """Record ``cand`` and keep its bound if its exact check passed; True when it did."""
        check = cand.check()
        bound = cand.lower if cand.side == "lower" else cand.upper
        self.records.append(BoundRecord(cand.method, cand.side,
                                        bound if bound is not None else math.nan,
                                        cand.certificate, check))
        if not check.certified:
            self.notes.append(f"{cand.method}: {check.reason}")
            return False
        changed = False
        if cand.lower is not None and not (cand.lower <= self.lower):
            self.lower, changed = cand.lower, True
        if cand.upper is not None and not (cand.upper >= self.upper):
            self.upper, changed = cand.upper, True
        if cand.side == "exact" or cand.exact:
            self.exact = True
        if changed:
            self.history.append((self.lower, self.upper, cand.method, self.elapsed()))
        return True

    def closed(self, rel: float = 1e-9) -> bool:
        """The certified bracket is already tight to ``rel`` relative width."""
        return bool(self.upper - self.lower <= rel * abs(self.upper))

    def relative_width(self) -> float:
        if not (math.isfinite(self.lower) and math.isfinite(self.upper)):
            return math.inf
        return (self.upper - self.lower) / max(abs(self.upper), 1e-300)

    def stage_done(self, stage: str) -> None:
        """Report the bracket after ``stage`` to the progress callback, if any."""
        if self.progress is None:
            return
        def num(x: float) -> float | None:
            return x if math.isfinite(x) else None
        self.progress({"stage": stage, "lower": num(self.lower), "upper": num(self.upper),
                       "relative_width": num(self.relative_width()), "exact": self.exact,
                       "word": list(self.word), "elapsed": round(self.elapsed(), 4)})


__all__ = ["BoundRecord", "Bracket", "Candidate", "word_lower_candidate"]
