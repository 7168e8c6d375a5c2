"""The JSR driver: certified lower and upper bounds within a wall-clock budget.

:func:`analyze_jsr` runs the requested methods in order (cheap first), keeps a monotone
history of (lower, upper, method, seconds), and accepts a bound only when its certificate
passed the exact check.  Each method is a generator of
:class:`~certify.jsr.bracket.Candidate` objects; :func:`drive` offers them to the
:class:`~certify.jsr.bracket.Bracket`, the only place a bound is accepted, and after every
stage the bracket and elapsed time go to the ``progress`` callback (``certify jsr
--progress json``).  The methods:

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
* ``polytope``: Guglielmi-Protasov invariant polytope (cone for nonnegative families); it
  runs even when the bracket is already closed to 1e-9 but not exact (then only its exact
  routes, which cost little when the candidate product is the s.m.p.); it first tries the
  exact value JSR = rho(A_w)^(1/|w|) by an invariant cone over the
  algebraic field Q(rho) for a nonnegative family (:mod:`certify.jsr.exact_cone`), by a
  balanced polytope over Q(rho) for a signed one (:mod:`certify.jsr.exact_balanced`), or
  a balanced complex polytope when A_w's leading eigenvalue is complex
  (:mod:`certify.jsr.complex_polytope`);
* ``cqlf``: common quadratic Lyapunov function by SDP (:func:`certify.jsr.cqlf.cqlf_search`);
* ``sos:d``: the CQLF of the degree-d Veronese lift, an SOS polynomial norm of degree 2d
  (:mod:`certify.jsr.sos`, Parrilo and Jadbabaie 2008);
* ``search`` (before the CQLF by default): the rest of the budget (less
  ``SEARCH_RESERVE`` when methods follow), Gripenberg candidates and polytope
  restarts at each new candidate and at rates rho (1 + eps), eps -> 0
  (:mod:`certify.jsr.search`);
* ``dualsos[:d]`` (not run by default; the ``search`` step uses it once): s.m.p. candidates
  read off the dual of the SOS Lyapunov programs of degree 2, ..., 2d
  (:mod:`certify.jsr.dual_sos`);
* ``structure`` (first by default): zero JSR, block-triangular form, rank one
  (:mod:`certify.jsr.structured`).

Verdict: CERTIFIED when both a lower and an upper bound are certified (the bracket is
then proved; its width is reported), INCONCLUSIVE otherwise.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from certify.certificates.norm import ExactValueCertificate, InducedNormCertificate
from certify.certificates.product_word import exact_word_product
from certify.errors import InvalidInput, UnknownName, did_you_mean
from certify.exact import round_down_float, round_up_float
from certify.exact.polynomials import dominant_root_region
from certify.families.matrix import Family
from certify.jsr.bracket import BoundRecord, Bracket, Candidate, word_lower_candidate
from certify.jsr.io import as_family, check_listable
from certify.jsr.products import best_product, gripenberg, max_product_norm
from certify.jsr_methods import DEFAULT_METHODS as DEFAULT_METHODS
from certify.jsr_methods import METHODS as METHODS
from certify.verdict import Verdict

CQLF_REL_TOL = 1e-9
"""Relative bisection tolerance of the CQLF step (Daubechies D4: bracket 5e-9 in 0.5 s)."""
MAX_MAXNORM_DIM = 500
"""Largest dimension for the weighted max-norm LP (its exact check is O(m n^2))."""
MAX_EXACT_CONE_DIM = 60
"""Largest dimension for the exact cone over Q(rho) (its field degree grows with n)."""
POLYTOPE_SHARE = 0.4
CQLF_SHARE = 0.9
CQLF_SKIP_WIDTH = 1e-7
"""The polytope and CQLF steps stop after these shares of the time left (the rest: search)."""
SEARCH_RESERVE = 0.15
"""Share of the budget the search leaves to the methods after it (the CQLF by default)."""


@dataclass(frozen=True)
class JSRResult:
    """Certified bracket lower <= JSR <= upper (nan when a side has no certificate).

    ``history`` is a list of (lower, upper, method, seconds) tuples, monotone in both
    bounds; ``word`` the best product found (the s.m.p. candidate).

    Attributes
    ----------
    lower, upper : float
        The certified bracket (nan when that side has no certificate).
    certificates : list of BoundRecord
        The certificates behind the bounds.
    history : list of (lower, upper, method, seconds)
    word : tuple of int
        The best product found (s.m.p. candidate).
    exact : bool
        True when lower = upper was proved exactly.
    seconds : float
        Wall time.
    notes : tuple of str
    structure : dict
        What the structural pre-analysis found (blocks, nilpotency, rank one).
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
        """The JSON-ready document of ``certify jsr --json``: a side with no certificate
        (nan, or an infinite gap) is None, so that ``json.dumps`` gives standard JSON."""
        def num(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {"lower": num(self.lower), "upper": num(self.upper), "exact": self.exact,
                "relative_gap": num(self.relative_gap), "word": list(self.word),
                "verdict": self.verdict.value, "seconds": self.seconds,
                "certificates": [c.to_dict() for c in self.certificates],
                "history": [{"lower": num(lo), "upper": num(up), "method": m, "seconds": t}
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
            raise UnknownName(f"methods: unknown method {name!r}{did_you_mean(name, METHODS)}; "
                              f"valid methods are "
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


def _norms(st: Bracket, k: int, method: str) -> Iterator[Candidate]:
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
    yield Candidate(method, "upper", cert, None, round_up_float(bound))


def _trivial_upper(st: Bracket, why: str) -> Iterator[Candidate]:
    """JSR <= max_i ||A_i|| in the 1- or inf-norm (the smaller), checked exactly; ``why`` says
    in the note why the bracket needed it."""
    vals = {norm: max_product_norm(st.mats, 1, ord_) for norm, ord_ in (("1", 1), ("inf", np.inf))}
    norm = min(vals, key=lambda n: vals[n])
    if not math.isfinite(vals[norm]):
        return
    st.notes.append(f"{why}: the {norm}-norm bound of the single matrices")
    bound = Fraction(vals[norm] * (1 + 1e-12)) if vals[norm] > 0 else Fraction(0)
    cert = InducedNormCertificate(st.family, norm, 1, bound, {"method": "norms (fallback)",
                                                              "length": 1})
    yield Candidate("norms", "upper", cert, None, round_up_float(bound))


def _maxnorm(st: Bracket) -> Iterator[Candidate]:
    from certify.jsr.maxnorm_lp import maxnorm_search

    if st.family.dim > MAX_MAXNORM_DIM:
        st.notes.append(f"maxnorm: skipped (dimension above {MAX_MAXNORM_DIM})")
        return
    cert = maxnorm_search(st.family)
    if cert is not None:
        yield Candidate("maxnorm", "upper", cert, None, round_up_float(cert.bound))


def _exact(st: Bracket) -> Iterator[Candidate]:
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
        lo, hi = cert.bracket()
        cand = Candidate("exact", "exact", cert, round_down_float(lo), round_up_float(hi))
        if not cand.check().certified:  # the 2-norms do not meet rho(A_w): not applicable
            continue
        yield cand
        if st.exact:
            return


def _polytope(st: Bracket) -> Iterator[Candidate]:
    from certify.jsr.polytope import polytope_certificate, polytope_search

    if not st.rate > 0:
        st.notes.append("polytope: skipped, the candidate product has spectral radius 0 "
                        "(the algorithm scales the family by 1/rho)")
        return
    deadline = min(st.deadline, time.perf_counter() + POLYTOPE_SHARE * st.left())
    closed = st.closed()
    if closed and st.word in st.tried:
        return  # the exact routes already ran on this candidate; a float polytope adds nothing

    nonneg = all((a >= 0).all() for a in st.mats)
    if nonneg and st.rate > 0:
        yield from _exact_cone(st, deadline)
        if st.exact:
            return
    if not nonneg and st.rate > 0:
        yield from _exact_balanced(st, deadline)
        if st.exact:
            return
    if closed:
        # the bracket is already under 1e-9: only an exact value can improve it
        st.notes.append("polytope: bracket already closed; no exact value from the candidate "
                        f"product {list(st.word)}")
        return
    for mode in (("cone", "symmetric") if nonneg else ("symmetric",)):
        V = polytope_search(st.mats, st.word, st.rate, mode, deadline=deadline)
        if V is None:
            continue
        for margin in (1e-12, 1e-10, 1e-8):
            cert = polytope_certificate(st.family, V, st.rate, mode, margin)
            if cert is None:
                continue
            cand = Candidate("polytope", "upper", cert, None, round_up_float(cert.rate))
            if cand.check().certified:
                yield cand
                return
    st.notes.append("polytope: no invariant polytope found from the candidate product")


def _exact_cone(st: Bracket, deadline: float) -> Iterator[Candidate]:
    """JSR = rho(A_w)^(1/|w|) exactly, by an invariant cone over Q(rho) (nonnegative family)."""
    from certify.jsr.exact_cone import exact_cone_search

    if st.family.dim > MAX_EXACT_CONE_DIM:
        return
    cert = exact_cone_search(st.family, st.word, deadline=deadline)
    if time.perf_counter() < deadline:
        st.tried.add(st.word)  # the search need not try this word again
    if cert is None:
        return
    lo, hi = cert.bracket()
    yield Candidate("polytope", "exact", cert, round_down_float(lo), round_up_float(hi))


def _exact_balanced(st: Bracket, deadline: float) -> Iterator[Candidate]:
    """JSR = rho(A_w)^(1/|w|) exactly, by a balanced polytope over Q(rho) (any signs), or
    for a complex leading eigenvalue by a balanced complex polytope."""
    from certify.jsr.exact_balanced import MAX_DIM, balanced_search

    if st.family.dim > MAX_DIM:
        return
    cert = balanced_search(st.family, st.word, deadline=deadline)
    if cert is None and time.perf_counter() < deadline:
        from certify.jsr.complex_polytope import complex_search

        cert = complex_search(st.family, st.word, deadline=deadline)
    if time.perf_counter() < deadline:
        st.tried.add(st.word)
    if cert is None:
        return
    lo, hi = cert.bracket()
    yield Candidate("polytope", "exact", cert, round_down_float(lo), round_up_float(hi))


def _cqlf(st: Bracket) -> Iterator[Candidate]:
    from certify.jsr.cqlf import cqlf_search

    if st.family.dim > 12 or st.family.size > 16:
        st.notes.append("cqlf: skipped (family too large for the exact LDL^T check budget)")
        return
    if st.relative_width() < CQLF_SKIP_WIDTH:
        st.notes.append(f"cqlf: skipped (bracket already under {CQLF_SKIP_WIDTH:.0e})")
        return
    res = cqlf_search(st.family, rel_tol=CQLF_REL_TOL, max_steps=80,
                      deadline=time.perf_counter() + CQLF_SHARE * st.left())
    if res.certificate is not None:
        yield Candidate("cqlf", "upper", res.certificate, None, res.rate)
    else:
        st.notes.append(f"cqlf: {res.reason}")


def analyze_jsr(matrices_or_family: Family | Sequence | str, methods: str | Sequence[str] | None = None,
               budget: float = 30.0, seed: int = 0,
               progress: Callable[[dict], None] | None = None) -> JSRResult:
    """Certified bracket lower <= rho(Sigma) <= upper of the joint spectral radius.

    rho(Sigma) = lim_k max_{A in Sigma^k} ||A||^(1/k) (Rota and Strang 1960; Jungers 2009);
    lower bounds come from products A_w, rho(A_w)^(1/|w|) <= rho(Sigma), upper bounds from
    extremal norms (products, invariant polytopes, quadratic and SOS Lyapunov functions),
    each counted only after its certificate's exact ``verify()`` (module docstring;
    docs/theory.md).

    Parameters
    ----------
    matrices_or_family : list of (n, n) arrays, a Family, a gallery name or a family file
        The finite family Sigma (real matrices; ``certify examples`` lists the gallery).
    methods : comma-separated string or list, default :data:`DEFAULT_METHODS`
        Which methods to run, in order (``"products,polytope"``, ``["sos:3"]``).
    budget : float
        Wall-clock seconds (> 0); methods started after it is spent are skipped.
    seed : int
        Recorded for reproducibility (every method used here is deterministic).
    progress : callable, optional
        Called with a dict (stage, bracket, relative width, exact, elapsed seconds) after
        every stage (``certify jsr --progress json``).

    Returns
    -------
    JSRResult
        ``lower``, ``upper`` (nan on a side with no certificate), ``certificates``,
        ``history``, ``word`` (the best product found), ``exact``, ``verdict`` and
        ``to_dict()``.

    Raises
    ------
    InvalidFamily
        An empty, ragged, non-square, complex or non-finite family.
    UnknownName
        A method or gallery name certify does not know.
    InvalidInput
        A budget that is not a positive number.

    Examples
    --------
    The JSR of {[[1, 1], [0, 1]], [[1, 0], [1, 1]]} is the golden ratio, attained by the
    product of the two matrices:

    >>> import numpy as np
    >>> from certify import analyze_jsr
    >>> res = analyze_jsr([np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0]])],
    ...                  methods="products,exact")
    >>> res.verdict.value, res.exact
    ('certified', True)
    >>> golden = (1 + 5 ** 0.5) / 2
    >>> res.lower <= golden <= res.upper and res.upper - res.lower < 1e-12
    True
    """
    if isinstance(budget, bool) or not isinstance(budget, int | float) or not math.isfinite(budget) \
            or budget <= 0:
        raise InvalidInput(f"budget = {budget!r}; expected a positive number of seconds")
    from certify.argcheck import check_seed

    seed = check_seed(seed)  # only recorded, but recorded as given: "a" must not be
    plan = parse_methods(methods)
    family = check_listable(as_family(matrices_or_family))
    t0 = time.perf_counter()
    st = Bracket(family, t0 + float(budget), t0, progress)
    if all(not a.any() for a in st.mats):
        st.notes.append("every matrix is zero: JSR = 0")
    from certify.budget import OutOfTime, hard_deadline, stopped_by_deadline

    # a hard stop a little after the budget: an exact step that cannot look at the clock
    # (root counting, huge characteristic polynomials) is dropped, never half-accepted
    stop = st.deadline + min(1.0, 0.2 * float(budget))
    for name, k in plan:
        if st.left() <= 0:
            st.notes.append(f"{name}: skipped, budget spent")
            continue
        if st.exact or (st.closed() and name not in ("products", "exact", "polytope")):
            # a closed bracket that is not exact still gets the exact routes (the ``exact``
            # step and the polytope step's exact value from the candidate product)
            continue
        handled = False
        try:
            with hard_deadline(stop):
                handled = drive(st, _steps(st, name, k, plan, seed))
        except (OutOfTime, SystemError) as exc:
            if not stopped_by_deadline(exc):
                raise
            st.notes.append(f"{name}: stopped at the budget (its unfinished result is dropped)")
        st.stage_done(f"{name}:{k}" if k else name)
        if handled:
            break
    if not math.isfinite(st.upper) and not st.exact:
        # the budget ran out, or the methods asked for prove no upper bound (``products``
        # gives lower bounds only): the 1- and inf-norms of the single matrices are always
        # checkable in milliseconds, so spend that little time (past the budget if need be)
        # rather than return no upper bound at all
        why = ("budget spent before an upper bound was proved" if st.left() <= 0 else
               f"no upper bound from the methods asked for ({', '.join(n for n, _ in plan)})")
        drive(st, _trivial_upper(st, why))
    if st.rate < 0:
        st.notes.append("no product was evaluated: lower bound missing")
    return JSRResult(st.lower, st.upper, st.records, st.history, st.word, st.exact,
                     time.perf_counter() - t0, tuple(st.notes + [f"seed = {seed}"]), st.structure)


def drive(st: Bracket, steps: Generator[Candidate, None, bool | None]) -> bool:
    """Offer every candidate of ``steps`` to the bracket (the only place a bound is accepted).

    Returns the generator's own return value (True: the family is fully handled)."""
    while True:
        try:
            cand = next(steps)
        except StopIteration as stop:
            return bool(stop.value)
        st.accept(cand)


def _steps(st: Bracket, name: str, k: int | None, plan: list[tuple[str, int | None]],
           seed: int) -> Generator[Candidate, None, bool | None]:
    """The candidates of one method (a generator; its return value: family fully handled)."""
    family = st.family
    if name == "structure":
        from certify.jsr.structured import apply_structure

        return (yield from apply_structure(st, plan, seed, analyze_jsr))
    if name == "sos":
        from certify.jsr.sos import sos_step

        yield from sos_step(st, k or 2)
    elif name == "products":
        bp = best_product(st.mats, k or _default_length(family), st.deadline)
        st.propose_word(bp.word, bp.rate)
        yield word_lower_candidate(family, st.word, "products")
    elif name == "gripenberg":
        g = gripenberg(st.mats, deadline=st.deadline, max_depth=k or 30)
        st.propose_word(g.word, g.lower)
        yield word_lower_candidate(family, st.word, "gripenberg")
        st.notes.append(f"gripenberg: float bracket [{g.lower:.12g}, {g.upper:.12g}] "
                        f"(depth {g.depth}, uncertified upper)")
    elif name == "dualsos":
        yield from _dualsos(st, k or 2)
    elif name == "norms":
        yield from _norms(st, 1, "norms")
    elif name == "maxnorm":
        yield from _maxnorm(st)
    elif name == "lifting":
        yield from _norms(st, k or _default_lift(family), "lifting")
    elif name == "exact":
        yield from _exact(st)
    elif name == "polytope":
        yield from _polytope(st)
    elif name == "cqlf":
        yield from _cqlf(st)
    elif name == "search":
        from certify.jsr.search import search_step

        after = [n for n, _ in plan[[n for n, _ in plan].index("search") + 1:]]
        reserve = SEARCH_RESERVE * (st.deadline - st.t0) if after else 0.0
        return (yield from search_step(st, reserve))
    return False


def _dualsos(st: Bracket, degree: int) -> Iterator[Candidate]:
    """s.m.p. candidates from the dual of the SOS Lyapunov programs of degree 2, ..., 2d
    (:mod:`certify.jsr.dual_sos`); the best is offered as a product-word lower bound."""
    from certify.jsr.dual_sos import MAX_DIM, dual_sos_candidates

    if st.rate <= 0:
        bp = best_product(st.mats, 2, st.deadline)
        st.propose_word(bp.word, bp.rate)
    if st.rate <= 0:
        st.notes.append("dualsos: skipped (no product with a positive spectral radius)")
        return
    for d in range(1, degree + 1):
        if math.comb(st.family.dim + d - 1, d) > MAX_DIM or st.left() <= 0:
            break
        words = dual_sos_candidates(st.mats, st.rate, degree=d, deadline=st.deadline)
        if words and st.propose_word(*words[0]):
            yield word_lower_candidate(st.family, st.word, "dualsos", f"dual SOS sequence, degree {2 * d}")
        st.notes.append(f"dualsos: degree {2 * d}: best word {list(words[0][0]) if words else None}")


def _default_length(family: Family) -> int:
    m = max(family.size, 2)
    return max(1, min(12, int(math.log(4000) / math.log(m))))


def _default_lift(family: Family) -> int:
    m = max(family.size, 2)
    return max(2, min(6, int(math.log(256) / math.log(m))))


# Old names (certify.deprecation): the same functions, with a DeprecationWarning.
from certify.deprecation import deprecated_alias  # noqa: E402

jsr_bounds = deprecated_alias(analyze_jsr, "jsr_bounds")
