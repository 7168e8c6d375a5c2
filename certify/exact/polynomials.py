"""Rigorous enclosures of a rational matrix's spectral radius (no float eigenvalue trusted).

The characteristic polynomial of a rational matrix M is computed exactly over QQ (sympy's
``DomainMatrix.charpoly``).  A root region is then an exact object:

* a real interval [a, b] with rational ends that contains a root (Sturm count, sympy
  ``Poly.count_roots``) and avoids 0 gives rho(M) >= min(|a|, |b|);
* a rectangle with rational corners containing a complex root (sympy's exact count of
  roots in a rectangle) gives rho(M)^2 >= the squared distance from 0 to the rectangle.

Either way the bound is a rational number checked in exact arithmetic; the float
eigenvalue only says where to look.  (Root isolation: Collins and Akritas, 1976; sympy's
``Poly.intervals`` implements real and complex isolation.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp
from sympy.polys.domains import QQ
from sympy.polys.matrices import DomainMatrix

X = sp.Symbol("x")


def exact_charpoly(m: np.ndarray) -> sp.Poly:
    """Characteristic polynomial det(x I - M) of a Fraction matrix, exactly over QQ."""
    arr = np.asarray(m, dtype=object)
    n = arr.shape[0]
    rows = [[QQ(int(v.numerator), int(v.denominator)) for v in row] for row in arr]
    coeffs = DomainMatrix(rows, (n, n), QQ).charpoly()
    return sp.Poly([sp.Rational(int(c.numerator), int(c.denominator)) for c in coeffs], X,
                   domain="QQ")


def _frac(r) -> Fraction:
    r = sp.Rational(r)
    return Fraction(int(r.p), int(r.q))


@dataclass(frozen=True)
class RootRegion:
    """An exact region holding a root of the characteristic polynomial.

    ``lo``/``hi`` are the real interval ends (``im_lo``/``im_hi`` the imaginary ones for a
    rectangle; both 0 for a real interval).
    """

    re_lo: Fraction
    re_hi: Fraction
    im_lo: Fraction = Fraction(0)
    im_hi: Fraction = Fraction(0)

    @property
    def is_real(self) -> bool:
        return self.im_lo == 0 and self.im_hi == 0

    def min_modulus_squared(self) -> Fraction:
        """Exact squared distance from 0 to the region."""
        def gap(lo: Fraction, hi: Fraction) -> Fraction:
            if lo <= 0 <= hi:
                return Fraction(0)
            return min(abs(lo), abs(hi))
        return gap(self.re_lo, self.re_hi) ** 2 + gap(self.im_lo, self.im_hi) ** 2

    def to_json(self) -> list[str]:
        return [str(self.re_lo), str(self.re_hi), str(self.im_lo), str(self.im_hi)]

    @classmethod
    def from_json(cls, data: list) -> RootRegion:
        a, b, c, d = (Fraction(str(v)) for v in data)
        return cls(a, b, c, d)


def region_contains_root(poly: sp.Poly, region: RootRegion) -> bool:
    """Exact: does the closed region contain at least one root of ``poly``?"""
    if region.re_lo > region.re_hi or region.im_lo > region.im_hi:
        return False
    if region.is_real and _sign_change(poly, region.re_lo, region.re_hi):
        return True  # intermediate value theorem: exact, and instant where Sturm is not
    a, b = sp.Rational(region.re_lo), sp.Rational(region.re_hi)
    if region.is_real:
        return poly.count_roots(a, b) >= 1
    lo = a + sp.I * sp.Rational(region.im_lo)
    hi = b + sp.I * sp.Rational(region.im_hi)
    try:
        return poly.count_roots(lo, hi) >= 1
    except NotImplementedError:  # a root on the rectangle's corner: sympy cannot count
        return False


def _poly_value(poly: sp.Poly, x: Fraction) -> Fraction:
    """The exact value of a rational polynomial at ``x`` (Horner's rule in Fractions)."""
    acc = Fraction(0)
    for c in poly.all_coeffs():
        r = sp.Rational(c)
        acc = acc * x + Fraction(int(r.p), int(r.q))
    return acc


def _sign_change(poly: sp.Poly, a: Fraction, b: Fraction) -> bool:
    """True when the real polynomial vanishes at ``a`` or ``b`` or takes opposite signs there
    (so it has a root in [a, b]); evaluated exactly by Horner's rule in rationals."""
    va, vb = _poly_value(poly, a), _poly_value(poly, b)
    return va == 0 or vb == 0 or (va < 0) != (vb < 0)


def real_root_region(m: np.ndarray, value: float) -> RootRegion | None:
    """An exact interval around the real float eigenvalue ``value`` of the rational matrix
    ``m`` holding a root of its characteristic polynomial (proved by a sign change), or
    None.  Cheap: no root isolation, so usable as a first lower bound under a tight budget."""
    return _real_root_by_sign_change(exact_charpoly(m), complex(value), Fraction(1),
                                     abs(float(value)), 1e-15)


def _real_root_by_sign_change(poly: sp.Poly, target: complex, scale: Fraction, rho: float,
                              rel_eps: float) -> RootRegion | None:
    """A tight interval around the float eigenvalue ``target * scale`` when it is real, with
    a root proved by an exact sign change of ``poly`` (the intermediate value theorem): the
    same bound as sympy's isolation at a fraction of its cost on large rational
    coefficients.  None when the target is complex or no sign change is seen."""
    if not rho > 0 or abs(complex(target).imag) > 1e-12 * rho:
        return None
    centre = Fraction(float(complex(target).real)) * scale
    for guess in (centre, centre.limit_denominator(10**6)):  # a rational root, exactly
        if guess != 0 and _poly_value(poly, guess) == 0:
            return RootRegion(guess, guess)
    for rel in (max(rel_eps, 2.0**-52) * 4, 1e-12, 1e-9, 1e-6):
        half = abs(centre) * Fraction(rel)
        a, b = centre - half, centre + half
        if a <= 0 <= b:
            return None
        if _sign_change(poly, a, b):
            return RootRegion(a, b)
    return None


def _countable(poly: sp.Poly, reg: RootRegion) -> RootRegion | None:
    """``reg`` or a slightly enlarged copy on which sympy's exact count works."""
    size = max(abs(reg.re_lo), abs(reg.re_hi), abs(reg.im_lo), abs(reg.im_hi))
    width = max(reg.re_hi - reg.re_lo, reg.im_hi - reg.im_lo, size * Fraction(1, 10**30))
    if width == 0:
        width = Fraction(1, 10**30)
    for t in range(6):
        e = width * Fraction(3**t, 7)
        cand = reg if t == 0 else RootRegion(reg.re_lo - e, reg.re_hi + e, reg.im_lo - e,
                                             reg.im_hi + e)
        if region_contains_root(poly, cand):
            return cand
    return None


def dominant_root_region(m: np.ndarray, rel_eps: float = 1e-15) -> tuple[sp.Poly, RootRegion]:
    """An exact region around a root of largest modulus of det(x I - M).

    The float eigenvalues pick the target; the region comes from sympy's exact isolation,
    refined until its width is below ``rel_eps`` times the root's modulus.
    """
    poly = exact_charpoly(m)
    # floats of M / 2^e, max |entry| near 1: no overflow or underflow at any magnitude
    flat = [abs(Fraction(v)) for v in np.asarray(m, dtype=object).reshape(-1)]
    top = max(flat, default=Fraction(0))
    e = top.numerator.bit_length() - top.denominator.bit_length() if top else 0
    scale = Fraction(2) ** e
    mf = np.array([[float(Fraction(v) / scale) for v in row] for row in np.asarray(m, dtype=object)])
    ev = np.linalg.eigvals(mf) if mf.size else np.zeros(0)
    target = ev[int(np.argmax(np.abs(ev)))] if ev.size else 0.0
    rho = float(abs(target))  # the float spectral radius of M / 2^e
    # isolate to rel_eps of the root (of the matrix scale when the float radius is 0)
    eps = sp.Rational(Fraction(max(rho, 1e-3) * rel_eps) * scale)
    sqf = sp.Poly(sp.quo(poly, sp.gcd(poly, poly.diff(X))), X, domain="QQ")
    real = sqf.intervals(eps=eps)
    best: RootRegion | None = None
    best_val = Fraction(-1)
    for (a, b), _mult in real:
        reg = RootRegion(_frac(a), _frac(b))
        v = reg.min_modulus_squared()
        if v > best_val:
            best, best_val = reg, v
    # a complex root is needed only when it is strictly larger than every real root
    has_complex = abs(getattr(target, "imag", 0.0)) > 1e-12 * max(rho, 1e-300)
    if has_complex and float(best_val / scale**2) < rho**2 * (1 - 1e-9):
        for item in sqf.intervals(all=True, eps=eps)[1]:
            (lo, hi), _mult = item
            lo, hi = sp.expand(lo), sp.expand(hi)  # Gaussian rationals a + b I
            reg = _countable(sqf, RootRegion(_frac(sp.re(lo)), _frac(sp.re(hi)),
                                             _frac(sp.im(lo)), _frac(sp.im(hi))))
            if reg is None:
                continue
            v = reg.min_modulus_squared()
            if v > best_val:
                best, best_val = reg, v
    if best is None:
        best = RootRegion(Fraction(0), Fraction(0))
    return poly, best


ROOT_BITS = 64
"""Significant bits of :func:`rational_root_floor` / :func:`rational_root_ceil` (2^-64 relative)."""


def _iroot(n: int, k: int) -> int:
    """floor(n^(1/k)) for an integer n >= 0 (Newton's method in integers, from above)."""
    if n < 2:
        return n
    x = 1 << -(-n.bit_length() // k)  # 2^ceil(bits / k) >= n^(1/k)
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


def _scaled_root(value: Fraction, k: int, up: bool) -> Fraction:
    """t / 2^s with t = floor (or ceil) of (value 2^(s k))^(1/k), about ROOT_BITS bits in t.

    Exact integer arithmetic at every magnitude (a float detour would underflow to 0 below
    1e-308 and overflow above 1e308)."""
    log2 = value.numerator.bit_length() - value.denominator.bit_length()
    s = ROOT_BITS - log2 // k
    scaled = value * (Fraction(2) ** (s * k))
    n = math.ceil(scaled) if up else math.floor(scaled)
    t = _iroot(n, k)
    if up and t**k < n:
        t += 1
    return Fraction(t) / (Fraction(2) ** s)


def rational_root_floor(value: Fraction, k: int) -> Fraction:
    """A rational r >= 0 with r^k <= value, within 2^-63 relative of value^(1/k)."""
    value = Fraction(value)
    if value <= 0:
        return Fraction(0)
    return _scaled_root(value, int(k), up=False)


def rational_root_ceil(value: Fraction, k: int) -> Fraction:
    """A rational r with r^k >= value, within 2^-63 relative of value^(1/k)."""
    value = Fraction(value)
    if value <= 0:
        return Fraction(0)
    return _scaled_root(value, int(k), up=True)


def spectral_radius_float(m: np.ndarray) -> float:
    """Float spectral radius (a search aid only)."""
    ev = np.linalg.eigvals(np.asarray(m, dtype=float))
    return float(np.max(np.abs(ev))) if ev.size else 0.0


def isqrt_floor(value: Fraction) -> Fraction:
    """A rational lower bound on sqrt(value) (exact check r^2 <= value)."""
    return rational_root_floor(value, 2)


__all__ = ["RootRegion", "dominant_root_region", "exact_charpoly", "isqrt_floor",
           "rational_root_ceil", "rational_root_floor", "region_contains_root",
           "spectral_radius_float"]
