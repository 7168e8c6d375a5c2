"""Certified enclosure of sup_q ||grad h_bz(q)||_1 for the Boltzmann operator with m actions.

Setting (theory.md section 1; Lee and Na, arXiv 2404.14442): h_bz(q) = sum_a w_a q_a with
w = softmax(lam q).  Since grad h_lam(q) = (grad h_1)(lam q), the supremum does not depend on
the temperature; take lam = 1.  With y_a = q_a - h(q), grad_a h = w_a (1 + y_a) and
sum_a grad_a h = 1, so

    ||grad h(q)||_1 = 1 + 2 N(q),   N(q) = sum_a w_a (-1 - y_a)_+ = max_B F_B(q),
    F_B(q) = sum_{a in B} w_a (h - q_a - 1)    (B ranges over subsets of the actions),

because dropping a positive term or adding a negative one only lowers the sum.

Reduction to one variable (a reconstruction; the argument is ours, spelt out here).  Fix B with
b = |B| >= 1 and let G be its complement (|G| >= 1, else F_B = -W_B < 0).  Write Z_X = sum_{a in X}
e^{q_a}, W_X = Z_X / (Z_B + Z_G) and h_X = sum_{a in X} e^{q_a} q_a / Z_X (the weighted mean over
X).  Expanding h = W_G h_G + W_B h_B gives

    F_B = W_B W_G (h_G - h_B) - W_B ,

which depends on q only through (Z_G, h_G, Z_B, h_B) and increases with h_G - h_B.  With
z_a = e^{q_a}: h_G = sum_G z_a ln z_a / Z_G <= ln Z_G (each ln z_a <= ln Z_G), and by Jensen
(z ln z is convex) h_B >= ln(Z_B / b).  Both bounds are the values of h_X at the point with one
action of G at ln Z_G and the b actions of B equal to ln(Z_B / b) (the other actions of G at
weight -> 0).  Hence, with x = ln Z_G - ln(Z_B / b) and s = e^x / (e^x + b),

    F_B(q) <= phi_b(x) = (1 - s)(x s - 1),

and phi_b(x) is attained at the point with one action at x and b actions at 0.  As b grows,
s(x) decreases and phi_b(x) = (1 - s)(x s - 1) grows wherever it is positive: at fixed
t = x - ln b, phi_b = (1 - sigma(t))(sigma(t)(t + ln b) - 1) increases with b.  So

    sup_q ||grad h_bz(q)||_1 = 1 + 2 max_x phi_{m-1}(x),

attained at q = (x*, 0, ..., 0) (one action on top, m - 1 equal below).  phi_b <= 0 for
x <= 1 (x s < 1), and for x >= X >= 1, phi_b(x) <= (1 - s) x <= b x e^{-x} <= b X e^{-X}.

The maximum over [1, X] is enclosed by branch and bound in interval arithmetic (mpmath.iv,
outward rounding): each box is bounded by the mean-value form phi(c) + phi'(Box)(Box - c),
phi'(x) = s (1 - s)(2 + x (1 - 2 s)), intersected with the natural interval extension; boxes
whose upper bound falls below the best certified point value are discarded.  For m = 2 the
supremum is 1.19967864026 (x* = 2.39936); m = 3..6 give 1.32732898623, 1.42249448308,
1.49881527023 and 1.56273187448 (enclosures of width < 1e-12; see the tests).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction

from scipy.optimize import minimize_scalar

from certify.errors import InvalidInput
from certify.exact.intervals import endpoints, interval_context
from certify.exact.printing import safe_round

X_TAIL = 40
"""Right end of the searched interval; beyond it phi_b <= b X e^{-X} (module docstring)."""


_IV = interval_context(53)


def _iv():
    """The private interval context of this module (certify never touches ``mpmath.iv``)."""
    return _IV


def _s(x, b: int):
    iv = _iv()
    return 1 / (1 + b * iv.exp(-x))


def phi_interval(x, b: int):
    """Natural interval extension of phi_b(x) = (1 - s)(x s - 1), s = e^x / (e^x + b)."""
    s = _s(x, b)
    return (1 - s) * (x * s - 1)


def dphi_interval(x, b: int):
    """Interval extension of phi_b'(x) = s (1 - s)(2 + x (1 - 2 s))."""
    s = _s(x, b)
    return s * (1 - s) * (2 + x * (1 - 2 * s))


def _enclose(x: Fraction):
    """An interval containing the rational x (outward rounding)."""
    return _iv().mpf(x.numerator) / x.denominator


def _box_upper(lo: Fraction, hi: Fraction, b: int) -> Fraction:
    """A rigorous upper bound of phi_b on [lo, hi] (mean-value form meets natural extension)."""
    box = _iv().mpf([_enclose(lo).a, _enclose(hi).b])
    cm = _enclose((lo + hi) / 2)
    mv = phi_interval(cm, b) + dphi_interval(box, b) * (box - cm)
    return min(_up(mv), _up(phi_interval(box, b)))


def _up(v) -> Fraction:
    """Exact rational value of the upper end of an mpmath interval."""
    return endpoints(v)[1]


def _down(v) -> Fraction:
    """Exact rational value of the lower end of an mpmath interval."""
    return endpoints(v)[0]


def point_lower(x: Fraction, b: int) -> Fraction:
    """A rigorous lower bound of phi_b(x) at the rational point x."""
    return _down(phi_interval(_enclose(x), b))


@dataclass(frozen=True)
class GradSupEnclosure:
    """Certified interval [lower, upper] for sup_q ||grad h_bz(q)||_1 with m actions.

    Attributes
    ----------
    m : int
        Number of actions.
    lower, upper : Fraction
        1 + 2 phi at the witness point (rigorous lower end) and a rigorous upper bound of the
        supremum, rounded outward to a multiple of 10^-15.
    x_star : Fraction
        Witness: the point q = (x_star, 0, ..., 0) (lam = 1) has ||grad h||_1 >= lower.
    boxes : int
        Boxes the branch and bound evaluated.
    """

    m: int
    lower: Fraction
    upper: Fraction
    x_star: Fraction
    boxes: int

    def to_dict(self) -> dict:
        return {"m": self.m, "lower": str(self.lower), "upper": str(self.upper),
                "lower_float": safe_round(self.lower, "lower", style="float"),
                "upper_float": safe_round(self.upper, "upper", style="float"),
                "x_star": float(self.x_star), "boxes": self.boxes,
                "method": "one-variable reduction + interval branch and bound (mpmath intervals)"}


@functools.lru_cache(maxsize=32)
def boltzmann_grad_sup(m: int, tol: float = 1e-13) -> GradSupEnclosure:
    """Enclose sup_q ||grad h_bz(q)||_1 for ``m`` actions (see the module docstring).

    The Boltzmann operator h_bz(q) = sum_a w_a q_a, w = softmax(lam q), has a temperature-free
    sup_q ||grad h_bz(q)||_1 = 1 + 2 sup_q N(q), and F_bz contracts in the sup norm iff gamma times
    it is below 1 (Lee and Na, arXiv:2404.14442; docs/theory.md section 1).

    Parameters
    ----------
    m : int
        Number of actions, >= 1 (m = 1 gives exactly 1).
    tol : float
        Stop splitting a box once its upper bound is within ``tol`` of the lower bound.
    """
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise InvalidInput(f"m = {m!r}; expected a number of actions >= 1")
    if m == 1:
        return GradSupEnclosure(1, Fraction(1), Fraction(1), Fraction(0), 0)
    b = m - 1

    def f(x: float) -> float:
        s = 1.0 / (1.0 + b * math.exp(-x))
        return -(1.0 - s) * (x * s - 1.0)

    r = minimize_scalar(f, bounds=(1.0, 20.0), method="bounded", options={"xatol": 1e-12})
    x_star = Fraction(float(r.x))
    best = point_lower(x_star, b)
    tail = _up(b * _iv().mpf(X_TAIL) * _iv().exp(-_iv().mpf(X_TAIL)))
    stack = [(Fraction(1), Fraction(X_TAIL))]
    upper, boxes = max(tail, Fraction(0)), 0
    tol_q = Fraction(tol)
    while stack:
        lo, hi = stack.pop()
        boxes += 1
        ub = _box_upper(lo, hi, b)
        if ub <= best:
            continue
        if ub - best <= tol_q or hi - lo < Fraction(1, 2 ** 50):
            upper = max(upper, ub)
            continue
        mid = (lo + hi) / 2
        val = point_lower(mid, b)
        if val > best:
            best, x_star = val, mid
        stack += [(lo, mid), (mid, hi)]
    upper = max(upper, best)
    grid = 10 ** 15
    up = Fraction(math.ceil((1 + 2 * upper) * grid), grid)
    low = Fraction(math.floor((1 + 2 * best) * grid), grid)
    return GradSupEnclosure(m, low, up, x_star, boxes)
