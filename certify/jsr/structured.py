"""The driver's ``structure`` step: use what :mod:`certify.jsr.structure` detects.

* nilpotent family: JSR = 0, proved by a ``zero-jsr`` certificate, nothing else runs;
* block-triangular by a permutation: every diagonal block is bracketed by
  :func:`~certify.jsr.bounds.analyze_jsr` on its own (sharing what is left of the budget),
  and the blocks' certificates are combined into ``block-triangular`` certificates
  (JSR = max over blocks, Jungers 2009, Prop. 1.5);
* rank-one family: the maximum cycle mean gives the s.m.p. candidate (a simple cycle), its
  product-word lower bound, and a ``rank-one-cycle`` upper bound at a rate 1e-12 above it;
* nonnegative family: recorded (the polytope step then uses the cone variant).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator
from fractions import Fraction

from certify.certificates.structure import (
    BlockTriangularCertificate,
    NilpotentCertificate,
    RankOneCertificate,
    certificate_bound,
)
from certify.exact import round_down_float, round_up_float
from certify.exact.structure import cycle_weights, rank_one_factors
from certify.families.matrix import MatrixFamily
from certify.jsr.bracket import Bracket, Candidate, word_lower_candidate
from certify.jsr.structure import block_members, detect, max_cycle_mean, max_times_subeigenvector

Steps = Generator[Candidate, None, bool]


def best_record(res, side: str):
    """The certified record of ``res`` with the best bound on ``side`` (or None)."""
    best, best_val = None, None
    for rec in res.certificates:
        if not rec.check.certified or rec.side not in (side, "exact"):
            continue
        val = certificate_bound(rec.certificate, side)
        if best_val is None or (val > best_val if side == "lower" else val < best_val):
            best, best_val = rec, val
    return best


def apply_structure(st: Bracket, plan: list[tuple[str, int | None]], seed: int,
                    solve: Callable) -> Steps:
    """The structure step: yields candidates; returns True when the family is fully handled.

    ``solve`` is the driver itself (:func:`~certify.jsr.bounds.analyze_jsr`), called on each
    diagonal block of a block-triangular family (passed in, so this module does not import
    the driver)."""
    family = st.family
    if not isinstance(family, MatrixFamily):
        st.notes.append("structure: skipped (a structured family is handled by its own methods)")
        return False
    s = detect(family, st.deadline)
    st.structure = s.to_dict()
    if s.nilpotent:
        st.propose_word((0,), 0.0)
        yield Candidate("structure", "exact", NilpotentCertificate(family, {"method": "structure"}),
                        0.0, 0.0)
        return True
    if family.dim == 1:
        return (yield from _scalar(st))
    if s.reducible:
        return (yield from _blocks(st, s.block_form, plan, seed, solve))
    if s.rank_one:
        yield from _rank_one(st)
    if s.nonnegative:
        st.notes.append("structure: nonnegative family (cone polytope used)")
    return False


def _scalar(st: Bracket) -> Steps:
    """1 x 1 members: JSR = max |a_i|, proved by the induced norm and the product [argmax]."""
    from certify.certificates.norm import InducedNormCertificate

    vals = [abs(a[0, 0]) for a in st.family.exact_matrices()]
    top = max(range(len(vals)), key=vals.__getitem__)
    st.propose_word((top,), float(vals[top]))
    low = word_lower_candidate(st.family, st.word, "structure")
    yield low
    cert = InducedNormCertificate(st.family, "inf", 1, vals[top], {"method": "structure"})
    up = round_up_float(vals[top])
    yield Candidate("structure", "upper", cert, None, up,
                    exact=low.check().certified and low.lower == up)
    return True


def _rank_one(st: Bracket) -> Generator[Candidate, None, None]:
    exact = st.family.exact_matrices()
    M = cycle_weights([rank_one_factors(a) for a in exact])  # type: ignore[misc]
    lam, word = max_cycle_mean(M)
    if lam <= 0:
        return
    st.propose_word(word, lam)
    yield word_lower_candidate(st.family, st.word, "structure")
    rate = Fraction(lam * (1 + 1e-12)).limit_denominator(10**15)
    if rate < Fraction(lam):
        return
    cert = RankOneCertificate(st.family, tuple(max_times_subeigenvector(M, rate)), rate,
                              {"method": "structure", "search": "max-times cycle mean (float)"})
    yield Candidate("structure", "upper", cert, None, round_up_float(rate))


def _blocks(st: Bracket, form, plan, seed: int, solve: Callable) -> Steps:
    rest = [f"{n}:{k}" if k else n for n, k in plan if n != "structure"]
    float_mats = st.family.float_matrices()
    results = []
    for b in range(len(form.blocks)):
        left = st.left()
        if left <= 0:
            st.notes.append(f"structure: budget spent before block {b}")
            return True
        sub = MatrixFamily(tuple(block_members(float_mats, form, b)),
                           f"{getattr(st.family, 'name', 'family')}[block {b}]")
        share = max(left / (len(form.blocks) - b), 1e-3)
        res = solve(sub, ["structure"] + rest if rest else ["structure"], share, seed)
        results.append(res)
        st.notes.extend(f"block {b}: {n}" for n in res.notes if not n.startswith("seed"))
    ups = [best_record(r, "upper") for r in results]
    los = [best_record(r, "lower") for r in results]
    info = {"method": "structure", "block_sizes": list(form.sizes)}
    cand = [(certificate_bound(rec.certificate, "lower"), b) for b, rec in enumerate(los) if rec]
    if cand:
        _val, top = max(cand)
        st.propose_word(results[top].word, max(results[top].lower, 0.0))
        low = BlockTriangularCertificate(st.family, form.perm, form.sizes, "lower", (top,),
                                         (los[top].certificate,), info)
        yield Candidate("structure", "lower", low, round_down_float(low.bound), None)
    if all(ups):
        up = BlockTriangularCertificate(st.family, form.perm, form.sizes, "upper",
                                        tuple(range(len(ups))),
                                        tuple(r.certificate for r in ups), info)
        up_float = round_up_float(up.bound)
        yield Candidate("structure", "upper", up, None, up_float,
                        exact=bool(cand) and results[top].exact
                        and math.isclose(results[top].upper, min(up_float, st.upper), rel_tol=0))
    st.notes.append(f"structure: block-triangular with blocks {list(form.sizes)}, "
                    f"solved separately in {time.perf_counter() - st.t0:.2f} s")
    return True
