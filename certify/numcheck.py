"""Numbers are numbers: strict checks of numeric fields read from documents.

YAML and JSON documents hand certify Python lists whose leaves should be real numbers.
``numpy.array(value, dtype=float)`` would quietly turn the string ``"0.9"`` into 0.9, a
boolean into 0 or 1, drop the imaginary part of a complex value with only a warning, and
raise ``OverflowError`` on a 400-digit integer.  :func:`check_real_leaves` refuses all of
those with a message naming the field and the index, and refuses finite numbers whose
magnitude exceeds ``CERTIFY_MAX_MAGNITUDE`` (default 1e15): the exact rational arithmetic
handles any float, but bounds derived from such entries (products, sums of squares over
(1 - gamma)^2) overflow the floats they are reported in.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from certify.errors import InvalidInput
from certify.limits import LIMITS, check, limit


def _index(path: tuple[int, ...]) -> str:
    return "".join(f"[{i}]" for i in path)


def check_real_leaves(value: Any, field: str, error: type[InvalidInput] = InvalidInput,
                      magnitude: bool = True) -> None:
    """Raise ``error`` unless every leaf of the nested lists ``value`` is a real number (not
    a bool, string, complex or None) of magnitude at most ``CERTIFY_MAX_MAGNITUDE``.

    Iterative (no recursion, whatever the nesting) and bounded by ``CERTIFY_MAX_ENTRIES``.
    """
    cap = limit("magnitude") if magnitude else math.inf
    max_entries = limit("entries")
    max_depth = limit("depth")
    seen = 0
    stack: list[tuple[Any, tuple[int, ...]]] = [(value, ())]
    while stack:
        v, path = stack.pop()
        if isinstance(v, list | tuple):
            if len(path) >= max_depth:
                check("depth", len(path) + 1, field)
            stack.extend((x, (*path, i)) for i, x in reversed(list(enumerate(v))))
            continue
        seen += 1
        if seen > max_entries:
            check("entries", seen, field)
        check_real_number(v, f"{field}{_index(path)}", error, cap)


def check_real_number(v: Any, where: str, error: type[InvalidInput] = InvalidInput,
                      cap: float | None = None) -> None:
    """One leaf: a real number, finite-magnitude checks left to the caller except the cap."""
    if isinstance(v, bool | np.bool_) or not isinstance(v, Real | np.integer | np.floating):
        kind = ("a boolean" if isinstance(v, bool | np.bool_) else
                "a string" if isinstance(v, str) else
                "a complex number" if isinstance(v, complex | np.complexfloating) else
                "null" if v is None else type(v).__name__)
        raise error(f"{where} is {kind} ({v!r:.60}); expected a real number"
                    + (string_hint(v) if isinstance(v, str) else ""))
    cap = limit("magnitude") if cap is None else cap
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 1024:
        raise error(f"{where} is an integer of more than 300 digits; expected a number a "
                    "float can hold")
    try:
        big = abs(v) > cap
    except TypeError:
        big = False
    if big and not (isinstance(v, float) and math.isinf(v)):
        shown = f"{float(v):.3g}" if not isinstance(v, int) or v.bit_length() < 1000 \
            else f"an integer of {len(str(abs(v))) if v.bit_length() < 14000 else 'over 4000'} digits"
        raise error(f"{where} = {shown} is larger in magnitude than {cap:g}, the limit "
                    f"{LIMITS['magnitude'].env} (set it to raise the limit)")


def string_hint(text: str) -> str:
    """How to write a number given as text: YAML 1.1 reads ``1e-10`` (no decimal point) as a
    string, so the hint is to write ``1.0e-10``; other numeric text is to lose its quotes."""
    try:
        float(text)
    except ValueError:
        return ""
    if "e" in text.lower() and "." not in text:
        return ("; YAML 1.1 reads a number like 1e-10 without a decimal point as text: "
                "write 1.0e-10")
    return "; write numbers without quotes"


def check_array_magnitude(arr: np.ndarray, field: str, error: type[InvalidInput] = InvalidInput
                          ) -> None:
    """Refuse an array of real numbers with an entry larger in magnitude than the limit."""
    if arr.size == 0:
        return
    cap = limit("magnitude")
    mags = np.abs(arr)
    if np.nanmax(mags, initial=0.0) > cap:
        bad = np.argwhere(np.isfinite(mags) & (mags > cap))
        if bad.size:
            idx = tuple(int(i) for i in bad[0])
            raise error(f"{field}{_index(idx)} = {float(arr[idx]):.3g} is larger in magnitude "
                        f"than {cap:g}, the limit {LIMITS['magnitude'].env} (set it to raise "
                        "the limit)")


def check_array_dtype(arr: np.ndarray, field: str, error: type[InvalidInput] = InvalidInput
                      ) -> None:
    """Refuse arrays of complex numbers, strings or booleans (NPZ input, Python callers)."""
    kind = {"c": "complex numbers", "U": "strings", "S": "bytes", "b": "booleans"}.get(
        arr.dtype.kind)
    if kind is not None:
        raise error(f"{field}: holds {kind} (dtype {arr.dtype}); expected real numbers"
                    + ("; write a complex matrix as the real block [[Re, -Im], [Im, Re]]"
                       if arr.dtype.kind == "c" else ""))
