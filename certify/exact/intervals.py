"""Rigorous rational enclosures of irrational numbers (logarithms, square roots).

Bounds in the policy-gradient and smooth Q-learning packages contain square roots and
logarithms of rational data.  They are evaluated here by interval arithmetic (a private
``mpmath.MPIntervalContext``, outward rounding) and returned as exact
:class:`fractions.Fraction` endpoints, so that a
claim such as beta > 0 or eta <= 1/beta is decided by an exact rational comparison, never
by a float comparison.
"""

from __future__ import annotations

from fractions import Fraction

from mpmath import MPContext, MPIntervalContext

from certify.exact import as_fraction

_PREC = 96
_MAX_PREC = 4096


def interval_context(prec: int = _PREC) -> MPIntervalContext:
    """A private mpmath interval context at ``prec`` bits.

    certify never sets ``mpmath.iv.prec``: the global context belongs to the caller, and a
    module changing it would make every other interval computation depend on import order.
    """
    if not 2 <= prec <= _MAX_PREC:
        raise ValueError(f"interval_context: prec = {prec}; expected 2..{_MAX_PREC} bits")
    ctx = MPIntervalContext()
    ctx.prec = prec
    return ctx


IV = interval_context(_PREC)
_EXACT = MPContext()
_EXACT.prec = _MAX_PREC  # wider than any interval endpoint: conversions below are exact


def _interval(x: Fraction):
    return IV.mpf(x.numerator) / IV.mpf(x.denominator)


def _exact_value(v) -> Fraction:
    m = _EXACT.mpf(v)
    man, exp = abs(m).man_exp  # man_exp drops the sign: put it back
    return (-1 if m < 0 else 1) * Fraction(man) * Fraction(2) ** exp


def endpoints(y) -> tuple[Fraction, Fraction]:
    """The exact rational endpoints (lo, hi) of an mpmath interval (public API only)."""
    return _exact_value(y.a), _exact_value(y.b)


def log_enclosure(x: object) -> tuple[Fraction, Fraction]:
    """Rationals lo <= ln(x) <= hi for a rational x > 0."""
    xf = as_fraction(x)  # type: ignore[arg-type]
    if xf <= 0:
        raise ValueError(f"log_enclosure: expected x > 0, found {xf}")
    return endpoints(IV.log(_interval(xf)))


def sqrt_up(x: object) -> Fraction:
    """A rational r with r >= sqrt(x) for a rational x >= 0 (checked: r*r >= x exactly)."""
    xf = as_fraction(x)  # type: ignore[arg-type]
    if xf < 0:
        raise ValueError(f"sqrt_up: expected x >= 0, found {xf}")
    r = endpoints(IV.sqrt(_interval(xf)))[1]
    if r * r < xf:
        raise ArithmeticError(f"sqrt_up: enclosure failed for {xf}")
    return r


def sqrt_down(x: object) -> Fraction:
    """A rational r >= 0 with r <= sqrt(x) (checked: r*r <= x exactly)."""
    xf = as_fraction(x)  # type: ignore[arg-type]
    r = max(endpoints(IV.sqrt(_interval(xf)))[0], Fraction(0))
    if r * r > xf:
        raise ArithmeticError(f"sqrt_down: enclosure failed for {xf}")
    return r
