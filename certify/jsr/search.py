"""The driver's ``search`` step: spend the rest of the budget narrowing the bracket.

Rounds, until the budget is spent, the value is exact, or the bracket is closed to
``CLOSE_REL``:

1. **Candidates.**  Gripenberg's branch and bound with a smaller tolerance and more
   products each round, and the exhaustive Lyndon-word search one length further
   (:mod:`certify.jsr.products`); once, in round 1, the mode sequence read off the dual of
   the SOS Lyapunov program of degree 2 and 4 (:mod:`certify.jsr.dual_sos`, the
   ``sosbuildsequence`` idea of SwitchOnSafety.jl).  Every word whose float rate is
   within ``NEAR`` of the best becomes an s.m.p. candidate; a better one is offered as a
   product-word lower bound.
2. **Exact value from each new candidate** (words of length <= ``MAX_EXACT_WORD``): the
   invariant cone over Q(rho) (nonnegative families, :mod:`certify.jsr.exact_cone`) or the
   balanced polytope over Q(rho) (:mod:`certify.jsr.exact_balanced`), or the balanced
   complex polytope (:mod:`certify.jsr.complex_polytope`) for a complex leading eigenvalue.
3. **Upper bounds at inflated rates.**  The polytope algorithm (Guglielmi and Protasov,
   Found. Comput. Math. 13, 2013) run for {A_i / r}, r = rho (1 + eps), eps from 1e-2
   down to 1e-10 by bisection in log eps: when JSR < r the scaled family is contracting,
   so the iteration stops after finitely many vertices even when no finite s.m.p. exists
   (Blondel-Theys-Vladimirov at its critical parameter) or the s.m.p. is not dominant.
   When the vertices span only a subspace (a common invariant subspace, as for Daubechies
   D4), small multiples of a complement basis are added as vertices.  The rational
   certificate at rate r is checked exactly by the driver
   (:class:`~certify.certificates.polytope.PolytopeCertificate`).

Each round ends with a progress report (:meth:`~certify.jsr.bracket.Bracket.stage_done`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Iterator
from fractions import Fraction

import numpy as np

from certify.exact import round_down_float, round_up_float
from certify.jsr.bracket import Bracket, Candidate, word_lower_candidate
from certify.jsr.polytope import _gauge, leading_vector, polytope_certificate
from certify.jsr.products import gripenberg, word_product

CLOSE_REL = 1e-9
NEAR = 1e-9
MAX_EXACT_WORD = 16
DUAL_MIN_LEFT = 1.0
DUAL_SHARE = 0.1
"""The dual SOS candidates run once (search round 1) when this many seconds are left, in
at most this share of them."""
MAX_CONE_DIM = 60
EXACT_SHARE = 0.3
ADD_GAUGE = 1e-9
CERT_MARGINS = (1e-10, 1e-8)
"""The certificate's rate is r (1 + margin): vertices that are images of vertices sit
on the boundary, and rounding them to rationals needs this room."""
MAX_VERTICES = 150
EPS_MAX, EPS_MIN = 1e-2, 1e-10
BISECT = 4


def search_step(st: Bracket, reserve: float = 0.0) -> Generator[Candidate, None, bool]:
    """Rounds of candidate search and polytope restarts (see the module docstring).

    ``reserve`` seconds of the budget are left to the methods after this one."""
    if not 1e-150 < st.rate < 1e150:
        st.notes.append("search: skipped (no candidate, or a rate outside the float range "
                        "of the LP polytope search)")
        return False
    deadline = st.deadline
    st.deadline = deadline - reserve
    try:
        return (yield from _rounds(st))
    finally:
        st.deadline = deadline


def _rounds(st: Bracket) -> Generator[Candidate, None, bool]:
    """Round 0 works on the driver's candidate; every later round first asks Gripenberg."""
    tried = st.tried
    nonneg = all((a >= 0).all() for a in st.mats)
    delta, evals, depth = 1e-6, 20_000, 40
    best_eps: float | None = None
    rounds, complete = 0, False
    while st.left() > 0 and not st.exact and not st.closed(CLOSE_REL):
        words: list[tuple[int, ...]] = []
        if rounds > 0 or st.rate < 0:
            slot = time.perf_counter() + max(st.left() / 3, 0.05)
            g = gripenberg(st.mats, delta=delta * max(st.rate, 1e-300), max_depth=depth,
                           max_evals=evals, deadline=min(slot, st.deadline))
            complete = g.complete
            if g.lower >= st.rate * (1 - NEAR):
                words.append(g.word)
            delta, evals, depth = delta / 10, evals * 3, depth + 20
        source = {w: f"Gripenberg, tolerance {delta:.0e}" for w in words}
        if rounds == 1 and st.rate > 0 and st.left() > DUAL_MIN_LEFT:
            for w, label in _dual_words(st):
                if w not in source:
                    words.append(w)
                    source[w] = label
        if st.rate >= 0 and st.word not in tried:
            words.insert(0, st.word)
        rounds += 1
        improved = False
        words = [w for w in dict.fromkeys(words) if w not in tried]
        for w in words:
            if st.left() <= 0:
                continue
            if st.propose_word(w, _rate(st.mats, w)):
                improved = True
                yield word_lower_candidate(st.family, st.word, "search",
                                           source.get(w, "the driver's candidate"))
        if improved:
            best_eps = None
        if improved or rounds == 1:
            yield from _inflated(st, nonneg, best_eps)
            best_eps = _eps_of(st)
        for w in words:
            if st.left() > 0 and not st.exact and not st.closed(CLOSE_REL):
                share = min(st.deadline, time.perf_counter() + EXACT_SHARE * st.left())
                yield from _exact_attempts(st, w, nonneg, share)
        if st.exact:
            return False
        st.stage_done(f"search round {rounds}")
        if (complete or delta < 1e-15) and not improved:
            break
    st.notes.append(f"search: {rounds} rounds, {len(tried)} candidate words tried")
    return False


def _dual_words(st: Bracket) -> list[tuple[tuple[int, ...], str]]:
    """s.m.p. candidates from the dual of the SOS Lyapunov program of degree 2 and 4
    (:mod:`certify.jsr.dual_sos`) within ``DUAL_SHARE`` of the time left: words whose rate
    is within ``NEAR`` of the best known."""
    from certify.jsr.dual_sos import MAX_DIM as DUAL_MAX_DIM
    from certify.jsr.dual_sos import dual_sos_candidates

    n = st.family.dim
    stop = time.perf_counter() + DUAL_SHARE * st.left()
    out: list[tuple[tuple[int, ...], str]] = []
    for degree in (1, 2):
        if math.comb(n + degree - 1, degree) > DUAL_MAX_DIM or time.perf_counter() > stop:
            break
        for w, rate in dual_sos_candidates(st.mats, st.rate, degree=degree, deadline=stop):
            if rate >= st.rate * (1 - NEAR):
                out.append((w, f"dual SOS sequence, degree {2 * degree}"))
    st.notes.append(f"search: dual SOS candidates {[list(w) for w, _ in out][:4]}")
    return out


def _rate(mats: list[np.ndarray], w: tuple[int, ...]) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(word_product(mats, w))))) ** (1.0 / len(w))


def _eps_of(st: Bracket) -> float | None:
    if not (math.isfinite(st.upper) and st.rate > 0):
        return None
    return st.upper / st.rate - 1


def _exact_attempts(st: Bracket, w: tuple[int, ...], nonneg: bool,
                    deadline: float) -> Iterator[Candidate]:
    st.tried.add(w)
    if len(w) > MAX_EXACT_WORD:
        return
    from certify.jsr.exact_balanced import MAX_DIM, balanced_search
    from certify.jsr.exact_cone import exact_cone_search

    cert = None
    if nonneg and st.family.dim <= MAX_CONE_DIM:
        cert = exact_cone_search(st.family, w, deadline=deadline)
    if cert is None and st.family.dim <= MAX_DIM and time.perf_counter() < deadline:
        cert = balanced_search(st.family, w, deadline=deadline)
    if cert is None and not nonneg and time.perf_counter() < deadline:
        from certify.jsr.complex_polytope import complex_search

        cert = complex_search(st.family, w, deadline=deadline)
    if cert is not None:
        lo, hi = cert.bracket()
        yield Candidate("search", "exact", cert, round_down_float(lo), round_up_float(hi))
        return


def _inflated(st: Bracket, nonneg: bool, start: float | None) -> Iterator[Candidate]:
    """Polytope certificates at r = rho (1 + eps): eps divided by 100 from ``EPS_MAX`` down
    to ``EPS_MIN`` until one fails, then ``BISECT`` geometric bisections between the smallest
    success and the failure (``start``: the eps already achieved, if any)."""
    if st.rate <= 0:
        return
    ok, fail = start, None
    eps = EPS_MAX if start is None else start / 100
    while eps >= EPS_MIN * 0.999:
        got = yield from _try_eps(st, nonneg, eps)
        if got is None:
            return
        if not got:
            fail = eps
            break
        ok, eps = eps, eps / 100
    if ok is None or fail is None:
        return
    for _ in range(BISECT):
        if st.closed(CLOSE_REL) or ok / fail < 1.5:
            return
        mid = math.sqrt(ok * fail)
        got = yield from _try_eps(st, nonneg, mid)
        if got is None:
            return
        ok, fail = (mid, fail) if got else (ok, mid)


def _try_eps(st: Bracket, nonneg: bool, eps: float) -> Generator[Candidate, None, bool | None]:
    """One inflated-rate attempt: True (certified), False (failed), None (out of time)."""
    if st.left() <= 0 or st.exact:
        return None
    rate = Fraction(st.rate * (1 + eps)).limit_denominator(10**15)
    if math.isfinite(st.upper) and rate >= Fraction(st.upper):
        return True
    got = False
    for cand in _polytope_at(st, st.word, rate, nonneg):
        got = got or cand.check().certified
        yield cand
    return got


def _polytope_at(st: Bracket, w: tuple[int, ...], rate: Fraction, nonneg: bool) -> Iterator[Candidate]:
    modes = ("cone", "symmetric") if nonneg else ("symmetric",)
    for mode in modes:
        V = _vertices(st, w, float(rate), mode)
        if V is None:
            continue
        for margin in CERT_MARGINS:
            cert = polytope_certificate(st.family, V, float(rate), mode, margin)
            if cert is None:
                continue
            cand = Candidate("search", "upper", cert, None, round_up_float(cert.rate))
            if cand.check().certified:
                yield cand
                return


def _vertices(st: Bracket, w: tuple[int, ...], r: float, mode: str) -> np.ndarray | None:
    """Float vertices of an invariant polytope of {A_i / r} from A_w's leading vector."""
    v = leading_vector(st.mats, w)
    if v is None:
        pf = word_product(st.mats, w)
        ev, vecs = np.linalg.eig(pf)
        i = int(np.argmax(np.abs(ev)))
        v = vecs[:, i].real if np.abs(vecs[:, i].real).max() > 0 else vecs[:, i].imag
        v = v / np.abs(v).max()
    if mode == "cone":
        v = np.abs(v)
    n = st.family.dim
    B = [a / r for a in st.mats]
    verts = [v]
    todo = [0]
    pad = 0
    while True:
        while todo:
            x = verts[todo.pop(0)]
            for b in B:
                if time.perf_counter() > st.deadline:
                    return None
                u = b @ x
                V = np.array(verts).T
                if (np.abs(V - u[:, None]).max(axis=0) <= 1e-12 * np.abs(u).max()).any():
                    continue
                t, _ = _gauge(V, u, mode)
                if t > 1 - ADD_GAUGE:
                    verts.append(u)
                    todo.append(len(verts) - 1)
                    if len(verts) > MAX_VERTICES:
                        return None
        V = np.array(verts).T
        if mode == "cone":
            return V if (V.sum(axis=1) > 0).all() else None
        rank = np.linalg.matrix_rank(V)
        if rank == n:
            return V
        if pad >= 3:
            return None
        pad += 1  # a common invariant subspace: add small multiples of a complement basis
        _, _, vt = np.linalg.svd(V.T)
        size = 10.0 ** (-2 * pad)
        for e in vt[rank:]:
            verts.append(size * e / np.abs(e).max())
            todo.append(len(verts) - 1)


__all__ = ["search_step"]
