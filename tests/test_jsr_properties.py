"""Property tests of the JSR engine (hypothesis, small integer families, fast methods)."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.jsr.bounds import jsr_bounds

METHODS = "structure,products,norms,exact,polytope,lifting:3"


def mats_strategy(n):
    one = st.lists(st.integers(-2, 2), min_size=n * n, max_size=n * n).map(
        lambda v: np.array(v, dtype=float).reshape(n, n))
    return st.lists(one, min_size=1, max_size=3)


family = st.integers(2, 3).flatmap(mats_strategy)


def overlap(a, b, c=1.0, tol=1e-9):
    """Brackets [a] and c * [b] are compatible (each certified side against the other)."""
    ok = True
    if math.isfinite(a.lower) and math.isfinite(b.upper):
        ok &= a.lower <= c * b.upper * (1 + tol) + 1e-12
    if math.isfinite(a.upper) and math.isfinite(b.lower):
        ok &= a.upper >= c * b.lower * (1 - tol) - 1e-12
    return ok


def brute_lower_safe(mats, k=4):
    """A lower bound of the JSR from float spectral radii of the products of length <= k,
    each lowered by its float error: an eigenvalue of a product P computed in floats may be
    off by up to about (n eps ||P||)^(1/n) when P is defective (a nilpotent P gives nonzero
    float eigenvalues), so the bound subtracts that before the n-th root."""
    best = 0.0
    dim = mats[0].shape[0]
    for n in range(1, k + 1):
        for w in itertools.product(range(len(mats)), repeat=n):
            p = np.eye(dim)
            for i in w:
                p = mats[i] @ p
            err = (4 * dim * np.finfo(float).eps * max(np.linalg.norm(p), 1e-300)) ** (1 / dim)
            rho = float(np.max(np.abs(np.linalg.eigvals(p))))
            best = max(best, max(rho - err, 0.0) ** (1 / n))
    return best


@settings(max_examples=15, deadline=None)
@given(family)
def test_bracket_ordered_and_above_brute_force(mats):
    res = jsr_bounds(mats, methods=METHODS, budget=5)
    assert not res.lower > res.upper
    brute = brute_lower_safe(mats)
    if math.isfinite(res.upper):
        assert res.upper >= brute * (1 - 1e-12)
    if math.isfinite(res.lower):  # never above an independent upper bound: max ||A_w||_2^(1/4)
        top = max(np.linalg.norm(np.linalg.multi_dot([mats[i] for i in w]), 2)
                  for w in itertools.product(range(len(mats)), repeat=4)) ** 0.25
        assert res.lower <= top * (1 + 1e-12) + 1e-300


@settings(max_examples=10, deadline=None)
@given(family, st.sampled_from([-3.0, -0.5, 0.25, 2.0]))
def test_scaling(mats, c):
    a = jsr_bounds(mats, methods=METHODS, budget=5)
    b = jsr_bounds([c * m for m in mats], methods=METHODS, budget=5)
    assert overlap(b, a, abs(c)) and overlap(a, b, 1 / abs(c))


@settings(max_examples=10, deadline=None)
@given(family, st.integers(-2, 2), st.integers(1, 3))
def test_similarity_invariance(mats, t, s):
    n = mats[0].shape[0]
    T = np.eye(n) * s
    T[0, n - 1] = t  # rational, invertible (triangular with s on the diagonal)
    Ti = np.linalg.inv(T)
    a = jsr_bounds(mats, methods=METHODS, budget=5)
    b = jsr_bounds([T @ m @ Ti for m in mats], methods=METHODS, budget=5)
    assert overlap(a, b) and overlap(b, a)


@settings(max_examples=10, deadline=None)
@given(family, st.data())
def test_adding_a_matrix_never_lowers(mats, data):
    n = mats[0].shape[0]
    extra = data.draw(mats_strategy(n).map(lambda v: v[0]))
    a = jsr_bounds(mats, methods=METHODS, budget=5)
    b = jsr_bounds(mats + [extra], methods=METHODS, budget=5)
    if math.isfinite(a.lower) and math.isfinite(b.upper):
        assert b.upper >= a.lower * (1 - 1e-12)
