"""Output helpers outside the trusted base: exact JSON fields, long integers in reason
strings, and which way a JSON field is a bound.

The rounding itself (a printed bound stays a bound) is :mod:`certify.exact.printing`.
"""

from __future__ import annotations

from fractions import Fraction

from certify.exact.printing import Side


def exact_text(x: object) -> str | None:
    """The exact rational ``p/q`` of a Fraction (or an int) for a JSON ``*_exact`` field,
    else None (a float bound has no exact value beyond itself)."""
    if isinstance(x, Fraction | int) and not isinstance(x, bool):
        return str(Fraction(x))
    return None


def summarise_int(n: int, head: int = 12) -> str:
    """A huge integer shown by its size: ``5^5000`` has 3,495 digits, far too many for a
    reason string.  Integers of at most 2 * head digits are shown in full."""
    s = str(abs(n))
    if len(s) <= 2 * head:
        return str(n)
    sign = "-" if n < 0 else ""
    return f"{sign}{s[0]}.{s[1:head]}e{len(s) - 1} ({len(s):,} digits)"


_NOT_BOUNDS = ("measured", "fitted", "empirical", "mean", "observed", "seconds", "time", "timing")


def side_of_key(key: str) -> Side:
    """Which way a JSON field is a bound, from its dotted name: ``*lower*``, ``*margin*`` and
    ``*decay*`` fields are lower bounds; ``*upper*``, ``*bound*``, ``*floor*`` and ``*rate*`` fields are
    upper bounds (a contraction rate is certified from above), unless the name says the
    number was measured; anything else is a ``"value"`` (rounded to nearest)."""
    k = key.lower()
    # "finite_time" names the finite-time *bounds* (their rates and floors), not a timing
    if any(w in k.replace("finite_time", "") for w in _NOT_BOUNDS):
        return "value"
    last = k.rsplit(".", 1)[-1]
    if "lower" in last or "margin" in last or "decay" in last:  # a decay rate: proved from below
        return "lower"
    if any(w in last for w in ("upper", "bound", "floor", "rate")):
        return "upper"
    return "value"


def summarise_digits(text: str, longest: int = 24) -> str:
    """``text`` with every run of more than ``longest`` digits replaced by
    :func:`summarise_int` of it (a reason string quoting an exact rational stays readable)."""
    import re

    return re.sub(rf"\d{{{longest + 1},}}", lambda m: summarise_int(int(m.group(0))), text)

