"""certify's interval arithmetic uses private mpmath contexts (issue 19, item 3): the global
``mpmath.iv`` is never changed, and enclosures hold exactly."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from certify.exact.intervals import endpoints, interval_context, log_enclosure, sqrt_down, sqrt_up


def test_global_context_untouched():
    before = mpmath.iv.prec
    log_enclosure(Fraction(3, 2))
    sqrt_up(2)
    from certify.exact.boltzmann import boltzmann_grad_sup  # noqa: F401

    assert mpmath.iv.prec == before


def test_enclosures_are_exact_bounds():
    lo, hi = log_enclosure(2)
    # ln 2 = 0.693147180559945309417232121458176568...; 2^96-bit enclosure, exactly compared
    ref = Fraction("0.6931471805599453094172321214581765680755")
    assert lo <= ref <= hi and hi - lo < Fraction(1, 10**25)
    r_up, r_down = sqrt_up(2), sqrt_down(2)
    assert r_down * r_down <= 2 <= r_up * r_up and r_up - r_down < Fraction(1, 10**25)


def test_endpoints_exact_at_any_precision():
    ctx = interval_context(300)
    y = ctx.mpf(1) / 3
    lo, hi = endpoints(y)
    assert lo < Fraction(1, 3) < hi and hi - lo < Fraction(1, 2**290)
    lo, hi = endpoints(ctx.mpf(-1) / 3)  # negative endpoints keep their sign
    assert lo < Fraction(-1, 3) < hi < 0
    lo, hi = log_enclosure(Fraction(1, 4))
    assert lo < 0 and lo <= -Fraction("1.3862943611198906188344642429163531361510") <= hi
    with pytest.raises(ValueError):
        interval_context(1)
