"""Exact complex enclosures over Q(i): discs with Gaussian-rational centres and rational radii.

A :class:`Disc` ``(c, r)`` stands for the set {z in C : |z - c| <= r}, with c = a + b i,
a, b, r :class:`fractions.Fraction`.  Every operation returns a disc that contains all
results of the operation on members of its arguments (midpoint-radius arithmetic:
(a + D(r)) (b + D(s)) is inside ab + D(|a| s + |b| r + r s)); after each operation the
centre is rounded to ``2^-BITS`` and the rounding error is added to the radius, so
denominators stay bounded.  Moduli enter only through :func:`mod_up`, an exact rational
upper bound (|a + b i| <= u iff a^2 + b^2 <= u^2 and u >= 0, checked by integer square
roots).  No floating-point number is involved.

:func:`hull_gauge_bound` is the exact membership test of the balanced complex polytope
certificate: an upper bound on the gauge of x in absco{v_k} from a Gaussian-rational
representation, with the coefficients on a basis of vertices solved exactly so that the
residual at the centres is exactly zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import isqrt

BITS = 192
"""Centres are rounded to multiples of 2^-BITS; radii are rounded up to them."""
_SCALE = 1 << BITS
GQ = tuple[Fraction, Fraction]
ZERO = Fraction(0)


def mod_up(re: Fraction, im: Fraction, bits: int = 96) -> Fraction:
    """An exact rational u >= |re + im i| (u = ceil(2^bits sqrt(re^2 + im^2)) / 2^bits)."""
    q = re * re + im * im
    if q == 0:
        return ZERO
    scaled = q * (1 << (2 * bits))
    n = -((-scaled.numerator) // scaled.denominator)  # ceil
    t = isqrt(n)
    if t * t < n:
        t += 1
    return Fraction(t, 1 << bits)


def _round(x: Fraction) -> Fraction:
    """x rounded to the nearest multiple of 2^-BITS."""
    if x.denominator <= _SCALE and _SCALE % x.denominator == 0:
        return x
    return Fraction(round(x * _SCALE), _SCALE)


def _up(x: Fraction) -> Fraction:
    """The least multiple of 2^-BITS that is >= x."""
    if x.denominator <= _SCALE and _SCALE % x.denominator == 0:
        return x
    s = x * _SCALE
    return Fraction(-((-s.numerator) // s.denominator), _SCALE)


@dataclass(frozen=True)
class Disc:
    """{z : |z - (re + im i)| <= rad}; ``rad`` >= 0."""

    re: Fraction
    im: Fraction
    rad: Fraction = ZERO

    @staticmethod
    def make(re: Fraction, im: Fraction, rad: Fraction) -> Disc:
        """A disc containing (re + im i) + D(rad), centre rounded, radius rounded up."""
        r2, i2 = _round(re), _round(im)
        err = abs(re - r2) + abs(im - i2)  # >= the modulus of the rounding error
        return Disc(r2, i2, _up(rad + err))

    def __add__(self, o: Disc) -> Disc:
        return Disc.make(self.re + o.re, self.im + o.im, self.rad + o.rad)

    def __sub__(self, o: Disc) -> Disc:
        return Disc.make(self.re - o.re, self.im - o.im, self.rad + o.rad)

    def __mul__(self, o: Disc) -> Disc:
        rad = self.modulus_up() * o.rad + o.modulus_up() * self.rad + self.rad * o.rad
        return Disc.make(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re, rad)

    def scale(self, s: Fraction) -> Disc:
        """s times the disc, s an exact rational."""
        return Disc.make(self.re * s, self.im * s, self.rad * abs(s))

    def conj(self) -> Disc:
        return Disc(self.re, -self.im, self.rad)

    def modulus_up(self) -> Fraction:
        """A rational upper bound on |centre|."""
        return mod_up(self.re, self.im)

    def excludes_zero(self) -> bool:
        """Exact: 0 is not in the disc (rad^2 < re^2 + im^2)."""
        return self.rad * self.rad < self.re * self.re + self.im * self.im


def disc_matvec(a: list[list[Fraction]], x: list[Disc]) -> list[Disc]:
    """A rational matrix times a disc vector."""
    out = []
    for row in a:
        acc = Disc(ZERO, ZERO)
        for aij, xj in zip(row, x, strict=True):
            if aij != 0:
                acc = acc + xj.scale(aij)
        out.append(acc)
    return out


def _gmul(a: GQ, b: GQ) -> GQ:
    return (a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0])


def _gdiv(a: GQ, b: GQ) -> GQ:
    d = b[0] * b[0] + b[1] * b[1]
    return ((a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d)


def gaussian_inverse(w: list[list[GQ]]) -> list[list[GQ]] | None:
    """The exact inverse of a Gaussian-rational matrix (Gauss-Jordan), or None if singular."""
    n = len(w)
    a = [list(row) + [(Fraction(int(i == j)), ZERO) for j in range(n)] for i, row in enumerate(w)]
    for c in range(n):
        p = next((r for r in range(c, n) if a[r][c] != (ZERO, ZERO)), None)
        if p is None:
            return None
        a[c], a[p] = a[p], a[c]
        piv = a[c][c]
        a[c] = [_gdiv(x, piv) for x in a[c]]
        for r in range(n):
            if r != c and a[r][c] != (ZERO, ZERO):
                f = a[r][c]
                a[r] = [(x[0] - y[0], x[1] - y[1]) for x, y in
                        zip(a[r], (_gmul(f, z) for z in a[c]), strict=True)]
    return [row[n:] for row in a]


@dataclass(frozen=True)
class BasisData:
    """A basis W of vertices (disc columns): exact inverse of the centres, its entrywise
    moduli bounded above, and eta >= ||W_c^(-1) (W - W_c)||_1 for every W in the discs."""

    basis: tuple[int, ...]
    inverse: list[list[GQ]]
    inv_abs: list[list[Fraction]]
    eta: Fraction


def basis_data(verts: list[list[Disc]], basis: list[int]) -> BasisData | None:
    """The exact data of a vertex basis, or None when the centres are singular or eta >= 1."""
    n = len(verts[0])
    wc = [[(verts[b][r].re, verts[b][r].im) for b in basis] for r in range(n)]
    inv = gaussian_inverse(wc)
    if inv is None:
        return None
    inv_abs = [[_up(mod_up(*z)) for z in row] for row in inv]
    eta = ZERO
    for b in basis:  # column b of F = W_c^(-1) (W - W_c): sum_r sum_t |W_c^(-1)|_rt rad_bt
        col = sum((inv_abs[r][t] * verts[b][t].rad for r in range(n) for t in range(n)), ZERO)
        eta = max(eta, col)
    if not eta < 1:
        return None
    return BasisData(tuple(basis), inv, inv_abs, eta)


def hull_gauge_bound(x: list[Disc], verts: list[list[Disc]], coeffs: list[tuple[int, GQ]],
                     bd: BasisData) -> Fraction:
    """An exact upper bound on the gauge of every point of the disc vector x in the balanced
    complex hull absco{v_k} (v_k any point of the vertex discs).

    ``coeffs`` are Gaussian rationals c_k on non-basis vertices; the basis coefficients are
    c_B = W_c^(-1) (x_c - sum_k c_k v_k,c), exact, so that x_c = sum_k c_k v_k,c + W_c c_B
    holds with zero residual.  For the true points, with e >= |x - x_c| + sum |c_k| |v_k -
    v_k,c| (entrywise), d = W_c^(-1) (b - b_c) and F = W_c^(-1) (W - W_c) (||F||_1 <= eta),
    the true basis coefficients are y = (I + F)^(-1) (c_B + d), so
    ||y - c_B||_1 <= (||d||_1 + eta ||c_B||_1) / (1 - eta) and

        gauge(x) <= sum_k |c_k| + ||c_B||_1 + (||W_c^(-1)| e|_1 + eta ||c_B||_1) / (1 - eta).
    """
    n = len(x)
    basis = set(bd.basis)
    b = [(d.re, d.im) for d in x]
    e = [d.rad for d in x]
    total = ZERO
    for k, c in coeffs:
        if k in basis:
            raise ValueError(f"a coefficient on basis vertex {k} (basis coefficients are solved)")
        m = mod_up(*c)
        total += m
        for r in range(n):
            v = verts[k][r]
            p = _gmul(c, (v.re, v.im))
            b[r] = (b[r][0] - p[0], b[r][1] - p[1])
            e[r] += m * v.rad
    cb_norm = ZERO
    for row in bd.inverse:
        re = sum((z[0] * y[0] - z[1] * y[1] for z, y in zip(row, b, strict=True)), ZERO)
        im = sum((z[0] * y[1] + z[1] * y[0] for z, y in zip(row, b, strict=True)), ZERO)
        cb_norm += mod_up(re, im)
    d_norm = sum((bd.inv_abs[r][t] * e[t] for r in range(n) for t in range(n)), ZERO)
    return total + cb_norm + (d_norm + bd.eta * cb_norm) / (1 - bd.eta)


__all__ = ["BITS", "BasisData", "Disc", "basis_data", "disc_matvec", "gaussian_inverse",
           "hull_gauge_bound", "mod_up"]
