"""Review of the JSR certificates: forged witnesses, ties and boundaries, extreme magnitudes."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest

from certify.certificates.base import certificate_from_dict
from certify.certificates.family_maxnorm import FamilyMaxNormCertificate
from certify.certificates.norm import InducedNormCertificate
from certify.certificates.polytope import PolytopeCertificate
from certify.certificates.product_word import ProductWordCertificate
from certify.certificates.quadratic import QuadraticCertificate
from certify.certificates.structure import BlockTriangularCertificate, RankOneCertificate
from certify.exact.algebraic import RealAlgebraic
from certify.exact.polynomials import RootRegion, rational_root_ceil, rational_root_floor
from certify.families.matrix import MatrixFamily
from certify.jsr.bounds import analyze_jsr
from certify.verdict import Verdict

TWO = MatrixFamily((np.array([[2.0]]),), "two")


def _lower_cert(bound: Fraction) -> ProductWordCertificate:
    """A valid lower-bound certificate JSR([[2]]) >= bound (bound <= 2)."""
    return ProductWordCertificate(TWO, (0,), RootRegion(Fraction(2), Fraction(2)), bound)


def _upper_cert(bound: Fraction) -> InducedNormCertificate:
    """A valid upper-bound certificate JSR([[2]]) <= bound (bound >= 2)."""
    return InducedNormCertificate(TWO, "inf", 1, bound)


# --- block-triangular: a block's certificate must prove the side it is used for ----------


def test_block_triangular_upper_refuses_a_lower_bound_certificate():
    low = _lower_cert(Fraction(0))
    assert low.verify().certified  # JSR([[2]]) >= 0 is true ...
    forged = BlockTriangularCertificate(TWO, (0,), (1,), "upper", (0,), (low,))
    assert forged.bound == 0  # ... but used as an upper bound it would claim JSR <= 0
    assert forged.verify().verdict is Verdict.INCONCLUSIVE
    doc = json.loads(json.dumps(forged.to_dict()))
    assert certificate_from_dict(doc).verify().verdict is Verdict.INCONCLUSIVE


def test_block_triangular_lower_refuses_an_upper_bound_certificate():
    up = _upper_cert(Fraction(1000))
    assert up.verify().certified
    forged = BlockTriangularCertificate(TWO, (0,), (1,), "lower", (0,), (up,))
    assert forged.bound == 1000  # would claim JSR([[2]]) >= 1000
    assert forged.verify().verdict is Verdict.INCONCLUSIVE


def test_block_triangular_accepts_the_right_sides_and_nested_forms():
    up = BlockTriangularCertificate(TWO, (0,), (1,), "upper", (0,), (_upper_cert(Fraction(2)),))
    low = BlockTriangularCertificate(TWO, (0,), (1,), "lower", (0,), (_lower_cert(Fraction(2)),))
    assert up.verify().certified and low.verify().certified
    # nested: a block-triangular certificate of the right side is fine, the wrong side is not
    assert BlockTriangularCertificate(TWO, (0,), (1,), "upper", (0,), (up,)).verify().certified
    assert not BlockTriangularCertificate(TWO, (0,), (1,), "upper", (0,), (low,)).verify().certified
    assert not BlockTriangularCertificate(TWO, (0,), (1,), "lower", (0,), (up,)).verify().certified


# --- exact signs in Q(rho) when rho is an end of its interval -----------------------------


def test_algebraic_sign_when_the_root_is_the_left_end():
    # m = (x - 2)(x - 5) = x^2 - 7x + 10; [2, 3] holds exactly one root, rho = 2, at its left end
    rho = RealAlgebraic((Fraction(10), Fraction(-7), Fraction(1)), Fraction(2), Fraction(3))
    assert rho.problem() is None
    assert rho.sign(np.array([Fraction(-21, 10), Fraction(1)], dtype=object)) == -1  # 2 - 2.1
    assert rho.sign(np.array([Fraction(-19, 10), Fraction(1)], dtype=object)) == 1  # 2 - 1.9
    assert rho.lo <= 2 <= rho.hi


def test_algebraic_sign_when_the_root_is_the_right_end():
    # m = (x - 3)(x - 1/2); [1, 3] holds exactly the root 3, at its right end
    rho = RealAlgebraic((Fraction(3, 2), Fraction(-7, 2), Fraction(1)), Fraction(1), Fraction(3))
    assert rho.problem() is None
    assert rho.sign(np.array([Fraction(-29, 10), Fraction(1)], dtype=object)) == 1  # 3 - 2.9
    assert rho.sign(np.array([Fraction(-31, 10), Fraction(1)], dtype=object)) == -1
    assert rho.lo <= 3 <= rho.hi


@pytest.mark.parametrize("lo, hi", [(Fraction(1), Fraction(2)), (Fraction(7, 5), Fraction(3, 2)),
                                    (Fraction(141421, 100000), Fraction(2))])
def test_algebraic_sign_sqrt2_against_exact_squares(lo, hi):
    rho = RealAlgebraic((Fraction(-2), Fraction(0), Fraction(1)), lo, hi)
    for q in (Fraction(141421356, 10**8), Fraction(141421357, 10**8), Fraction(3, 2), Fraction(7, 5)):
        want = 1 if 2 > q * q else -1  # sign of sqrt(2) - q
        assert rho.sign(np.array([-q, Fraction(1)], dtype=object)) == want


# --- a witness given in floats is checked in rationals, not in float arithmetic ----------


def test_quadratic_certificate_with_float_witness_is_checked_exactly():
    # A = [[1, t], [0, 1]], X = I, beta = 1 + 2^-31, t = 2^-30: beta^2 X - A^T X A has the exact
    # determinant -t^3/2 + ... < 0, but its float evaluation rounds 1 + t^2 to 1 and looks PSD.
    t = 2.0**-30
    fam = MatrixFamily((np.array([[1.0, t], [0.0, 1.0]]),))
    beta = 1 + 2.0**-31
    exact = QuadraticCertificate(fam, np.eye(2, dtype=object) * Fraction(1), Fraction(beta))
    assert exact.verify().verdict is Verdict.INCONCLUSIVE
    assert QuadraticCertificate(fam, np.eye(2), beta).verify().verdict is Verdict.INCONCLUSIVE


def test_maxnorm_certificate_with_float_weights_cannot_prove_a_false_bound():
    e = 2.0**-60
    fam = MatrixFamily((np.array([[1.0, e], [e, 1.0]]),))  # JSR = 1 + 2^-60 > 1
    assert FamilyMaxNormCertificate(fam, (Fraction(1), Fraction(1)), Fraction(1)).verify().verdict \
        is Verdict.INCONCLUSIVE
    # with float weights the row sum 1 + 2^-60 was computed in floats (= 1.0): "JSR <= 1" passed
    assert FamilyMaxNormCertificate(fam, (1.0, 1.0), 1.0).verify().verdict is Verdict.INCONCLUSIVE
    assert FamilyMaxNormCertificate(fam, (1.0, 1.0), 1 + 2.0**-52).verify().certified


def test_polytope_certificate_with_float_rate_is_checked_exactly():
    fam = MatrixFamily((np.array([[0.25]]),))
    V = np.array([[Fraction(1)]], dtype=object)
    c = np.array([[Fraction(1, 2) + Fraction(1, 10**30)]], dtype=object)  # 0.5 c != 0.25 exactly
    assert PolytopeCertificate(fam, V, (c,), Fraction(1, 2)).verify().verdict is Verdict.INCONCLUSIVE
    assert PolytopeCertificate(fam, V, (c,), 0.5).verify().verdict is Verdict.INCONCLUSIVE
    ok = np.array([[Fraction(1, 2)]], dtype=object)
    assert PolytopeCertificate(fam, np.eye(1), (ok,), 0.5).verify().certified


def test_norm_and_rank_one_float_witness_still_verify():
    fam = MatrixFamily((np.array([[0.5, 0.25], [0.0, 0.5]]),))
    assert InducedNormCertificate(fam, "inf", 1, 0.75).verify().certified
    assert not InducedNormCertificate(fam, "inf", 1, math.nextafter(0.75, 0)).verify().certified
    r1 = MatrixFamily((np.array([[1.0, 1.0], [0.0, 0.0]]),))  # u = e1, v = (1, 1): JSR = 1
    assert RankOneCertificate(r1, (1.0,), 1.0).verify().certified
    assert not RankOneCertificate(r1, (1.0,), math.nextafter(1.0, 0)).verify().certified


# --- roots of rationals at every magnitude --------------------------------------------------


@pytest.mark.parametrize("value", [Fraction(2), Fraction(1, 3), Fraction(10) ** 400,
                                   Fraction(1, 10**400), Fraction(3, 10**700), Fraction(7) ** 333])
@pytest.mark.parametrize("k", [1, 2, 3, 8, 31])
def test_rational_roots_are_bounds_and_tight(value, k):
    lo, hi = rational_root_floor(value, k), rational_root_ceil(value, k)
    assert lo >= 0 and lo**k <= value <= hi**k
    assert lo > 0 and (hi - lo) / hi < Fraction(1, 10**15)


# --- extreme magnitudes in the driver --------------------------------------------------------


def test_huge_entries_do_not_crash_and_bracket_is_valid():
    s = 1e200
    mats = [np.array([[s, s], [0.0, s]]), np.array([[s, 0.0], [s, s]])]  # s * golden pair
    res = analyze_jsr(mats, budget=3)  # the search runs to its budget: keep it small
    phi = (1 + 5**0.5) / 2
    assert res.lower <= res.upper
    assert math.isfinite(res.lower) and res.lower > 0.99 * s and res.lower <= phi * s * (1 + 1e-12)
    assert res.upper >= phi * s * (1 - 1e-12)


def test_tiny_entries_give_a_positive_certified_lower_bound():
    s = 1e-200
    mats = [np.array([[s, s], [0.0, s]]), np.array([[s, 0.0], [s, s]])]
    res = analyze_jsr(mats, budget=3)  # the search runs to its budget: keep it small
    phi = (1 + 5**0.5) / 2
    assert res.lower <= res.upper
    assert res.lower > 0.99 * s and res.upper >= phi * s * (1 - 1e-12)


# --- family files ------------------------------------------------------------------------------


def test_family_file_matrices_must_be_a_list(tmp_path):
    from certify.errors import InvalidFamily
    from certify.jsr.io import load_family

    f = tmp_path / "fam.json"
    f.write_text(json.dumps({"matrices": "other.json"}))  # was read as a path to another file
    with pytest.raises(InvalidFamily, match="'matrices' is 'other.json'; expected a list"):
        load_family(f)
    g = tmp_path / "bin.json"
    g.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InvalidFamily, match="bin.json"):
        load_family(g)


def test_forged_huge_length_is_refused_without_computing():
    cert = InducedNormCertificate(TWO, "inf", 10**12, Fraction(2))
    assert cert.verify().verdict is Verdict.INCONCLUSIVE
