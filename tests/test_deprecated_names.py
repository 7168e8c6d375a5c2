"""Old entry-point names still work, warn, and are the same functions as the new ones."""

import warnings
from fractions import Fraction

import numpy as np
import pytest

import certify
from certify.deprecation import RENAMED


@pytest.mark.parametrize("old", sorted(RENAMED))
def test_old_name_wraps_new(old):
    alias = getattr(certify, old)
    assert alias.__wrapped__ is getattr(certify, RENAMED[old])
    assert old not in dir(certify) and RENAMED[old] in dir(certify)


def test_old_name_warns_and_gives_the_same_result():
    k = np.array([[1.0, 0.125], [0.125, 1.0]])
    rho = np.array([0.5, 0.5])
    with pytest.warns(DeprecationWarning, match="theorem2 is deprecated; use analyze_ntk"):
        old = certify.theorem2(k, rho, 0.5, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = certify.analyze_ntk(k, rho, 0.5, 1.0)
    assert old.to_dict() == new.to_dict()
    assert new.verdict == certify.Verdict.CERTIFIED and new.beta == Fraction(27, 32)


def test_submodule_old_names_warn():
    from certify.algorithms.td import check_sa
    from certify.jsr.bounds import jsr_bounds

    with pytest.warns(DeprecationWarning, match="jsr_bounds is deprecated; use analyze_jsr"):
        res = jsr_bounds([[[0.5]]], "products,norms", 5)
    assert res.lower == 0.5 <= res.upper <= 0.5 + 1e-9
    assert check_sa.__wrapped__.__name__ == "analyze_sa"
