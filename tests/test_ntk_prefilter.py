"""The rigorous float pre-filter of Theorem 2 changes nothing: same exact answer as all rows."""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.algorithms.ntk.enclose import candidates, enclose
from certify.algorithms.ntk.inputs import NotPSDWarning, psd_screen
from certify.algorithms.ntk.theorem2 import analyze_ntk
from certify.exact.rows import exact_rows


def _same(k, rho, gamma, alpha):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotPSDWarning)
        fast = analyze_ntk(k, rho, gamma, alpha)
        slow = analyze_ntk(k, rho, gamma, alpha, prefilter=False)
    assert fast.beta == slow.beta and fast.beta_rows == slow.beta_rows
    assert fast.condition_16 == slow.condition_16 and fast.condition_17 == slow.condition_17
    assert fast.alpha_max_16 == slow.alpha_max_16 and fast.verdict is slow.verdict
    return fast


@given(st.integers(1, 12), st.integers(0, 10**6), st.sampled_from([0.0, 0.5, 0.9]),
       st.sampled_from([1e-3, 0.1, 1.0, 7.0]), st.booleans())
@settings(max_examples=60, deadline=None)
def test_prefilter_equals_all_rows(n, seed, gamma, alpha, ties):
    rng = np.random.default_rng(seed)
    if ties:  # small integers and repeated rows: many exact ties in m16, m17 and beta
        phi = rng.integers(-2, 3, size=(n, 2)).astype(float)
        rho = np.full(n, 1.0 / n)
    else:
        phi = rng.normal(size=(n, 3)) * 10.0 ** rng.integers(-3, 4)
        rho = rng.dirichlet(np.ones(n))
    k = phi @ phi.T + np.diag(rng.integers(0, 3, n).astype(float))
    _same((k + k.T) / 2.0, rho, gamma, alpha)


@given(st.integers(1, 6), st.integers(0, 10**6))
@settings(max_examples=30, deadline=None)
def test_prefilter_on_rationals(n, seed):
    rng = np.random.default_rng(seed)
    num = rng.integers(-5, 6, size=(n, n))
    k = np.empty((n, n), dtype=object)
    for i in range(n):
        for j in range(n):
            k[i, j] = F(int(num[min(i, j), max(i, j)]), 3) + (F(7, 2) if i == j else 0)
    w = rng.integers(1, 9, n)
    rho = np.array([F(int(x), int(w.sum())) for x in w], dtype=object)
    _same(k, rho, F(1, 3), F(2, 7))


@given(st.integers(2, 15), st.integers(0, 10**6))
@settings(max_examples=40, deadline=None)
def test_enclosures_contain_exact_values(n, seed):
    rng = np.random.default_rng(seed)
    k = rng.normal(size=(n, n)) * 10.0 ** rng.integers(-8, 8, size=(n, n))
    k = (k + k.T) / 2.0
    rho = rng.dirichlet(np.ones(n) * 0.3)
    gamma, alpha = F(0.9), F(0.05)
    enc = enclose(k, rho, gamma, alpha)
    diag, off = exact_rows(k, rho, np.arange(n))
    for i in range(n):
        a, o = diag[i], off[i]
        exact = {"a": a, "m16": 1 - alpha * a, "m17": (1 - gamma) * a - (1 + gamma) * o,
                 "beta": abs(1 - alpha * a) + alpha * gamma * abs(a) + (1 + gamma) * alpha * o}
        for key, val in exact.items():
            lo, hi = getattr(enc, key)
            assert F(float(lo[i])) <= val <= F(float(hi[i])), (key, i)


def test_exact_rows_hand_values():
    # K = [[2, -1/4], [-1/4, 1/2]] as doubles, rho = (3/4, 1/4):
    # a = (3/2, 1/8); o_0 = (1/4)(1/4) = 1/16, o_1 = (1/4)(3/4) = 3/16.
    k = np.array([[2.0, -0.25], [-0.25, 0.5]])
    diag, off = exact_rows(k, np.array([0.75, 0.25]), [0, 1])
    assert diag == [F(3, 2), F(1, 8)] and off == [F(1, 16), F(3, 16)]
    # the same from exact rationals, rows asked out of order
    kr = np.array([[F(2), F(-1, 4)], [F(-1, 4), F(1, 2)]], dtype=object)
    diag, off = exact_rows(kr, np.array([F(3, 4), F(1, 4)], dtype=object), [1, 0])
    assert diag == [F(1, 8), F(3, 2)] and off == [F(3, 16), F(1, 16)]


def test_exact_rows_extreme_exponents():
    # entries 2^-1000 and 2^900 in one row: the exact sum keeps both
    k = np.array([[1.0, 2.0**-1000, 2.0**900], [2.0**-1000, 1.0, 0.0], [2.0**900, 0.0, 1.0]])
    rho = np.array([0.5, 0.25, 0.25])
    _, off = exact_rows(k, rho, [0])
    assert off[0] == F(2) ** -1000 / 4 + F(2) ** 900 / 4


def test_tabular_all_rows_tie_large():
    n = 1500
    r = _same(np.eye(n), np.full(n, 1.0 / n), 0.9, 0.5)
    assert r.beta == 1 - F(0.5) * (1 - F(0.9)) * F(1.0 / n)
    assert r.beta_rows == list(range(n))


def test_candidates_are_few_for_a_generic_kernel():
    rng = np.random.default_rng(1)
    phi = rng.normal(size=(500, 20))
    k = phi @ phi.T
    cand = candidates(enclose((k + k.T) / 2, rng.dirichlet(np.ones(500)), F(9, 10), F(1, 100)))
    assert all(1 <= v.size <= 3 for v in cand.values())


def test_psd_screen_large_kernels():
    rng = np.random.default_rng(2)
    n = 600
    phi = rng.normal(size=(n, 30))
    assert psd_screen(phi @ phi.T) is None  # Cholesky screen passes on a Gram matrix
    bad = phi @ phi.T - 5.0 * np.eye(n)  # rank 30 minus 5 I: eigenvalue -5
    with pytest.warns(NotPSDWarning, match="-5"):
        val = psd_screen(bad)
    assert val == pytest.approx(-5.0)
    assert psd_screen(np.eye(n), np.full(n, 1.0 / n)) is None  # Gershgorin shortcut
