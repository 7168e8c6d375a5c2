"""Reading and validating a user-supplied kernel K and replay distribution rho.

File formats for ``certify ntk check K --rho RHO``:

* ``.npy``: one array;
* ``.npz``: the array under the key ``K`` (kernel) or ``rho`` (distribution), or the only
  array in the file;
* ``.json``: a nested list, or a mapping with the key ``K`` / ``rho``; entries may be numbers
  or strings ``"p/q"`` (then the check is done on those exact rationals);
* ``.csv``: comma-separated numbers, one row per line (a distribution on one line or one
  column).

Floats are used exactly as the doubles they are (dyadic rationals); nothing is
renormalised, symmetrised or clipped.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from certify.errors import InvalidCertificate, InvalidInput
from certify.exact import as_fraction, fraction_array
from certify.mdp.validate import as_real_array, check_distribution
from certify.tolerance import SYMMETRY_RTOL

SUFFIXES = (".npy", ".npz", ".json", ".csv")
PSD_RTOL = 1e-9
"""A float eigenvalue below -PSD_RTOL * max|eig| draws a warning: an NTK is PSD."""


class NotPSDWarning(UserWarning):
    """The kernel has a clearly negative eigenvalue, so it is not a true NTK."""


def load_array(path: str | Path, key: str) -> np.ndarray:
    """Read an array from .npy/.npz/.json/.csv; JSON strings become exact Fractions."""
    p = Path(path)
    field = f"{key} file {str(path)!r}"
    if p.suffix.lower() not in SUFFIXES:
        raise InvalidInput(f"{field}: unsupported suffix {p.suffix!r}; expected one of "
                           f"{', '.join(SUFFIXES)}")
    if not p.is_file():
        raise InvalidInput(f"{field}: no such file")
    suffix = p.suffix.lower()
    from certify.limits import check
    from certify.safeio import check_npz, load_json, read_text

    if suffix == ".npz":
        check_npz(p, f"{key} file")  # sizes from the headers, before decompressing
    elif suffix != ".json":
        check("file_bytes", p.stat().st_size, field)
    try:
        if suffix == ".npy":
            return np.load(p, allow_pickle=False)
        if suffix == ".npz":
            with np.load(p, allow_pickle=False) as z:
                names = list(z.files)
                if key in names:
                    return z[key]
                if len(names) == 1:
                    return z[names[0]]
                raise InvalidInput(f"{field}: expected an array named {key!r} (or a single "
                                   f"array); found {names}")
        if suffix == ".csv":
            return np.loadtxt(p, delimiter=",", dtype=float, ndmin=2)
        data = load_json(read_text(p, f"{key} file"), field)
    except (OSError, ValueError) as exc:
        if isinstance(exc, InvalidInput):
            raise
        raise InvalidInput(f"{field}: cannot read the file ({exc})") from exc
    if isinstance(data, dict):
        if key not in data:
            raise InvalidInput(f"{field}: expected a key {key!r}; found keys {sorted(data)}")
        data = data[key]
    return json_array(data, field)


def json_array(data: object, field: str) -> np.ndarray:
    """Nested lists of numbers (-> float array) or with "p/q" strings (-> Fractions)."""
    flat = np.asarray(data, dtype=object).reshape(-1)
    if any(isinstance(v, str) for v in flat):
        try:
            return fraction_array(np.asarray(data, dtype=object))
        except (InvalidCertificate, ValueError) as exc:
            raise InvalidInput(f"{field}: {exc}") from exc
    return as_real_array(data, field)


@dataclass(frozen=True)
class KernelData:
    """A validated kernel problem: exact K, rho, gamma, alpha and diagnostics."""

    k: np.ndarray
    rho: np.ndarray
    gamma: Fraction
    alpha: Fraction
    exact_rationals: bool
    asymmetry: float
    min_eigenvalue: float | None


def exact_param(value: object, field: str, low: float, high: float | None,
                low_closed: bool, high_closed: bool = False) -> Fraction:
    """A scalar parameter as an exact rational, checked against its range."""
    try:
        if isinstance(value, bool):
            raise InvalidCertificate("boolean")
        x = as_fraction(value)  # type: ignore[arg-type]
    except InvalidCertificate as exc:
        raise InvalidInput(f"{field}: expected a finite number, found {value!r}") from exc
    lo_ok = x >= low if low_closed else x > low
    hi_ok = True if high is None else (x <= high if high_closed else x < high)
    if not (lo_ok and hi_ok):
        lb = "[" if low_closed else "("
        rb = "]" if high_closed else ")"
        hi = "inf" if high is None else f"{high:g}"
        raise InvalidInput(f"{field} = {value!r} is outside {lb}{low:g}, {hi}{rb}")
    return x


def _as_matrix(k: object, field: str) -> np.ndarray:
    arr = np.asarray(k, dtype=object) if isinstance(k, np.ndarray) and k.dtype == object else None
    if arr is None:
        arr = as_real_array(k, field)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise InvalidInput(f"{field}: expected a non-empty square matrix (n, n) but found shape "
                           f"{arr.shape}")
    return arr


EIGVALSH_MAX_N = 400
"""Up to this size the smallest eigenvalue is computed; above, a Cholesky screen is used."""


def psd_screen(kf: np.ndarray, rho: np.ndarray | None = None) -> float | None:
    """Warn (:class:`NotPSDWarning`) when a float kernel is clearly not PSD.

    First a free test: if rho > 0 and K D_rho is diagonally dominant with a nonnegative
    diagonal (the regime where (17) holds), Gershgorin's theorem puts every eigenvalue of
    K D_rho, which is similar to the symmetric D^(1/2) K D^(1/2), in [0, inf), so K is PSD
    and None is returned.  Then:
    Small kernels (n <= :data:`EIGVALSH_MAX_N`): the smallest eigenvalue, warned about when
    below -PSD_RTOL max|eig|.  Larger ones: a Cholesky factorisation of K + s I with
    s = PSD_RTOL ||K||_inf (||K||_inf bounds every |eig|) is some 10 times cheaper than the
    eigenvalues; when it succeeds no eigenvalue lies clearly below 0 and None is returned,
    otherwise the smallest eigenvalue is computed for the warning.  This is a diagnostic only:
    Theorem 2 does not need K to be PSD.
    """
    import scipy.linalg

    n = kf.shape[0]
    if rho is not None and n > EIGVALSH_MAX_N and np.all(rho > 0):
        w = np.diag(kf) * rho
        off = np.abs(kf) @ rho - np.abs(np.diag(kf)) * rho
        if np.all(w >= 0) and np.all(off <= w * (1 - 1e-9)):
            return None
    sym = (kf + kf.T) / 2.0
    if n > EIGVALSH_MAX_N:
        shift = PSD_RTOL * max(float(np.abs(sym).sum(axis=1).max()), 1e-300)
        sym[np.diag_indices(n)] += shift
        try:
            scipy.linalg.cholesky(sym, lower=True, overwrite_a=True, check_finite=False)
            return None
        except np.linalg.LinAlgError:
            sym = (kf + kf.T) / 2.0
    eig = np.linalg.eigvalsh(sym)
    min_eig = float(eig[0])
    if min_eig < -PSD_RTOL * max(float(np.abs(eig).max()), 1e-300):
        warnings.warn(f"K is not positive semidefinite: its smallest eigenvalue is "
                      f"{min_eig:.6g}; a true NTK is PSD (Theorem 2 is still evaluated)",
                      NotPSDWarning, stacklevel=3)
    return min_eig


def _check_nonnegative_exactly(rv: np.ndarray) -> None:
    """Theorem 2's beta(K) uses |K_ij| rho_j = |K_ij rho_j|, true only for rho_j >= 0: an entry
    below 0 is refused even when the distribution tolerance lets it through."""
    for i, v in enumerate(rv.tolist()):
        if as_fraction(v) < 0:
            raise InvalidInput(f"rho[{i}] = {v!s} is negative; Theorem 2 needs rho >= 0 exactly "
                               "(nothing is clipped)")


def validate_kernel(k: object, rho: object, gamma: object, alpha: object) -> KernelData:
    """Validate the inputs of Theorem 2; errors name the field, the value and the expectation.

    Raises
    ------
    InvalidInput
        K not square or not symmetric (with the size of the asymmetry), rho not a probability
        vector of length n, gamma outside [0, 1), alpha not > 0.
    Warns
    -----
    NotPSDWarning
        K has a clearly negative eigenvalue (a true NTK is positive semidefinite).
    """
    km = _as_matrix(k, "K")
    n = km.shape[0]
    rv = rho if isinstance(rho, np.ndarray) and rho.dtype == object else as_real_array(rho, "rho")
    rv = np.asarray(rv).reshape(-1) if np.ndim(rv) == 2 and 1 in np.shape(rv) else np.asarray(rv)
    if rv.ndim != 1 or rv.shape[0] != n:
        raise InvalidInput(f"rho: expected a vector of length n = {n} (the size of K) but found "
                           f"shape {rv.shape}")
    check_distribution(rv.astype(float), "rho")
    _check_nonnegative_exactly(rv)
    g = exact_param(gamma, "gamma", 0.0, 1.0, True)
    a = exact_param(alpha, "alpha", 0.0, None, False)
    try:
        kf = km.astype(float, copy=False)
    except OverflowError as exc:
        raise InvalidInput("K: an exact entry is beyond the double range (|K_ij| > 1.8e308); "
                           "expected entries a double can hold") from exc
    if km.dtype == object:
        diff = np.abs((km - km.T).astype(float))
    else:
        diff = np.abs(kf - kf.T)
    asym = float(diff.max())
    scale = max(1.0, float(np.abs(kf).max()))
    if asym > SYMMETRY_RTOL * scale:
        i, j = (int(v) for v in np.unravel_index(int(diff.argmax()), diff.shape))
        raise InvalidInput(f"K is not symmetric: max |K_ij - K_ji| = {asym:.6g} at (i, j) = "
                           f"({i}, {j}) (K_ij = {float(kf[i, j])!r}, K_ji = {float(kf[j, i])!r}); expected "
                           f"<= {SYMMETRY_RTOL:g} * max(1, max|K|) = {SYMMETRY_RTOL * scale:.3g}")
    min_eig = psd_screen(kf, np.asarray(rv, dtype=float))
    return KernelData(km, rv, g, a, km.dtype == object or rv.dtype == object, asym, min_eig)
