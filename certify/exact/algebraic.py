"""Exact arithmetic in Q(rho) for a real algebraic number rho > 0, and exact signs.

rho is given by a monic polynomial m in Q[x] of degree D and a rational interval
[lo, hi] with 0 < lo that holds exactly one root of m; m need not be irreducible.  An
element of Q(rho) is a polynomial q of degree < D (its value is q(rho)); every identity
computed modulo m holds at rho because m(rho) = 0.

Vectors of Q(rho)^n are stored as an integer array ``num`` of shape (n, D) and one
positive integer denominator, so products with rational matrices are integer matrix
products (no gcd per operation).

Signs are exact.  For positive x, q(x) = q_+(x) - q_-(x) with q_+ and q_- having
nonnegative coefficients, both increasing, so q(rho) lies in
[q_+(lo) - q_-(hi), q_+(hi) - q_-(lo)]; when that interval contains 0, q(rho) = 0 is decided
by g = gcd(q, m) having a root in [lo, hi] (Sturm count), and otherwise [lo, hi] is
bisected (m changes sign at its only, simple, root in the interval) until the sign shows.
(Root isolation and Sturm counts: Collins and Akritas 1976; the field arithmetic is the
standard representation of Q[x]/(m), e.g. Cohen, *A Course in Computational Algebraic
Number Theory*, Springer 1993, Sec. 4.2.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from certify.exact.polynomials import X

MAX_BISECTIONS = 4000


def _lcm(values) -> int:
    out = 1
    for v in values:
        out = out * v // math.gcd(out, v)
    return out


@dataclass
class RealAlgebraic:
    """rho: the only root of the monic ``poly`` (coefficients low to high) in [lo, hi]."""

    poly: tuple[Fraction, ...]
    lo: Fraction
    hi: Fraction

    @property
    def degree(self) -> int:
        return len(self.poly) - 1

    def sympy_poly(self) -> sp.Poly:
        return sp.Poly([sp.Rational(c.numerator, c.denominator) for c in reversed(self.poly)], X,
                       domain="QQ")

    def problem(self) -> str | None:
        """Why (poly, [lo, hi]) does not define one positive real number, or None."""
        if self.degree < 1 or self.poly[-1] != 1:
            return "the polynomial must be monic of degree >= 1"
        if not 0 < self.lo <= self.hi:
            return f"the interval [{self.lo}, {self.hi}] must satisfy 0 < lo <= hi"
        p = self.sympy_poly()
        if sp.degree(sp.gcd(p, p.diff(X)), X) > 0:
            return "the polynomial is not squarefree"
        if p.count_roots(sp.Rational(self.lo), sp.Rational(self.hi)) != 1:
            return "the interval does not hold exactly one root"
        return None

    # --- arithmetic ---------------------------------------------------------------------

    def _int_poly(self) -> tuple[list[int], int]:
        """m = (ints) / den with integer coefficients."""
        den = _lcm(c.denominator for c in self.poly)
        return [int(c * den) for c in self.poly], den

    def times_x(self, num: np.ndarray, den: int) -> tuple[np.ndarray, int]:
        """(num/den) * x reduced modulo m (num has shape (..., D))."""
        mi, md = self._int_poly()
        D = self.degree
        top = num[..., D - 1]
        out = np.zeros_like(num)
        out[..., 1:] = num[..., : D - 1] * md
        for k in range(D):
            out[..., k] = out[..., k] - top * mi[k]
        return _normal(out, den * md)

    def over_x(self, num: np.ndarray, den: int) -> tuple[np.ndarray, int]:
        """(num/den) / x modulo m (needs m(0) != 0): x^(-1) = -(m(x) - m(0)) / (x m(0))."""
        mi, _ = self._int_poly()
        m0 = mi[0]
        if m0 == 0:
            raise ZeroDivisionError("x is not invertible modulo m (m(0) = 0)")
        D = self.degree
        c0 = num[..., 0]
        out = np.zeros_like(num)
        out[..., : D - 1] = num[..., 1:] * m0
        for k in range(D):
            out[..., k] = out[..., k] - c0 * mi[k + 1]
        sign = -1 if m0 < 0 else 1
        return _normal(out * sign, den * abs(m0))

    def power_x(self, k: int) -> tuple[np.ndarray, int]:
        """x^k modulo m as a (D,) coefficient vector."""
        num = np.array([1] + [0] * (self.degree - 1), dtype=object)
        den = 1
        for _ in range(k):
            num, den = self.times_x(num, den)
        return num, den

    # --- signs --------------------------------------------------------------------------

    def refine(self, width: Fraction) -> None:
        """Bisect [lo, hi] until hi - lo <= width.

        rho may be an end of the interval (``problem()`` counts roots in the closed
        interval): then the interval shrinks to that end, since bisecting by the sign at an
        end that is itself the root would keep the wrong half."""
        p = self.sympy_poly()
        for end in (self.lo, self.hi):
            if p.eval(sp.Rational(end)) == 0:
                self.lo = self.hi = end
                return
        for _ in range(MAX_BISECTIONS):
            if self.hi - self.lo <= width:
                return
            mid = (self.lo + self.hi) / 2
            v_mid = p.eval(sp.Rational(mid))
            if v_mid == 0:
                self.lo = self.hi = mid
                return
            if (v_mid > 0) == (p.eval(sp.Rational(self.lo)) > 0):
                self.lo = mid
            else:
                self.hi = mid

    def sign(self, coeffs: np.ndarray) -> int:
        """Exact sign of q(rho), q given by integer (or Fraction) coefficients low to high."""
        c = [Fraction(v) for v in coeffs]
        if not any(c):
            return 0
        for _ in range(MAX_BISECTIONS):
            lo, hi = self.lo, self.hi
            pos = [max(v, 0) for v in c]
            neg = [max(-v, 0) for v in c]
            low = _eval(pos, lo) - _eval(neg, hi)
            high = _eval(pos, hi) - _eval(neg, lo)
            if low > 0:
                return 1
            if high < 0:
                return -1
            if self._is_root_of(c):
                return 0
            self.refine((hi - lo) / 1024)
        raise ArithmeticError("sign undecided after the bisection budget")

    def _is_root_of(self, c: list[Fraction]) -> bool:
        q = sp.Poly([sp.Rational(v.numerator, v.denominator) for v in reversed(c)], X, domain="QQ")
        g = sp.Poly(sp.gcd(q, self.sympy_poly()), X, domain="QQ")
        return g.degree() > 0 and g.count_roots(sp.Rational(self.lo), sp.Rational(self.hi)) >= 1

    def to_json(self) -> dict:
        return {"poly": [str(c) for c in self.poly], "interval": [str(self.lo), str(self.hi)]}

    @classmethod
    def from_json(cls, data: dict) -> RealAlgebraic:
        lo, hi = (Fraction(str(v)) for v in data["interval"])
        return cls(tuple(Fraction(str(c)) for c in data["poly"]), lo, hi)


def _eval(coeffs: list[Fraction], x: Fraction) -> Fraction:
    acc = Fraction(0)
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


def _normal(num: np.ndarray, den: int) -> tuple[np.ndarray, int]:
    """Divide numerators and denominator by their common gcd."""
    g = den
    for v in num.reshape(-1):
        if g == 1:
            break
        g = math.gcd(g, int(v))
    if g > 1:
        num = np.array([int(v) // g for v in num.reshape(-1)], dtype=object).reshape(num.shape)
        den //= g
    return num, den


def int_matrix(a: np.ndarray) -> tuple[np.ndarray, int]:
    """A Fraction matrix as (integer matrix, positive integer denominator)."""
    flat = [Fraction(v) for v in np.asarray(a, dtype=object).reshape(-1)]
    den = _lcm(v.denominator for v in flat)
    ints = np.array([int(v * den) for v in flat], dtype=object).reshape(np.shape(a))
    return ints, den


def apply(a_int: np.ndarray, a_den: int, num: np.ndarray, den: int) -> tuple[np.ndarray, int]:
    """(A) (num/den) for A = a_int / a_den: an integer matrix product on every coefficient."""
    return _normal(a_int.dot(num), den * a_den)


def minimal_rate(charpoly: sp.Poly, lam_lo: Fraction, lam_hi: Fraction, k: int,
                 rho_float: float) -> RealAlgebraic | None:
    """rho = lambda^(1/k) as a RealAlgebraic, lambda > 0 the root of ``charpoly`` in
    [lam_lo, lam_hi]: m(x) = f(x^k) for the irreducible factor f of ``charpoly`` vanishing
    at lambda, made monic; the interval isolates the positive root near ``rho_float``."""
    if not rho_float > 0:
        return None
    a, b = sp.Rational(lam_lo), sp.Rational(lam_hi)
    f = next((g for g, _ in charpoly.factor_list()[1] if g.count_roots(a, b) >= 1), None)
    if f is None or f.eval(0) == 0:
        return None
    m = sp.Poly(f.as_expr().subs(X, X**k), X, domain="QQ").monic()
    eps = sp.Rational(Fraction(rho_float) * Fraction(1, 10**18))
    best = None
    for (lo, hi), _mult in m.intervals(eps=eps, inf=0):
        lo, hi = Fraction(int(sp.Rational(lo).p), int(sp.Rational(lo).q)), \
            Fraction(int(sp.Rational(hi).p), int(sp.Rational(hi).q))
        if lo > 0 and (best is None or abs(float(lo) - rho_float) < abs(float(best[0]) - rho_float)):
            best = (lo, hi)
    if best is None:
        return None
    coeffs = tuple(Fraction(int(sp.Rational(c).p), int(sp.Rational(c).q))
                   for c in reversed(m.all_coeffs()))
    return RealAlgebraic(coeffs, best[0], best[1])


__all__ = ["RealAlgebraic", "apply", "int_matrix", "minimal_rate"]
