"""Young's inequality for even p, used by the p-norm Lyapunov certificates (certify.algorithms.smooth.pnorm).

Y(x, y) = ((p - 1) x^p + y^p)/p - x^{p-1} y >= 0 for all real x, y and even p.
Y(0, y) = y^p / p >= 0 and Y(x, y) = x^p Y(1, y/x); p Y(1, t) = t^p - p t + (p - 1):
for t <= 0 every term is >= 0 (and p - 1 > 0); for t > 0, t^p - p t + p - 1 = (t - 1)^2 Q(t) with
Q = sum_{k=0}^{p-2} (k + 1) t^{p-2-k}, all coefficients positive.  Checked for p = 2, 4, ..., 40.
For every even p = 2k (symbolic k >= 1, as certify uses any even p): f(t) = t^p - p t + p - 1
has f(1) = f'(1) = 0 and f''(t) = p (p - 1) t^{p-2} >= 0 on t > 0, so f lies above its tangent
at 1 (f >= 0 for t > 0); for t <= 0 each of t^p, -p t, p - 1 is >= 0; Y(0, y) = y^p / p >= 0.
"""

from __future__ import annotations

import sympy as sp

from ._lemma import run


def steps():
    t, x, y = sp.symbols("t x y", real=True)
    ok_div, ok_coef, ok_hom = True, True, True
    for p in range(2, 41, 2):
        f = sp.Poly(t ** p - p * t + p - 1, t)
        q, r = sp.div(f, sp.Poly((t - 1) ** 2, t))
        ok_div &= r.is_zero
        ok_coef &= all(c > 0 for c in q.all_coeffs())
        Y = ((p - 1) * x ** p + y ** p) / p - x ** (p - 1) * y
        ok_hom &= sp.expand(Y - x ** p * (((p - 1) + (y / x) ** p) / p - y / x)) == 0
    yield "p = 2..40 even: t^p - p t + p - 1 = (t - 1)^2 Q(t), remainder 0", ok_div
    yield "... and Q has only positive coefficients (so >= 0 for t > 0)", ok_coef
    yield "Y(x, y) = x^p Y(1, y/x) (homogeneity)", ok_hom
    yield from _every_even_p()


def _every_even_p():
    k = sp.symbols("k", integer=True, positive=True)
    p = 2 * k
    tp = sp.symbols("tp", positive=True)
    tn = sp.symbols("tn", nonpositive=True)
    y = sp.symbols("y", real=True)
    f = tp ** p - p * tp + p - 1
    f2 = sp.diff(f, tp, 2)
    yield "every even p = 2k: f(t) = t^p - p t + p - 1 has f(1) = 0 and f'(1) = 0", \
        sp.simplify(f.subs(tp, 1)) == 0 and sp.simplify(sp.diff(f, tp).subs(tp, 1)) == 0
    yield "... f''(t) = p (p - 1) t^(p-2) >= 0 for t > 0 (convex: f >= tangent at 1 = 0)", \
        sp.simplify(f2 - p * (p - 1) * tp ** (p - 2)) == 0 and f2.is_nonnegative is True
    yield "... for t <= 0: t^p >= 0, -p t >= 0, p - 1 > 0; and Y(0, y) = y^p/p >= 0", \
        (tn ** p).is_nonnegative is True and (-p * tn).is_nonnegative is True \
        and (p - 1).is_positive is True and (y ** p / p).is_nonnegative is True


if __name__ == "__main__":
    run("((p-1) x^p + y^p)/p >= x^(p-1) y for even p", steps)
