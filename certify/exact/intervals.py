"""Rigorous rational enclosures of irrational numbers (logarithms, square roots).

Bounds in the policy-gradient and smooth Q-learning packages contain square roots and
logarithms of rational data.  They are evaluated here by interval arithmetic (``mpmath.iv``,
outward rounding) and returned as exact :class:`fractions.Fraction` endpoints, so that a
claim such as beta > 0 or eta <= 1/beta is decided by an exact rational comparison, never
by a float comparison.
"""

from __future__ import annotations

from fractions import Fraction

from mpmath import iv
from mpmath.libmp import to_rational

from certify.exact import as_fraction

_PREC = 96


def _interval(x: Fraction):
    iv.prec = _PREC
    return iv.mpf(x.numerator) / iv.mpf(x.denominator)


def _endpoints(y) -> tuple[Fraction, Fraction]:
    lo, hi = y._mpi_
    return Fraction(*to_rational(lo)), Fraction(*to_rational(hi))


def log_enclosure(x: object) -> tuple[Fraction, Fraction]:
    """Rationals lo <= ln(x) <= hi for a rational x > 0."""
    xf = as_fraction(x)  # type: ignore[arg-type]
    if xf <= 0:
        raise ValueError(f"log_enclosure: expected x > 0, found {xf}")
    return _endpoints(iv.log(_interval(xf)))


def sqrt_up(x: object) -> Fraction:
    """A rational r with r >= sqrt(x) for a rational x >= 0 (checked: r*r >= x exactly)."""
    xf = as_fraction(x)  # type: ignore[arg-type]
    if xf < 0:
        raise ValueError(f"sqrt_up: expected x >= 0, found {xf}")
    r = _endpoints(iv.sqrt(_interval(xf)))[1]
    if r * r < xf:
        raise ArithmeticError(f"sqrt_up: enclosure failed for {xf}")
    return r


def sqrt_down(x: object) -> Fraction:
    """A rational r >= 0 with r <= sqrt(x) (checked: r*r <= x exactly)."""
    xf = as_fraction(x)  # type: ignore[arg-type]
    r = max(_endpoints(iv.sqrt(_interval(xf)))[0], Fraction(0))
    if r * r > xf:
        raise ArithmeticError(f"sqrt_down: enclosure failed for {xf}")
    return r
