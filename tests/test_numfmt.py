"""Printed bounds stay bounds: directed decimal rounding."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from certify.exact.printing import decimal_digits, fmt_lower, fmt_upper, latex_number


@given(st.fractions(min_value=Fraction(-10**6), max_value=Fraction(10**6)), st.integers(1, 15))
def test_directed_rounding_is_a_bound(x, digits):
    assert Fraction(fmt_upper(x, digits)) >= x
    assert Fraction(fmt_lower(x, digits)) <= x


@given(st.floats(min_value=1e-300, max_value=1e300), st.integers(1, 15))
def test_directed_rounding_floats(x, digits):
    assert Fraction(fmt_upper(x, digits)) >= Fraction(x)
    assert Fraction(fmt_lower(x, digits)) <= Fraction(x)


def test_known_values():
    assert fmt_upper(0.99446837153866, 10) == "0.9944683716"
    assert fmt_lower(0.99446837153866, 10) == "0.9944683715"
    assert decimal_digits(Fraction(2, 3), 3) == "0.667"
    assert decimal_digits(9.996, 3, "up") == "10"
    assert latex_number(1.5e-7, 2) == r"1.5\times 10^{-7}"


def test_huge_integers_are_summarised():
    from certify.formatting import summarise_digits, summarise_int
    from certify.jsr.cqlf import CQLFResult
    from certify.verdict import Verdict

    assert summarise_int(5**5000) == "7.07981126104e3494 (3,495 digits)"
    assert summarise_int(-(10**30)) == "-1.00000000000e30 (31 digits)"
    assert summarise_int(123) == "123"
    r = CQLFResult(float("nan"), Verdict.INCONCLUSIVE, None, None, {}, 0, 0.0,
                   f"pivot {5**5000}/{2**3} failed")
    assert r.reason == "pivot 7.07981126104e3494 (3,495 digits)/8 failed"
    assert summarise_digits("x = 12") == "x = 12"
