"""LaTeX text: escaping, numbers with a consistent precision, matrices, the template engine.

Every value a template prints goes through :func:`finalize`: plain strings are escaped,
strings already marked as LaTeX (:class:`Latex`) pass unchanged, and floats are typeset
with :data:`DIGITS` significant digits.  Certified bounds are rounded *outward*
(:func:`bound`): an upper bound is printed rounded up and a lower bound rounded down, so
the printed number is still a valid bound.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from certify.exact.printing import latex_number

if TYPE_CHECKING:
    import jinja2

DIGITS = 6
"""Significant digits of ordinary numbers (constants, entries of w, X, Q*)."""
RATE_DIGITS = 10
"""Significant digits of rates and JSR bounds (they differ from 1 in the 3rd digit or later)."""

_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\ensuremath{<}", ">": r"\ensuremath{>}", "|": r"\ensuremath{|}",
}


class Latex(str):
    """A string that is already LaTeX: templates print it unescaped."""


def escape(text: object) -> Latex:
    """Escape the ten LaTeX special characters (and < > |, which OT1 fonts misprint) of plain text."""
    return Latex("".join(_SPECIAL.get(c, c) for c in str(text)))


def num(x: object, digits: int = DIGITS, mode: Literal["nearest", "up", "down"] = "nearest",
        math_mode: bool = True) -> Latex:
    """A number for LaTeX: ``digits`` significant digits, scientific notation as
    ``m\\times 10^{e}``, wrapped in ``$...$`` unless ``math_mode`` is False (then the
    content of a math environment is returned).  None and non-finite values print as a dash
    or as \\infty / NaN."""
    if x is None:
        return Latex("--")
    if isinstance(x, (bool, np.bool_)):
        return escape(str(bool(x)).lower())
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        s = str(int(x))
    else:
        v = x if isinstance(x, Fraction) else float(x)
        if isinstance(v, float) and not math.isfinite(v):
            s = "\\mathrm{NaN}" if math.isnan(v) else ("\\infty" if v > 0 else "-\\infty")
            return Latex(f"${s}$" if math_mode else s)
        s = latex_number(v, digits, mode)
    return Latex(f"${s}$" if math_mode else s)


def bound(x: object, side: Literal["upper", "lower"], digits: int = RATE_DIGITS) -> Latex:
    """A certified bound, rounded outward so that the printed value is still a bound
    (:func:`certify.exact.printing.safe_round`)."""
    from certify.exact.printing import safe_round

    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return num(x, digits)
    v = x if isinstance(x, Fraction | int) else float(x)  # type: ignore[arg-type]
    return Latex(f"${safe_round(v, side, digits, style='latex')}$")


def rate(x: object) -> Latex:
    """A rate (nearest rounding, :data:`RATE_DIGITS` digits)."""
    return num(x, RATE_DIGITS)


def vector(v: Iterable, digits: int = DIGITS) -> Latex:
    """A row vector ``(v_1, ..., v_n)`` in math mode."""
    return Latex("$(" + ",\\ ".join(num(x, digits, math_mode=False) for x in v) + ")$")


def matrix(M, digits: int = 4, max_size: int = 12) -> Latex:
    """A matrix as ``\\begin{bmatrix}...`` (math-mode content) with ``digits`` significant
    digits; larger than ``max_size`` gives a one-line summary instead."""
    A = np.asarray(M, dtype=float)
    if A.ndim != 2 or max(A.shape) > max_size:
        return Latex(rf"\text{{(a ${A.shape[0]}\times{A.shape[1]}$ matrix, see the JSON)}}")
    rows = [" & ".join(num(x, digits, math_mode=False) for x in row) for row in A]
    return Latex("\\begin{bmatrix}" + " \\\\ ".join(rows) + "\\end{bmatrix}")


def finalize(value: object) -> object:
    """Jinja ``finalize``: escape text, typeset numbers, keep :class:`Latex` as is."""
    if isinstance(value, Latex):
        return value
    if isinstance(value, (float, int, Fraction, np.floating, np.integer)) and not isinstance(value, bool):
        return num(value)
    if value is None:
        return Latex("--")
    return escape(value)


TEMPLATES = Path(__file__).with_name("templates")


def environment() -> jinja2.Environment:
    """The template engine: LaTeX-friendly delimiters ``((* block *))``, ``((( var )))``,
    ``((# comment #))`` so that braces stay TeX's; undefined variables raise."""
    from certify.extras import require

    jinja2 = require("jinja2", "report")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        block_start_string="((*", block_end_string="*))",
        variable_start_string="(((", variable_end_string=")))",
        comment_start_string="((#", comment_end_string="#))",
        trim_blocks=True, lstrip_blocks=True, autoescape=False,
        undefined=jinja2.StrictUndefined, finalize=finalize, keep_trailing_newline=True,
    )
    env.filters.update(num=num, bound=bound, rate=rate, vector=vector, matrix=matrix,
                       tex=escape, latex=Latex)
    return env


def render(template: str, **context) -> str:
    """Render ``templates/<template>`` with ``context``."""
    return environment().get_template(template).render(**context)
