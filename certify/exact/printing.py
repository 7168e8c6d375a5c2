"""Printing numbers so that a printed bound is still a bound.

A certified upper bound printed to 10 digits must be rounded *up* (and a lower bound
down): rounding to nearest can print a number below the certified upper bound, i.e. a
claim that was never proved.  Every certificate's ``claim()`` and the LaTeX reports use
these functions.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Literal

Mode = Literal["nearest", "up", "down"]
_ROUNDING = {"nearest": ROUND_HALF_EVEN, "up": ROUND_CEILING, "down": ROUND_FLOOR}


def decimal_digits(x: float | Fraction, digits: int, mode: Mode = "nearest") -> str:
    """``x`` to ``digits`` significant digits, rounded as ``mode`` says, in positional or
    scientific notation (``1.5e-07``) chosen like ``%g``.  Exact for Fractions."""
    rounding = _ROUNDING[mode]
    d = Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else Decimal(x)
    if isinstance(x, Fraction):
        # Decimal division rounds to the context precision; redo it with enough digits
        from decimal import localcontext

        with localcontext() as ctx:
            ctx.prec = digits + 30
            ctx.rounding = rounding
            d = Decimal(x.numerator) / Decimal(x.denominator)
    if d == 0:
        return "0"
    exp = d.adjusted()
    r = d.quantize(Decimal(1).scaleb(exp - digits + 1), rounding=rounding)
    if r.adjusted() != exp:  # rounding carried into a new digit (9.99 -> 10.0)
        exp = r.adjusted()
        r = d.quantize(Decimal(1).scaleb(exp - digits + 1), rounding=rounding)
    if -5 <= exp < digits:
        s = format(r, "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s
    mant = r.scaleb(-exp).normalize()
    return f"{format(mant, 'f')}e{exp:+03d}"


def fmt_upper(x: float | Fraction, digits: int = 12) -> str:
    """An upper bound printed rounded up."""
    return decimal_digits(x, digits, "up")


def fmt_lower(x: float | Fraction, digits: int = 12) -> str:
    """A lower bound printed rounded down."""
    return decimal_digits(x, digits, "down")


def latex_number(x: float | Fraction, digits: int = 6, mode: Mode = "nearest") -> str:
    """Math-mode content for a number: ``1.5\\times 10^{-7}`` rather than ``1.5e-07``."""
    s = decimal_digits(x, digits, mode)
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant}\times 10^{{{int(exp)}}}"
    return s
