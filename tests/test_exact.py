"""Exact arithmetic: dyadic conversion and the rational LDL^T definiteness test."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.errors import InvalidCertificate
from certify.exact import dyadic, dyadic_to_fraction, ldl_definiteness


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=30))
def test_dyadic_is_exact(xs):
    d = dyadic(xs)
    for x, i in zip(xs, d.ints, strict=True):
        assert dyadic_to_fraction(i, d.exp) == Fraction(x)


def test_dyadic_refuses_nan():
    with pytest.raises(InvalidCertificate, match="finite"):
        dyadic([1.0, float("nan")])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(0, 10**6))
def test_ldl_agrees_with_sympy(n, seed):
    rng = np.random.default_rng(seed)
    B = rng.integers(-3, 4, size=(n, n))
    kind = seed % 3
    if kind == 0:
        M = B @ B.T  # PSD, possibly singular
    elif kind == 1:
        M = B + B.T  # indefinite in general
    else:
        M = B @ B.T + np.eye(n, dtype=int)  # PD
    res = ldl_definiteness(np.array([[Fraction(int(v)) for v in row] for row in M], dtype=object))
    # independent exact decision: sympy's definiteness tests (principal minors / Cholesky)
    S = sp.Matrix(M.tolist())
    assert res.psd == bool(S.is_positive_semidefinite)
    assert res.pd == bool(S.is_positive_definite)


def test_ldl_semidefinite_with_zero_pivot():
    # [[0, 0], [0, 1]] is PSD; [[0, 1], [1, 1]] is not (zero pivot with a nonzero row)
    Z = Fraction(0)
    assert ldl_definiteness(np.array([[Z, Z], [Z, Fraction(1)]], dtype=object)).psd
    assert not ldl_definiteness(np.array([[Z, Fraction(1)], [Fraction(1), Fraction(1)]],
                                         dtype=object)).psd


def test_ldl_refuses_asymmetric():
    with pytest.raises(InvalidCertificate, match="not exactly symmetric"):
        ldl_definiteness(np.array([[Fraction(1), Fraction(1, 3)], [Fraction(1, 2), Fraction(1)]],
                                  dtype=object))
