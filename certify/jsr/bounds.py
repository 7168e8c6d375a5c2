"""The JSR driver: certified lower and upper bounds within a wall-clock budget.

:func:`jsr_bounds` runs the requested methods in order (cheap first), keeps a monotone
history of (lower, upper, method, seconds), and accepts a bound only when its certificate
passed the exact check:

* ``products``: best rho(A_w)^(1/|w|) over Lyndon words (float search), certified by a
  :class:`~certify.certificates.product_word.ProductWordCertificate` (exact root region);
* ``gripenberg``: Gripenberg's branch and bound (a better s.m.p. candidate; its float upper
  bound is reported in the history only, uncertified);
* ``norms``: common induced 1-, 2-, inf-norms, and ``lifting[:k]`` the same over all
  products of length k (Jungers 2009, Prop. 1.4);
* ``maxnorm``: the best weighted max-norm |A_i| w <= r w by LP bisection
  (:mod:`certify.jsr.maxnorm_lp`), checked row by row in rationals;
* ``exact``: JSR = rho(A_w)^(1/k) proved exactly when it meets the 2-norm of products
  (:class:`~certify.certificates.norm.ExactValueCertificate`);
* ``polytope``: Guglielmi-Protasov invariant polytope (cone for nonnegative families); for a
  nonnegative family it first tries the exact value JSR = rho(A_w)^(1/|w|) by an invariant
  cone over the algebraic field Q(rho) (:mod:`certify.jsr.exact_cone`);
* ``cqlf``: common quadratic Lyapunov function by SDP (:func:`certify.jsr.cqlf.cqlf_search`);
* ``sos:d``: the CQLF of the degree-d Veronese lift, an SOS polynomial norm of degree 2d
  (:mod:`certify.jsr.sos`, Parrilo and Jadbabaie 2008);
* ``structure`` (first by default): zero JSR, block-triangular form, rank one
  (:mod:`certify.jsr.structured`).

Verdict: CERTIFIED when both a lower and an upper bound are certified (the bracket is
then proved; its width is reported), INCONCLUSIVE otherwise.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..certificates.base import Certificate, CheckResult
from ..certificates.norm import ExactValueCertificate, InducedNormCertificate
from ..certificates.product_word import ProductWordCertificate, exact_word_product
from ..errors import InvalidInput, UnknownName
from ..exact import round_down_float, round_up_float
from ..verdict import Verdict
from .eigen_enclosure import dominant_root_region, rational_root_floor, real_root_region
from .family import Family
from .io import as_family, check_listable
from .products import best_product, gripenberg, max_product_norm

METHODS = ("structure", "products", "gripenberg", "norms", "maxnorm", "lifting", "exact", "polytope",
           "cqlf", "sos")
CQLF_REL_TOL = 1e-9
"""Relative bisection tolerance of the CQLF step (Daubechies D4: bracket 5e-9 in 0.5 s)."""
MAX_MAXNORM_DIM = 500
"""Largest dimension for the weighted max-norm LP (its exact check is O(m n^2))."""
MAX_EXACT_CONE_DIM = 60
"""Largest dimension for the exact cone over Q(rho) (its field degree grows with n)."""
DEFAULT_METHODS = ("structure", "products", "norms", "maxnorm", "exact", "polytope", "lifting", "cqlf")


@dataclass(frozen=True)
class BoundRecord:
    """One certificate the driver found, with its check."""

    method: str
    side: str  # "lower", "upper" or "exact"
    bound: float
    certificate: Certificate
    check: CheckResult

    def to_dict(self) -> dict:
        return {"kind": self.certificate.kind, "method": self.method, "side": self.side,
                "bound": self.bound, "verdict": self.check.verdict.value,
                "claim": self.certificate.claim()}


@dataclass(frozen=True)
class JSRResult:
    """Certified bracket lower <= JSR <= upper (nan when a side has no certificate).

    ``history`` is a list of (lower, upper, method, seconds) tuples, monotone in both
    bounds; ``word`` the best product found (the s.m.p. candidate).
    """

    lower: float
    upper: float
    certificates: list[BoundRecord]
    history: list[tuple[float, float, str, float]]
    word: tuple[int, ...]
    exact: bool
    seconds: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    structure: dict = field(default_factory=dict)

    @property
    def verdict(self) -> Verdict:
        ok = math.isfinite(self.lower) and math.isfinite(self.upper)
        return Verdict.CERTIFIED if ok else Verdict.INCONCLUSIVE

    @property
    def relative_gap(self) -> float:
        if not self.verdict == Verdict.CERTIFIED:
            return math.inf
        return (self.upper - self.lower) / max(self.upper, 1e-300)

    def to_dict(self) -> dict:
        return {"lower": self.lower, "upper": self.upper, "exact": self.exact,
                "relative_gap": self.relative_gap, "word": list(self.word),
                "verdict": self.verdict.value, "seconds": self.seconds,
                "certificates": [c.to_dict() for c in self.certificates],
                "history": [{"lower": lo, "upper": up, "method": m, "seconds": t}
                            for lo, up, m, t in self.history],
                "notes": list(self.notes), "structure": self.structure}


def parse_methods(methods: str | Sequence[str] | None) -> list[tuple[str, int | None]]:
    """Method names with an optional ``:k`` parameter; unknown names raise UnknownName."""
    if methods is None:
        items: list[str] = list(DEFAULT_METHODS)
    elif isinstance(methods, str):
        items = [m.strip() for m in methods.split(",") if m.strip()]
    else:
        items = list(methods)
    if not items:
        raise InvalidInput(f"methods: empty list; valid methods are {list(METHODS)}")
    out = []
    for item in items:
        name, _, arg = str(item).partition(":")
        if name not in METHODS:
            raise UnknownName(f"methods: unknown method {name!r}; valid methods are "
                              f"{list(METHODS)} (optionally 'lifting:k', 'products:k', 'sos:d')")
        k = None
        if arg:
            try:
                k = int(arg)
            except ValueError as exc:
                raise InvalidInput(f"methods: {item!r} expects an integer after ':'") from exc
            if k < 1:
                raise InvalidInput(f"methods: {item!r} needs a parameter >= 1")
        out.append((name, k))
    return out


class _State:
    def __init__(self, family: Family, deadline: float, t0: float) -> None:
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

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def accept(self, method: str, side: str, cert: Certificate, lo: float | None,
               up: float | None) -> None:
        check = cert.verify()
        bound = lo if side == "lower" else up
        self.records.append(BoundRecord(method, side, bound if bound is not None else math.nan,
                                        cert, check))
        if not check.certified:
            self.notes.append(f"{method}: {check.reason}")
            return
        changed = False
        if lo is not None and not (lo <= self.lower):
            self.lower, changed = lo, True
        if up is not None and not (up >= self.upper):
            self.upper, changed = up, True
        if side == "exact":
            self.exact = True
        if changed:
            self.history.append((self.lower, self.upper, method,
                                 time.perf_counter() - self.t0))

    def candidate(self, word: tuple[int, ...], rate: float) -> None:
        if rate > self.rate * (1 + 1e-13):
            self.word, self.rate = word, rate


def _lower_from_word(st: _State, method: str) -> None:
    exact = st.family.exact_matrices()
    prod = exact_word_product(exact, st.word)
    _, region = dominant_root_region(prod)
    k = len(st.word)
    r = rational_root_floor(region.min_modulus_squared(), 2 * k)
    cert = ProductWordCertificate(st.family, st.word, region, r,
                                  {"method": method, "search": "float, Lyndon words"})
    st.accept(method, "lower", cert, round_down_float(r), None)


def _norms(st: _State, k: int, method: str) -> None:
    m = st.family.size
    if m**k > 4096:
        st.notes.append(f"{method}: {m}^{k} products is too many; skipped")
        return
    best: tuple[float, str] | None = None
    for norm, ord_ in (("1", 1), ("inf", np.inf), ("2", 2)):
        val = max_product_norm(st.mats, k, ord_)
        if best is None or val < best[0]:
            best = (val, norm)
    val, norm = best
    if not math.isfinite(val):
        st.notes.append(f"{method}: products of length {k} overflow in floating point; skipped")
        return
    bound = Fraction(val * (1 + 1e-12)) if val > 0 else Fraction(0)
    cert = InducedNormCertificate(st.family, norm, k, bound, {"method": method, "length": k})
    st.accept(method, "upper", cert, None, round_up_float(bound))


def _maxnorm(st: _State) -> None:
    from .maxnorm_lp import maxnorm_search

    if st.family.dim > MAX_MAXNORM_DIM:
        st.notes.append(f"maxnorm: skipped (dimension above {MAX_MAXNORM_DIM})")
        return
    cert = maxnorm_search(st.family)
    if cert is not None:
        st.accept("maxnorm", "upper", cert, None, round_up_float(cert.bound))


def _exact(st: _State) -> None:
    for length in (1, 2):
        if st.family.size**length > 64 or st.left() <= 0:
            return
        if not max_product_norm(st.mats, length, 2) <= st.rate * (1 + 1e-9):
            continue
        exact = st.family.exact_matrices()
        pw = exact_word_product(exact, st.word)
        pw2 = pw
        for _ in range(2 * length - 1):
            pw2 = exact_word_product([pw, pw2], (1, 0))
        _, region = dominant_root_region(pw2)
        if not region.is_real or region.re_lo <= 0:
            return
        cert = ExactValueCertificate(st.family, st.word, length, (region.re_lo, region.re_hi),
                                     {"method": "exact"})
        if not cert.verify().certified:  # the 2-norms do not meet rho(A_w): not applicable
            continue
        lo, hi = cert.bracket()
        st.accept("exact", "exact", cert, round_down_float(lo), round_up_float(hi))
        if st.exact:
            return


def _polytope(st: _State) -> None:
    from .polytope import polytope_certificate, polytope_search

    nonneg = all((a >= 0).all() for a in st.mats)
    if nonneg and st.rate > 0 and _exact_cone(st):
        return
    for mode in (("cone", "symmetric") if nonneg else ("symmetric",)):
        V = polytope_search(st.mats, st.word, st.rate, mode, deadline=st.deadline)
        if V is None:
            continue
        for margin in (1e-12, 1e-10, 1e-8):
            cert = polytope_certificate(st.family, V, st.rate, mode, margin)
            if cert is not None and cert.verify().certified:
                st.accept("polytope", "upper", cert, None, round_up_float(cert.rate))
                return
    st.notes.append("polytope: no invariant polytope found from the candidate product")


def _exact_cone(st: _State) -> bool:
    """JSR = rho(A_w)^(1/|w|) exactly, by an invariant cone over Q(rho) (nonnegative family)."""
    from .exact_cone import exact_cone_search

    if st.family.dim > MAX_EXACT_CONE_DIM:
        return False
    cert = exact_cone_search(st.family, st.word, deadline=st.deadline)
    if cert is None:
        return False
    lo, hi = cert.bracket()
    st.accept("polytope", "exact", cert, round_down_float(lo), round_up_float(hi))
    return st.exact


def _cqlf(st: _State) -> None:
    from .cqlf import cqlf_search

    if st.family.dim > 12 or st.family.size > 16:
        st.notes.append("cqlf: skipped (family too large for the exact LDL^T check budget)")
        return
    res = cqlf_search(st.family, rel_tol=CQLF_REL_TOL, max_steps=80)
    if res.certificate is not None:
        st.accept("cqlf", "upper", res.certificate, None, res.rate)
    else:
        st.notes.append(f"cqlf: {res.reason}")


def jsr_bounds(matrices_or_family: Family | Sequence | str, methods: str | Sequence[str] | None = None,
               budget: float = 30.0, seed: int = 0) -> JSRResult:
    """Certified bracket of the joint spectral radius (see the module docstring).

    Parameters
    ----------
    matrices_or_family : list of (n, n) arrays, a Family, or a path to a family file
    methods : comma-separated string or list, default :data:`DEFAULT_METHODS`
    budget : float
        Wall-clock seconds (> 0); methods started after it is spent are skipped.
    seed : int
        Recorded for reproducibility (every method used here is deterministic).
    """
    if not isinstance(budget, int | float) or not math.isfinite(budget) or budget <= 0:
        raise InvalidInput(f"budget = {budget!r}; expected a positive number of seconds")
    plan = parse_methods(methods)
    family = check_listable(as_family(matrices_or_family))
    t0 = time.perf_counter()
    st = _State(family, t0 + float(budget), t0)
    if all(not a.any() for a in st.mats):
        st.notes.append("every matrix is zero: JSR = 0")
    from ..budget import OutOfTime, hard_deadline, stopped_by_deadline

    # a hard stop a little after the budget: an exact step that cannot look at the clock
    # (root counting, huge characteristic polynomials) is dropped, never half-accepted
    stop = st.deadline + min(1.0, 0.2 * float(budget))
    for name, k in plan:
        if st.left() <= 0:
            st.notes.append(f"{name}: skipped, budget spent")
            continue
        if st.exact or (_closed(st) and name not in ("products", "exact")):
            continue
        try:
            with hard_deadline(stop):
                if _step(st, name, k, plan, seed, family):
                    break
        except (OutOfTime, SystemError) as exc:
            if not stopped_by_deadline(exc):
                raise
            st.notes.append(f"{name}: stopped at the budget (its unfinished result is dropped)")
    if st.rate < 0:
        st.notes.append("no product was evaluated: lower bound missing")
    return JSRResult(st.lower, st.upper, st.records, st.history, st.word, st.exact,
                     time.perf_counter() - t0, tuple(st.notes + [f"seed = {seed}"]), st.structure)


def _step(st: _State, name: str, k: int | None, plan: list, seed: int, family: Family) -> bool:
    """Run the method ``name`` on ``st``; True when the family is fully handled."""
    if name == "structure":
        from .structured import apply_structure

        if apply_structure(st, plan, seed):
            return True
    elif name == "sos":
        from .sos import sos_step

        sos_step(st, k or 2)
    elif name == "products":
        _products(st, k or _default_length(family))
    elif name == "gripenberg":
        g = gripenberg(st.mats, deadline=st.deadline, max_depth=k or 30)
        st.candidate(g.word, g.lower)
        _lower_from_word(st, "gripenberg")
        st.notes.append(f"gripenberg: float bracket [{g.lower:.12g}, {g.upper:.12g}] "
                        f"(depth {g.depth}, uncertified upper)")
    elif name == "norms":
        _norms(st, 1, "norms")
    elif name == "maxnorm":
        _maxnorm(st)
    elif name == "lifting":
        _norms(st, k or _default_lift(family), "lifting")
    elif name == "exact":
        _exact(st)
    elif name == "polytope":
        _polytope(st)
    elif name == "cqlf":
        _cqlf(st)
    return False


def _products(st: _State, max_length: int) -> None:
    """Lower bounds from products: first the largest real eigenvalue of a member (a cheap
    exact check, so a bracket exists even when longer products are too costly to check in
    the budget), then the best word found in 40% of the remaining budget, checked exactly
    in half of what is left then (the rest is for the upper-bound methods)."""
    from ..budget import OutOfTime, hard_deadline, stopped_by_deadline

    if st.rate < 0:
        spectra = [np.linalg.eigvals(a) if a.size else np.zeros(1) for a in st.mats]
        radii = [float(np.max(np.abs(ev))) for ev in spectra]
        top = int(np.argmax(radii))
        st.candidate((top,), radii[top])
        try:
            with hard_deadline(time.perf_counter() + 0.5 * max(st.left(), 0.0)):
                _lower_from_real_eigenvalue(st, spectra)
        except (OutOfTime, SystemError) as exc:
            if not stopped_by_deadline(exc):
                raise
            st.notes.append("products: the exact check of the best single member ran out of "
                            "its share of the budget")
    bp = best_product(st.mats, max_length, time.perf_counter() + 0.4 * max(st.left(), 0.0))
    st.candidate(bp.word, bp.rate)
    # the best word, by exact root isolation (it may be an exact value); with a lower bound
    # in hand already, half of what is left stays for the upper-bound methods
    share = 0.5 if math.isfinite(st.lower) else 1.0
    try:
        with hard_deadline(time.perf_counter() + share * max(st.left(), 0.0)):
            _lower_from_word(st, "products")
    except (OutOfTime, SystemError) as exc:
        if not stopped_by_deadline(exc):
            raise
        st.notes.append(f"products: the exact check of the word {list(st.word)} ran out "
                        "of its share of the budget")


def _lower_from_real_eigenvalue(st: _State, spectra: list[np.ndarray]) -> None:
    """A first certified lower bound: the real eigenvalue of largest modulus over the members,
    enclosed by an exact sign change of the member's characteristic polynomial (no root
    isolation, so it fits a small budget); rho(A_i) >= |lambda| bounds the JSR below."""
    best: tuple[int, float] | None = None
    for i, ev in enumerate(spectra):
        scale = float(np.max(np.abs(ev))) if ev.size else 0.0
        real = ev[np.abs(ev.imag) <= 1e-12 * scale] if scale > 0 else ev[:0]
        if real.size:
            v = float(real[int(np.argmax(np.abs(real)))].real)
            if v != 0 and (best is None or abs(v) > abs(best[1])):
                best = (i, v)
    if best is None:
        return
    region = real_root_region(st.family.exact_matrices()[best[0]], best[1])
    if region is None:
        return
    r = rational_root_floor(region.min_modulus_squared(), 2)
    cert = ProductWordCertificate(st.family, (best[0],), region, r,
                                  {"method": "products", "search": "real eigenvalue, sign change"})
    st.accept("products", "lower", cert, round_down_float(r), None)


def _closed(st: _State) -> bool:
    """The certified bracket is already tight to 1e-10 relative."""
    return bool(st.upper - st.lower <= 1e-10 * abs(st.upper))


def _default_length(family: Family) -> int:
    m = max(family.size, 2)
    return max(1, min(12, int(math.log(4000) / math.log(m))))


def _default_lift(family: Family) -> int:
    m = max(family.size, 2)
    return max(2, min(6, int(math.log(256) / math.log(m))))
