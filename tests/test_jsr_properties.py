"""Property tests of the JSR engine (hypothesis, small integer families, fast methods)."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.jsr.bounds import analyze_jsr

from .test_jsr_engine import brute_lower_safe

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


@settings(max_examples=15, deadline=None)
@given(family)
def test_bracket_ordered_and_above_brute_force(mats):
    res = analyze_jsr(mats, methods=METHODS, budget=5)
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
    a = analyze_jsr(mats, methods=METHODS, budget=5)
    b = analyze_jsr([c * m for m in mats], methods=METHODS, budget=5)
    assert overlap(b, a, abs(c)) and overlap(a, b, 1 / abs(c))


@settings(max_examples=10, deadline=None)
@given(family, st.integers(-2, 2), st.integers(1, 3))
def test_similarity_invariance(mats, t, s):
    n = mats[0].shape[0]
    T = np.eye(n) * s
    T[0, n - 1] = t  # rational, invertible (triangular with s on the diagonal)
    Ti = np.linalg.inv(T)
    a = analyze_jsr(mats, methods=METHODS, budget=5)
    b = analyze_jsr([T @ m @ Ti for m in mats], methods=METHODS, budget=5)
    assert overlap(a, b) and overlap(b, a)


@settings(max_examples=10, deadline=None)
@given(family, st.data())
def test_adding_a_matrix_never_lowers(mats, data):
    n = mats[0].shape[0]
    extra = data.draw(mats_strategy(n).map(lambda v: v[0]))
    a = analyze_jsr(mats, methods=METHODS, budget=5)
    b = analyze_jsr(mats + [extra], methods=METHODS, budget=5)
    if math.isfinite(a.lower) and math.isfinite(b.upper):
        assert b.upper >= a.lower * (1 - 1e-12)
