"""Validation helpers shared by every problem type: clear messages, nothing fixed silently."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from certify.errors import InvalidInput
from certify.tolerance import STOCHASTIC_ATOL


def as_real_array(
    value: object,
    field: str,
    shape: tuple[int | None, ...] | None = None,
    error: type[InvalidInput] = InvalidInput,
) -> np.ndarray:
    """Convert ``value`` to a finite float array, checking its shape.

    ``shape`` may contain ``None`` for free axes.  Errors name ``field``, what was found and
    what was expected.
    """
    from certify.numcheck import check_array_dtype, check_array_magnitude, check_real_leaves

    if hasattr(value, "__array__") and not isinstance(value, np.ndarray):
        try:  # torch / JAX arrays by their own conversion (no copy keyword), then checked as numpy
            value = np.asarray(value)
        except (TypeError, ValueError) as exc:
            raise error(f"{field}: expected an array of real numbers, found data numpy cannot "
                        f"read ({exc})") from exc
    if isinstance(value, list | tuple):  # from a document: strings, booleans, complex refused
        check_real_leaves(value, field, error)
    elif isinstance(value, np.ndarray):
        check_array_dtype(value, field, error)
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError, OverflowError) as exc:
        kind = "complex" if np.iscomplexobj(np.asarray(value, dtype=object)) else "non-numeric"
        raise error(
            f"{field}: expected an array of real numbers, found {kind} or ragged data ({exc})"
        ) from exc
    if shape is not None:
        ok = arr.ndim == len(shape) and all(
            e is None or e == f for e, f in zip(shape, arr.shape, strict=True)
        )
        if not ok:
            want = "(" + ", ".join("*" if e is None else str(e) for e in shape) + \
                ("," if len(shape) == 1 else "") + ")"  # written as numpy writes shapes: (4,)
            raise error(f"{field}: expected shape {want} but found {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = "".join(f"[{i}]" for i in idx)
        raise error(f"{field}{where} is {float(arr[idx])}; every entry must be a finite number")
    check_array_magnitude(arr, field, error)
    return arr


def check_distribution(
    p: np.ndarray,
    field: str,
    error: type[InvalidInput] = InvalidInput,
    axis_names: Callable[[tuple[int, ...]], str] | None = None,
    positive: bool = False,
) -> None:
    """Check that ``p`` is a probability distribution along its last axis.

    Entries must be >= -STOCHASTIC_ATOL (and > 0 when ``positive``) and each row must sum to
    1 within STOCHASTIC_ATOL.  The data is not renormalised.
    """
    name = axis_names or (lambda idx: "".join(f"[{i}]" for i in idx))
    neg = p < -STOCHASTIC_ATOL
    if neg.any():
        idx = tuple(int(i) for i in np.argwhere(neg)[0])
        raise error(f"{field}{name(idx)} = {float(p[idx])!r} is negative; probabilities must be >= 0")
    if positive:
        zero = p <= 0
        if zero.any():
            bad = [name(tuple(int(i) for i in ix)) for ix in np.argwhere(zero)]
            shown = ", ".join(bad[:8]) + (" ..." if len(bad) > 8 else "")
            raise error(
                f"{field} has zero entries at {shown}; the theory needs every entry > 0 "
                "(every state-action pair must be sampled)"
            )
    sums = p.sum(axis=-1)
    off = np.abs(sums - 1.0) > STOCHASTIC_ATOL
    if np.ndim(sums) == 0:
        if off:
            raise error(
                f"{field} sums to {float(sums)!r}; it must sum to 1 (tolerance {STOCHASTIC_ATOL:g})"
            )
        return
    if off.any():
        idx = tuple(int(i) for i in np.argwhere(off)[0])
        raise error(
            f"{field}{name(idx)} sums to {float(sums[idx])!r} over its last axis; "
            f"each must sum to 1 (tolerance {STOCHASTIC_ATOL:g})"
        )


def check_gamma(gamma: object, error: type[InvalidInput] = InvalidInput) -> float:
    """gamma must be a real number in [0, 1)."""
    try:
        if isinstance(gamma, str | bytes | complex):
            raise TypeError(type(gamma).__name__)
        g = float(gamma)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError) as exc:
        from certify.numcheck import string_hint  # "write 1.0e-3" for YAML 1.1's text "1e-3"

        hint = string_hint(gamma) if isinstance(gamma, str) else ""
        raise error(f"gamma: expected a number in [0, 1), found {gamma!r:.60}{hint}") from exc
    if isinstance(gamma, bool) or not (0.0 <= g < 1.0):
        raise error(f"gamma = {gamma!r} is outside [0, 1); the discount must satisfy 0 <= gamma < 1")
    return g


def check_step_size(alpha: object, field: str = "alpha") -> float:
    """A constant step size must be a real number in (0, 1]."""
    try:
        if isinstance(alpha, str | bytes | complex):
            raise TypeError(type(alpha).__name__)
        a = float(alpha)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidInput(f"{field}: expected a number in (0, 1], found {alpha!r:.60}") from exc
    if isinstance(alpha, bool) or not np.isfinite(a) or not (0.0 < a <= 1.0):
        raise InvalidInput(f"{field} = {alpha!r} is outside (0, 1]; expected 0 < {field} <= 1")
    return a
