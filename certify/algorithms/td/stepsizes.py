"""Power-law step-size schedules and the step-size conditions (A:3) of N-timescale SA.

Timescale i (1 = fastest, N = slowest) uses a_i(n) = c_i / (n + 1)^{e_i} with c_i > 0 and an
exponent e_i in (0, 1].  Seed 003, (A:3), asks for

    sum_n a_i(n) = infinity,   sum_n a_i(n)^2 < infinity,   a_{i+1}(n) / a_i(n) -> 0,

which for power laws read e_i <= 1, e_i > 1/2 and e_{i+1} > e_i.  Each is decided
symbolically with sympy (p-series convergence, limit of the ratio) on the exact rational
exponents, so a verdict here is a proof, not a float comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from certify.errors import InvalidInput

_n = sp.Symbol("n", integer=True, nonnegative=True)


def parse_exponent(x: object, field: str = "exponents") -> Fraction:
    """An exponent as an exact rational in (0, 1]; ``"0.35"`` is read as 7/20."""
    try:
        f = Fraction(str(x).strip()) if not isinstance(x, Fraction) else x
    except (ValueError, ZeroDivisionError) as exc:
        raise InvalidInput(f"{field}: {x!r} is not a number; expected exponents in (0, 1]") from exc
    if not 0 < f <= 1:
        raise InvalidInput(f"{field}: exponent {x} is outside (0, 1]; a step size 1/(n+1)^e "
                           "must decrease (e > 0) and not be summable (e <= 1)")
    return f


def parse_exponents(values: object, count: int, algorithm: str) -> tuple[Fraction, ...]:
    """Exponents given as "0.6,0.7" or a sequence; exactly ``count`` of them."""
    items = [v for v in str(values).split(",")] if isinstance(values, str) else list(values)
    if len(items) != count:
        raise InvalidInput(f"exponents: {algorithm} runs on {count} timescale"
                           f"{'s' if count != 1 else ''} and needs {count} exponents "
                           f"(fastest first), found {len(items)}: {values!r}")
    return tuple(parse_exponent(v) for v in items)


@dataclass(frozen=True)
class StepCondition:
    """One symbolic step-size fact: ``holds`` and the sympy value behind it."""

    name: str
    holds: bool | None
    detail: str


def series_facts(e: Fraction, i: int) -> list[StepCondition]:
    """sum 1/(n+1)^e = oo and sum 1/(n+1)^(2e) < oo, decided by sympy."""
    er = sp.Rational(e.numerator, e.denominator)
    s1 = sp.Sum(1 / (_n + 1) ** er, (_n, 0, sp.oo))
    s2 = sp.Sum(1 / (_n + 1) ** (2 * er), (_n, 0, sp.oo))
    conv1, conv2 = _decided(s1.is_convergent()), _decided(s2.is_convergent())
    div = None if conv1 is None else not conv1
    if None in (conv1, conv2):
        why = "sympy could not decide the series (undecided, not a proof either way)"
        return [StepCondition(f"sum a_{i}(n) = inf", div, why if div is None else
                              f"sum_n 1/(n+1)^{_exponent(e)} {'diverges' if div else 'converges'}"),
                StepCondition(f"sum a_{i}(n)^2 < inf", conv2, why if conv2 is None else
                              f"sum_n 1/(n+1)^{_exponent(2 * e)} {'converges' if conv2 else 'diverges'}")]
    v2 = sp.zeta(2 * er) if conv2 else sp.oo
    return [
        StepCondition(f"sum a_{i}(n) = inf", div,
                      f"sum_n 1/(n+1)^{_exponent(e)} {'diverges' if div else 'converges'} "
                      f"(p-series, p = {e})"),
        StepCondition(f"sum a_{i}(n)^2 < inf", conv2,
                      f"sum_n 1/(n+1)^{_exponent(2 * e)} = {sp.sstr(v2)}"
                      + ("" if conv2 else f": not square summable, needs e_{i} > 1/2")),
    ]


def _exponent(e: Fraction) -> str:
    """``e`` as an exponent in text: ``(7/20)`` in parentheses (``^7/20`` reads as ``^7 / 20``),
    an integer bare."""
    return str(e) if e.denominator == 1 else f"({e})"


def _decided(value: object) -> bool | None:
    """sympy's True / False as a Python bool; anything else (None, unevaluated) is None."""
    if value is True or value is sp.true:
        return True
    if value is False or value is sp.false:
        return False
    return None


def ratio_fact(e_fast: Fraction, e_slow: Fraction, i: int) -> StepCondition:
    """a_{i+1}(n) / a_i(n) = (n+1)^{e_i - e_{i+1}} -> 0 iff e_{i+1} > e_i (sympy limit)."""
    d = sp.Rational(e_fast - e_slow)
    lim = sp.limit((_n + 1) ** d, _n, sp.oo)
    holds = lim == 0
    return StepCondition(f"a_{i + 1}(n)/a_{i}(n) -> 0", bool(holds),
                         f"(n+1)^({e_fast} - {e_slow}) -> {sp.sstr(lim)}"
                         + ("" if holds else f": timescale {i + 1} is not slower than {i}"))


def step_conditions(exponents: tuple[Fraction, ...]) -> list[StepCondition]:
    """All (A:3) facts for power-law exponents, fastest timescale first."""
    out: list[StepCondition] = []
    for i, e in enumerate(exponents, start=1):
        out.extend(series_facts(e, i))
    for i in range(1, len(exponents)):
        out.append(ratio_fact(exponents[i - 1], exponents[i], i))
    return out


def schedule(exponents: tuple[Fraction, ...], scales: tuple[float, ...], n_steps: int) -> np.ndarray:
    """Float array (N, n_steps) of a_i(n) = c_i / (n+1)^{e_i}."""
    n = np.arange(n_steps, dtype=float) + 1.0
    return np.array([c / n ** float(e) for e, c in zip(exponents, scales, strict=True)])
