"""Exact rational arithmetic: the only place where certificates are accepted.

Every IEEE double is a dyadic rational, so data given in floating point is converted to
:class:`fractions.Fraction` *without* rounding (``Fraction(0.1)`` is the double nearest
0.1, exactly).  Certificates found by floating-point searches are checked here, in
rationals; nothing is accepted on a float comparison.

Rationals are serialised in JSON as strings ``"p/q"`` (or ``"p"``) so that a later run
re-checks the very same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational

import numpy as np

from certify.errors import InvalidCertificate

Number = int | float | Fraction | str


def as_fraction(x: Number) -> Fraction:
    """Exact rational value of ``x``.

    Floats convert exactly (their binary value); strings may be ``"3/7"``, ``"0.25"`` or
    ``"1e-3"`` and are read as the decimal they spell.  Non-finite values are refused.
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise InvalidCertificate(f"expected a number, found the boolean {x!r}")
    if isinstance(x, int | Rational):
        return Fraction(x)
    if isinstance(x, float | np.floating):
        if not math.isfinite(float(x)):
            raise InvalidCertificate(f"expected a finite number, found {x!r}")
        return Fraction(float(x))
    if isinstance(x, np.integer):
        return Fraction(int(x))
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError) as exc:
            raise InvalidCertificate(
                f"expected a rational number written as 'p/q' or a decimal, found {x!r}"
            ) from exc
    raise InvalidCertificate(f"expected a number, found {type(x).__name__} {x!r}")


def fraction_str(x: Fraction) -> str:
    """JSON form of a rational: ``"p/q"`` or ``"p"``."""
    return str(x)


def fraction_array(a: np.ndarray | Sequence) -> np.ndarray:
    """Object array of exact Fractions with the shape of ``a``."""
    arr = np.asarray(a, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    flat_in = arr.reshape(-1)
    flat_out = out.reshape(-1)
    for i, v in enumerate(flat_in):
        flat_out[i] = as_fraction(v)
    return out


def fraction_array_to_json(a: np.ndarray) -> list:
    """Nested lists of ``"p/q"`` strings."""
    arr = np.asarray(a, dtype=object)
    if arr.ndim == 0:
        return fraction_str(as_fraction(arr.item()))
    return [fraction_array_to_json(row) for row in arr]


def fraction_array_from_json(data: list, field: str) -> np.ndarray:
    """Inverse of :func:`fraction_array_to_json`; errors name ``field``."""
    try:
        return fraction_array(np.asarray(data, dtype=object))
    except InvalidCertificate as exc:
        raise InvalidCertificate(f"{field}: {exc}") from exc


def round_up_float(x: Fraction) -> float:
    """Smallest double that is >= the rational ``x`` (for reporting upper bounds;
    :func:`certify.exact.printing.safe_round` with ``style="float"``)."""
    from certify.exact.printing import safe_round

    return float(safe_round(Fraction(x), "upper", style="float"))  # type: ignore[arg-type]


def round_down_float(x: Fraction) -> float:
    """Largest double that is <= the rational ``x`` (for reporting lower bounds;
    :func:`certify.exact.printing.safe_round` with ``style="float"``)."""
    from certify.exact.printing import safe_round

    return float(safe_round(Fraction(x), "lower", style="float"))  # type: ignore[arg-type]


def rationalize(a: np.ndarray, max_denominator: int = 10**9) -> np.ndarray:
    """Round every entry of a float array to a nearby small-denominator rational."""
    arr = np.asarray(a, dtype=float)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = Fraction(float(v)).limit_denominator(max_denominator)
    return out


def symmetrize(a: np.ndarray) -> np.ndarray:
    """Exactly symmetric part (A + A^T) / 2 of a square Fraction array."""
    return (a + a.T) / Fraction(2)


@dataclass(frozen=True)
class LDLResult:
    """Outcome of an exact LDL^T factorisation with symmetric (diagonal) pivoting.

    Attributes
    ----------
    psd : bool
        The matrix is positive semidefinite (exactly).
    pd : bool
        The matrix is positive definite (exactly).
    min_pivot : Fraction
        Smallest pivot met (negative when ``psd`` is False; a diagnostic).
    failed_at : int | None
        Elimination step at which definiteness failed, if it did.
    """

    psd: bool
    pd: bool
    min_pivot: Fraction
    failed_at: int | None


def ldl_definiteness(m: np.ndarray) -> LDLResult:
    """Decide positive (semi)definiteness of a symmetric rational matrix exactly.

    Gaussian elimination on the Schur complement, choosing at each step the largest
    remaining diagonal entry as pivot (symmetric pivoting).  A symmetric matrix is PSD iff
    this never meets a negative pivot and, whenever the largest remaining diagonal entry is
    0, the remaining block is 0.  It is PD iff every pivot is positive.

    Raises
    ------
    InvalidCertificate
        If ``m`` is not square or not exactly symmetric.
    """
    a = [[as_fraction(v) for v in row] for row in np.asarray(m, dtype=object)]
    n = len(a)
    if any(len(row) != n for row in a):
        raise InvalidCertificate(f"expected a square matrix, found {n} rows of unequal length")
    for i in range(n):
        for j in range(i):
            if a[i][j] != a[j][i]:
                raise InvalidCertificate(
                    f"matrix is not exactly symmetric: entry ({i},{j}) = {a[i][j]} "
                    f"but ({j},{i}) = {a[j][i]}"
                )
    remaining = list(range(n))
    min_pivot: Fraction | None = None
    pd = True
    for step in range(n):
        k = max(remaining, key=lambda i: a[i][i])
        piv = a[k][k]
        min_pivot = piv if min_pivot is None else min(min_pivot, piv)
        if piv < 0:
            return LDLResult(False, False, piv, step)
        remaining.remove(k)
        if piv == 0:
            pd = False
            if any(a[k][j] != 0 for j in remaining):
                return LDLResult(False, False, Fraction(0), step)
            continue
        row_k = {j: a[k][j] for j in remaining if a[k][j] != 0}
        for i, aki in row_k.items():
            f = aki / piv
            ai = a[i]
            for j, akj in row_k.items():
                if j >= i:
                    ai[j] -= f * akj
                    if j != i:
                        a[j][i] = ai[j]
    return LDLResult(True, pd, min_pivot if min_pivot is not None else Fraction(0), None)


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact product of two Fraction (object) arrays."""
    return np.asarray(a, dtype=object).dot(np.asarray(b, dtype=object))


# ---------------------------------------------------------------------------------------
# Dyadic integer arithmetic for large sparse checks.
#
# Fractions pay a gcd on every operation.  For checks over tens of thousands of rows whose
# data are doubles (hence dyadic rationals k * 2^e), we instead scale a whole array by one
# power of two so that every entry becomes a Python int, and do the arithmetic in ints.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dyadic:
    """An array equal to ``ints * 2**exp`` exactly (``ints`` an object array of ints)."""

    ints: np.ndarray
    exp: int

    def shifted(self, exp: int) -> np.ndarray:
        """The same values as ints at the (smaller or equal) exponent ``exp``."""
        if exp > self.exp:
            raise ValueError("can only shift to a smaller exponent")
        s = self.exp - exp
        return self.ints * (1 << s) if s else self.ints


def float_parts(a: np.ndarray | Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """(m, e) int64 arrays of the shape of ``a`` with a = m * 2**e exactly, |m| < 2**53."""
    arr = np.asarray(a, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise InvalidCertificate("exact check needs finite numbers; found NaN or inf")
    mant, ex = np.frexp(arr)  # arr = mant * 2**ex, 0.5 <= |mant| < 1
    return (mant * 2.0**53).astype(np.int64), ex.astype(np.int64) - 53  # exact: 53-bit mantissas


def dyadic(a: np.ndarray | Iterable[float]) -> Dyadic:
    """Exact dyadic form of a float array (every double is ``m * 2**e`` with integer m)."""
    arr = np.asarray(a, dtype=float).reshape(-1)
    m_int, e = float_parts(arr)
    nz = m_int != 0
    e_min = int(e[nz].min()) if nz.any() else 0
    shifts = np.where(nz, e - e_min, 0)
    # Python ints (object dtype) so that the shifted values never overflow
    ints = np.left_shift(m_int.astype(object), shifts.astype(object))
    return Dyadic(np.asarray(ints, dtype=object).reshape(arr.shape), e_min)


def dyadic_to_fraction(value: int, exp: int) -> Fraction:
    """The rational ``value * 2**exp``."""
    return Fraction(value) * (Fraction(2) ** exp)
