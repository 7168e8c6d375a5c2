"""Theorem 2 of Achiam et al.: hand-computed kernels, the tabular case, exactness, bad input."""

from __future__ import annotations

import json
import warnings
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.algorithms.ntk.inputs import NotPSDWarning
from certify.algorithms.ntk.theorem2 import HYPOTHESES_FAIL, NON_EXPANSION, analyze_ntk, tabular_beta
from certify.certificates import certificate_from_dict
from certify.certificates.ntk import NTKContractionCertificate
from certify.errors import InvalidInput
from certify.verdict import Verdict


def test_hand_kernel_certified():
    # K = [[2, 1/2], [1/2, 2]], rho = (1/2, 1/2), gamma = 1/5, alpha = 1/2:
    # a_i = 1, o_i = 1/4; (16): 1/2 < 1; (17): (6/5)(1/4) = 3/10 <= (4/5)(1) = 4/5.
    # beta = 1 - (4/5)(1/2)(1) + (6/5)(1/2)(1/4) = 1 - 2/5 + 3/20 = 3/4.
    k = [[F(2), F(1, 2)], [F(1, 2), F(2)]]
    r = analyze_ntk(np.array(k, dtype=object), np.array([F(1, 2)] * 2, dtype=object), F(1, 5), F(1, 2))
    assert r.beta == F(3, 4)
    assert r.verdict is Verdict.CERTIFIED
    assert r.condition_16.margin == F(1, 2)
    assert r.condition_17.margin == F(4, 5) - F(3, 10)
    assert r.alpha_max_16 == F(1)
    assert r.beta_rows == [0, 1]
    assert r.row_ratio == pytest.approx([0.125, 0.125])  # (1/2) * (1/2) / 2


def test_16_fails_but_raw_beta_below_one_is_hypotheses_fail():
    # n = 1, K = [[3]], rho = (1), gamma = 1/10, alpha = 1/2: alpha K rho = 3/2 >= 1, (16) fails.
    # raw beta = |1 - 3/2| + (1/2)(1/10)(3) = 1/2 + 3/20 = 13/20 < 1.
    r = analyze_ntk(np.array([[3.0]]), np.array([1.0]), F(1, 10), F(1, 2))
    assert r.beta == F(13, 20)
    assert not r.condition_16.holds
    assert r.condition_16.margin == F(-1, 2)
    assert r.condition_17.holds
    assert r.status == HYPOTHESES_FAIL
    assert r.verdict is Verdict.INCONCLUSIVE
    assert "hypotheses fail" in r.reason


def test_17_fails_over_generalisation():
    # K = [[1, 2], [2, 4]] (features 1 and 2), rho uniform, gamma = 0.9, alpha = 0.1.
    # row 0: a = 1/2, o = 1; (1.9)(1) > (0.1)(1/2): (17) fails, margin 0.05 - 1.9 = -1.85.
    # beta row 1: a = 2, o = 1: |1 - 0.2| + 0.1*0.9*2 + 1.9*0.1*1 = 0.8 + 0.18 + 0.19 = 1.17;
    # row 0: 0.95 + 0.045 + 0.19 = 1.185.
    r = analyze_ntk(np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([0.5, 0.5]), F(9, 10), F(1, 10))
    assert not r.condition_17.holds and r.condition_17.worst_row == 0
    assert float(r.condition_17.margin) == pytest.approx(-1.85)
    assert r.beta == F(237, 200)
    assert r.beta_rows == [0]
    assert r.verdict is Verdict.INCONCLUSIVE


def test_tight_17_is_non_expansion():
    # K = [[1, 1/3], [1/3, 1]], rho uniform, gamma = 1/2: (1.5)(1/6) = (0.5)(1/2): equality.
    k = np.array([[F(1), F(1, 3)], [F(1, 3), F(1)]], dtype=object)
    r = analyze_ntk(k, np.array([F(1, 2), F(1, 2)], dtype=object), F(1, 2), F(1, 2))
    assert r.condition_17.holds and r.condition_17.margin == 0
    assert r.beta == 1
    assert r.status == NON_EXPANSION and r.verdict is Verdict.INCONCLUSIVE


@given(st.lists(st.integers(1, 50), min_size=1, max_size=8),
       st.fractions(F(0), F(99, 100)), st.fractions(F(1, 100), F(1)))
@settings(max_examples=40, deadline=None)
def test_tabular_closed_form(weights, gamma, alpha):
    rho = np.array([F(w, sum(weights)) for w in weights], dtype=object)
    n = len(weights)
    k = np.array([[F(int(i == j)) for j in range(n)] for i in range(n)], dtype=object)
    r = analyze_ntk(k, rho, gamma, alpha)
    # alpha <= 1 and rho <= 1, so alpha rho_max <= 1: beta = 1 - alpha (1 - gamma) rho_min.
    assert r.beta == 1 - alpha * (1 - gamma) * min(rho)
    assert r.beta == tabular_beta(rho, gamma, alpha)
    assert r.condition_17.holds
    assert r.condition_16.holds == (alpha * max(rho) < 1)


def test_float_input_is_exact_dyadic():
    # 0.1 as a double is not 1/10; the exact check uses the double's value.
    r = analyze_ntk(np.eye(2), np.array([0.5, 0.5]), 0.9, 0.1)
    g, a = F(0.9), F(0.1)
    assert r.beta == 1 - a * (1 - g) * F(1, 2)


@given(st.integers(2, 6), st.integers(0, 10_000))
@settings(max_examples=30, deadline=None)
def test_beta_matches_float_brute_force(n, seed):
    rng = np.random.default_rng(seed)
    phi = rng.normal(size=(n, 3))
    k = phi @ phi.T
    k = (k + k.T) / 2
    rho = rng.dirichlet(np.ones(n))
    gamma, alpha = 0.7, 0.3
    r = analyze_ntk(k, rho, gamma, alpha)
    brute = max(sum(abs((i == j) - alpha * k[i, j] * rho[j]) + alpha * gamma * abs(k[i, j]) * rho[j]
                    for j in range(n)) for i in range(n))
    assert float(r.beta) == pytest.approx(brute, rel=1e-12)


@pytest.mark.filterwarnings("ignore::certify.algorithms.ntk.inputs.NotPSDWarning")
def test_certificate_round_trip_and_tamper():
    k = np.array([[F(2), F(1, 2)], [F(1, 2), F(2)]], dtype=object)
    rho = np.array([F(1, 2)] * 2, dtype=object)
    r = analyze_ntk(k, rho, F(1, 5), F(1, 2))
    cert = NTKContractionCertificate(k, rho, F(1, 5), F(1, 2), r.beta)
    doc = json.loads(json.dumps(cert.to_dict(cert.verify())))
    again = certificate_from_dict(doc)
    assert again.verify().verdict is Verdict.CERTIFIED
    # a bound below the exact beta is refused
    low = json.loads(json.dumps(doc))
    low["witness"]["bound"] = "7/10"
    assert certificate_from_dict(low).verify().verdict is Verdict.INCONCLUSIVE
    # a kernel with heavy off-diagonal entries is refused
    bad = json.loads(json.dumps(doc))
    bad["witness"]["K"] = [[2, 3], [3, 2]]
    res = certificate_from_dict(bad).verify()
    assert res.verdict is Verdict.INCONCLUSIVE and "refused" in res.reason
    # an asymmetric kernel is refused, not crashed on
    asym = json.loads(json.dumps(doc))
    asym["witness"]["K"] = [[2, "1/2"], [0, 2]]
    assert certificate_from_dict(asym).verify().verdict is Verdict.INCONCLUSIVE


def test_float_certificate_round_trip_exact():
    k = np.array([[1.0, 0.01], [0.01, 1.0]])
    rho = np.array([0.3, 0.7])
    r = analyze_ntk(k, rho, 0.5, 0.3)
    cert = NTKContractionCertificate(k, rho, F(0.5), F(0.3), r.beta)
    doc = json.loads(json.dumps(cert.to_dict()))
    assert doc["witness"]["alpha"] == 0.3  # a double is stored as a JSON number, exactly
    assert certificate_from_dict(doc).verify().verdict is Verdict.CERTIFIED


@pytest.mark.parametrize("k, rho, gamma, alpha, words", [
    (np.ones((2, 3)), [0.5, 0.5], 0.5, 0.1, "square"),
    (np.array([[1.0, 0.5], [0.4, 1.0]]), [0.5, 0.5], 0.5, 0.1, "not symmetric: max |K_ij - K_ji| = 0.1"),
    (np.eye(2), [0.6, 0.6], 0.5, 0.1, "sums to 1.2"),
    (np.eye(2), [1.5, -0.5], 0.5, 0.1, "negative"),
    (np.eye(2), [1 / 3] * 3, 0.5, 0.1, "length n = 2"),
    (np.eye(2), [0.5, 0.5], 1.0, 0.1, "gamma = 1.0 is outside [0, 1)"),
    (np.eye(2), [0.5, 0.5], -0.1, 0.1, "gamma"),
    (np.eye(2), [0.5, 0.5], 0.5, 0.0, "alpha = 0.0 is outside (0, inf)"),
    (np.eye(2), [0.5, 0.5], 0.5, float("nan"), "alpha"),
    (np.array([[1.0, np.inf], [np.inf, 1.0]]), [0.5, 0.5], 0.5, 0.1, "finite"),
])
def test_bad_input(k, rho, gamma, alpha, words):
    with pytest.raises(InvalidInput, match=None) as info:
        analyze_ntk(k, rho, gamma, alpha)
    assert words in str(info.value)


def test_not_psd_warns_but_evaluates():
    k = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues 3 and -1
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        r = analyze_ntk(k, [0.5, 0.5], 0.5, 0.1)
    assert any(issubclass(w.category, NotPSDWarning) and "-1" in str(w.message) for w in rec)
    assert r.data.min_eigenvalue == pytest.approx(-1.0)


def test_a_condition_holding_within_rounding_is_marked_fragile():
    """(17) with K_12 = 1/3 given as a double holds by 2^-56 exactly: fragile, not changed."""
    k = np.array([[1.0, 1 / 3], [1 / 3, 1.0]])
    rho = np.array([0.5, 0.5])
    res = analyze_ntk(k, rho, 0.5, 0.1)
    c17 = res.condition_17.to_dict()
    assert c17["holds"] and c17["fragile"]
    assert F(c17["margin_exact"]) == F(1, 2 ** 56)  # 0.25 - 1.5 * 0.5 * double(1/3)
    assert not res.condition_16.to_dict()["fragile"]
    # with the exact rational 1/3 the same condition holds with equality (margin 0)
    exact = analyze_ntk(np.array([[F(1), F(1, 3)], [F(1, 3), F(1)]], dtype=object),
                     np.array([F(1, 2)] * 2, dtype=object), F(1, 2), F(1, 10))
    assert exact.condition_17.margin == 0 and exact.condition_17.holds
