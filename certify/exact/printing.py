"""Printing numbers so that a printed bound is still a bound.

A certified upper bound printed to 10 digits must be rounded *up* (and a lower bound
down): rounding to nearest can print a number below the certified upper bound, i.e. a
claim that was never proved.  Every certificate's ``claim()`` and the LaTeX reports use
these functions (the other output helpers, :func:`certify.formatting.side_of_key` and
friends, are outside the trusted base).
"""

from __future__ import annotations

import math
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
    """An upper bound printed rounded up (:func:`safe_round` with ``side="upper"``)."""
    return str(safe_round(x, "upper", digits))


def fmt_lower(x: float | Fraction, digits: int = 12) -> str:
    """A lower bound printed rounded down (:func:`safe_round` with ``side="lower"``)."""
    return str(safe_round(x, "lower", digits))


def latex_number(x: float | Fraction, digits: int = 6, mode: Mode = "nearest") -> str:
    """Math-mode content for a number: ``1.5\\times 10^{-7}`` rather than ``1.5e-07``."""
    s = decimal_digits(x, digits, mode)
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant}\times 10^{{{int(exp)}}}"
    return s


Side = Literal["upper", "lower", "value"]
Style = Literal["text", "latex", "float"]
_SIDE_MODE: dict[str, Mode] = {"upper": "up", "lower": "down", "value": "nearest"}


def safe_round(x: float | int | Fraction | None, side: Side, digits: int = 10,
               style: Style = "text") -> str | float | None:
    """The one renderer of bounds: ``x`` rounded so that what is shown is still a bound.

    An upper bound is rounded up, a lower bound down (a ``"value"`` that is not a bound to
    nearest), as text with ``digits`` significant digits (``style="text"``), as LaTeX math
    (``"latex"``), or as the nearest double on the safe side (``"float"``, for JSON; digits
    are ignored).  Rounding a certified upper bound to nearest may print a number below
    it, i.e. a claim that was never proved: every printed, JSON and LaTeX bound goes
    through here.

    ``None`` and non-finite floats give ``"-"`` (text, LaTeX) or ``None`` (float).

    Examples
    --------
    >>> safe_round(Fraction(2, 3), "upper", 4), safe_round(Fraction(2, 3), "lower", 4)
    ('0.6667', '0.6666')
    >>> safe_round(Fraction(1, 10), "upper", style="float") >= Fraction(1, 10)
    True
    """
    if side not in _SIDE_MODE:
        raise ValueError(f"side = {side!r}; expected 'upper', 'lower' or 'value'")
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None if style == "float" else "-"
    if style == "float":
        if not isinstance(x, Fraction) or x.denominator == 1 and abs(x) < 2 ** 53:
            return float(x)
        f = float(x)
        if side == "upper" and Fraction(f) < x:
            f = math.nextafter(f, math.inf)
        elif side == "lower" and Fraction(f) > x:
            f = math.nextafter(f, -math.inf)
        return f
    if isinstance(x, int):
        x = Fraction(x)
    if style == "latex":
        return latex_number(x, digits, _SIDE_MODE[side])
    return decimal_digits(x, digits, _SIDE_MODE[side])
