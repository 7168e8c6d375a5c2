"""Products of a matrix family: the spectral-radius lower bound and Gripenberg's method.

For every product A_w = A_{w_k} ... A_{w_1} of length k,

    rho(A_w)^(1/k) <= JSR <= max_{|w| = k} ||A_w||^(1/k)

(Rota and Strang, 1960; Jungers, *The Joint Spectral Radius*, Springer 2009, Prop. 1.4).
A cyclic shift of a word has the same spectral radius and a power of a word gives nothing
new, so only Lyndon words (aperiodic, minimal among their rotations) are evaluated.

Gripenberg's branch and bound (G. Gripenberg, "Computing the joint spectral radius",
Linear Algebra Appl. 234, 1996) grows words and drops a word as soon as some prefix has
``||A_prefix||^(1/j) <= lower + delta`` (a dominated prefix: no extension can beat the
current lower bound by more than delta).  Then

    JSR <= max(lower + delta, max over surviving words w of min_j ||A_{w[:j]}||^(1/j)).

Everything here is floating point: it finds the candidate spectrum-maximising product
(s.m.p.); the certificates that bound the JSR are checked exactly elsewhere.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np


def is_lyndon(word: tuple[int, ...]) -> bool:
    """True when ``word`` is strictly smaller than each of its proper rotations."""
    k = len(word)
    return all(word < word[i:] + word[:i] for i in range(1, k))


def word_product(mats: list[np.ndarray], word: tuple[int, ...]) -> np.ndarray:
    """A_{w_k} ... A_{w_1}: the matrix of ``word`` applied left to right in time."""
    p = np.eye(mats[0].shape[0])
    for i in word:
        p = mats[i] @ p
    return p


def _rho(m: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(m))))


@dataclass(frozen=True)
class ProductSearch:
    """Best product found: ``rate = rho(A_word)^(1/len(word))`` (float), plus how far the
    search went."""

    word: tuple[int, ...]
    rate: float
    max_length: int
    evaluated: int
    complete: bool


def _words(m: int, k: int) -> Iterator[tuple[int, ...]]:
    """Words of length <= k in depth-first order (prefix before its extensions)."""
    stack: list[tuple[int, ...]] = [(i,) for i in reversed(range(m))]
    while stack:
        w = stack.pop()
        yield w
        if len(w) < k:
            stack.extend(w + (i,) for i in reversed(range(m)))


def best_product(mats: list[np.ndarray], max_length: int, deadline: float | None = None,
                 max_evals: int = 200_000) -> ProductSearch:
    """Largest rho(A_w)^(1/|w|) over Lyndon words of length <= ``max_length``."""
    m = len(mats)
    best_w: tuple[int, ...] = (0,)
    best = -1.0
    evals = 0
    cache: dict[tuple[int, ...], np.ndarray] = {}
    complete = True
    reached = 0
    for w in _words(m, max_length):
        prev = cache.get(w[:-1])
        p = mats[w[-1]] if prev is None else mats[w[-1]] @ prev
        if len(w) < max_length:
            cache[w] = p
        if not is_lyndon(w) or not np.isfinite(p).all():  # skip words whose product overflowed
            continue
        evals += 1
        reached = max(reached, len(w))
        r = _rho(p) ** (1.0 / len(w))
        if r > best * (1 + 1e-12):
            best, best_w = r, w
        if evals >= max_evals or (deadline is not None and time.perf_counter() > deadline):
            complete = False
            break
    return ProductSearch(best_w, max(best, 0.0), reached, evals, complete)


@dataclass(frozen=True)
class GripenbergResult:
    """Float bracket from Gripenberg's method and the s.m.p. candidate."""

    lower: float
    upper: float
    word: tuple[int, ...]
    depth: int
    evaluated: int
    complete: bool


def gripenberg(mats: list[np.ndarray], delta: float = 1e-6, max_depth: int = 30,
               max_evals: int = 50_000, deadline: float | None = None,
               ord: int | float = 2) -> GripenbergResult:
    """Gripenberg's branch and bound (see the module docstring), norm ``ord``."""
    m = len(mats)
    norms = [float(np.linalg.norm(a, ord)) for a in mats]
    lower, best_w = -1.0, (0,)
    for i, a in enumerate(mats):
        r = _rho(a)
        if r > lower:
            lower, best_w = r, (i,)
    # live: (word, product, min over prefixes of ||prefix||^(1/j))
    live = [((i,), mats[i], norms[i]) for i in range(m)]
    evals, depth, complete = m, 1, True
    upper = max(norms)
    while live and depth < max_depth:
        depth += 1
        nxt = []
        for w, p, bound in live:
            for i in range(m):
                q = mats[i] @ p
                evals += 1
                if not np.isfinite(q).all():  # overflow: this branch cannot be evaluated
                    complete = False
                    continue
                wi = w + (i,)
                r = _rho(q) ** (1.0 / depth)
                if r > lower * (1 + 1e-12):
                    lower, best_w = r, wi
                b = min(bound, float(np.linalg.norm(q, ord)) ** (1.0 / depth))
                nxt.append((wi, q, b))
            if evals >= max_evals or (deadline is not None and time.perf_counter() > deadline):
                complete = False
                break
        live = [t for t in nxt if t[2] > lower + delta]
        upper = max([lower + delta] + [t[2] for t in live])
        if not complete:
            break
    if live and complete and depth >= max_depth:
        complete = False
    upper = max(upper, lower)
    return GripenbergResult(max(lower, 0.0), upper, _lyndon_rotation(best_w), depth, evals,
                            complete and not live)


def _lyndon_rotation(word: tuple[int, ...]) -> tuple[int, ...]:
    """The minimal rotation of the primitive root of ``word``."""
    k = len(word)
    for d in range(1, k + 1):
        if k % d == 0 and word == word[:d] * (k // d):
            word = word[:d]
            break
    return min(word[i:] + word[:i] for i in range(len(word)))


def max_product_norm(mats: list[np.ndarray], k: int, ord: int | float = 2) -> float:
    """max over words of length k of ||A_w||^(1/k) (float; the product-lifting estimate);
    inf when a product overflows."""
    layer = list(mats)
    for _ in range(k - 1):
        layer = [a @ p for p in layer for a in mats]
    if not all(np.isfinite(p).all() for p in layer):
        return float("inf")
    return max(float(np.linalg.norm(p, ord)) for p in layer) ** (1.0 / k)
