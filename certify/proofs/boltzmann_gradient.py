"""The l1 norm of the Boltzmann gradient: bound 1 + 2(m-1)e^{-2}, and about 1.1997 for m = 2.

With w = softmax(lam q), y_a = lam (q_a - bz): grad_a = w_a (1 + y_a), sum_a grad_a = 1, so
||grad||_1 = 1 + 2 sum_a w_a (-1 - y_a)_+.  Since bz <= max q, w_a <= exp(y_a); and
sup_{y <= -1} exp(y)(-1 - y) = e^{-2} (at y = -2), so ||grad||_1 <= 1 + 2 (m - 1) e^{-2}
(the top action has y >= 0) [reconstruction].  For m = 2, x = lam (q_1 - q_2) > 0:
g(x) = 1 + 2 (1 - s)(x s - 1)_+, s = 1/(1 + e^{-x}); max g = 1.19967... > 1, independent of lam.

Any m (certify.exact.boltzmann, reconstruction): for a set B of actions with complement G,
F_B = sum_{a in B} w_a (h - q_a - 1) = W_B W_G (h_G - h_B) - W_B (identity checked below for
m = 3), which reduces the supremum to phi_b(x) = (1 - s)(x s - 1), s = e^x / (e^x + b), b = m - 1;
phi_b grows with b at fixed t = x - ln b, and phi_b' = s (1 - s)(2 + x (1 - 2 s)) (used by the
interval branch and bound).
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from ._lemma import run


def steps():
    y = sp.symbols("y", real=True)
    f = sp.exp(y) * (-1 - y)
    crit = sp.solve(sp.diff(f, y), y)
    yield "d/dy [exp(y)(-1-y)] = 0 only at y = -2, value e^{-2}, a maximum", \
        crit == [-2] and sp.simplify(f.subs(y, -2) - sp.exp(-2)) == 0 and \
        sp.diff(f, y, 2).subs(y, -2).is_negative
    lam, q1, q2 = sp.symbols("lam q1 q2", real=True)
    lamp = sp.symbols("lamp", positive=True)
    Z = sp.exp(lamp * q1) + sp.exp(lamp * q2)
    bz = (q1 * sp.exp(lamp * q1) + q2 * sp.exp(lamp * q2)) / Z
    g1 = sp.diff(bz, q1)
    x = sp.symbols("x", positive=True)
    s = 1 / (1 + sp.exp(-x))
    # at q = (x/lam, 0): the gradient depends on x only (temperature-free by scaling)
    sub = sp.simplify(g1.subs({q1: x / lamp, q2: 0}) - s * (1 + x * (1 - s)))
    yield "d bz/d q1 at (x/lam, 0) = s (1 + x (1 - s)): no lam left", sub == 0
    g = 1 + 2 * (1 - s) * (x * s - 1)
    xs = sp.nsolve(sp.diff(g, x), x, 2.4, prec=30)
    gmax = g.subs(x, xs)
    yield f"m = 2: max_x g(x) = {sp.N(gmax, 12)} at x = {sp.N(xs, 12)} (> 1)", \
        abs(float(gmax) - 1.1997) < 5e-4 and float(gmax) > 1
    from certify.algorithms.smooth.moduli import boltzmann_sup_two_actions

    xn, gn = boltzmann_sup_two_actions()
    yield "certify.algorithms.smooth.moduli.boltzmann_sup_two_actions agrees to 1e-9", \
        abs(gn - float(gmax)) < 1e-9 and abs(xn - float(xs)) < 1e-4
    yield "bound 1 + 2e^{-2} = 1.2707 >= 1.1997 for m = 2", float(1 + 2 * sp.exp(-2)) >= float(gmax)
    yield from _reduction()


def _reduction():
    q = sp.symbols("q1:4", real=True)
    z = [sp.exp(v) for v in q]
    w = [v / sum(z) for v in z]
    h = sum(wi * qi for wi, qi in zip(w, q, strict=True))
    ok = True
    for B in ([1, 2], [2]):
        G = [a for a in range(3) if a not in B]
        FB = sum(w[a] * (h - q[a] - 1) for a in B)
        WB, WG = sum(w[a] for a in B), sum(w[a] for a in G)
        hB = sum(z[a] * q[a] for a in B) / sum(z[a] for a in B)
        hG = sum(z[a] * q[a] for a in G) / sum(z[a] for a in G)
        ok &= sp.simplify(FB - (WB * WG * (hG - hB) - WB)) == 0
    yield "m = 3, B = {2,3} and {3}: F_B = W_B W_G (h_G - h_B) - W_B", ok
    t, x = sp.symbols("t x", real=True)
    b = sp.symbols("b", positive=True)
    sig = 1 / (1 + sp.exp(-t))
    phi_t = (1 - sig) * (sig * (t + sp.log(b)) - 1)
    s = 1 / (1 + b * sp.exp(-x))
    phi = (1 - s) * (x * s - 1)
    yield "phi_b(t + ln b) = (1 - sigma(t))(sigma(t)(t + ln b) - 1), and d/db of it > 0", \
        sp.simplify(phi.subs(x, t + sp.log(b)) - phi_t) == 0 and \
        sp.simplify(sp.diff(phi_t, b)).is_positive is True
    yield "phi_b'(x) = s (1 - s)(2 + x (1 - 2 s))", \
        sp.simplify(sp.diff(phi, x) - s * (1 - s) * (2 + x * (1 - 2 * s))) == 0
    from certify.exact.boltzmann import boltzmann_grad_sup

    enc = boltzmann_grad_sup(2)
    yield f"interval enclosure for m = 2: [{float(enc.lower):.13g}, {float(enc.upper):.13g}] " \
          "rounds to 1.19967864026 (width < 1e-12)", \
        Fraction("1.199678640255") <= enc.lower <= enc.upper <= Fraction("1.199678640265") \
        and enc.upper - enc.lower < Fraction(1, 10 ** 12)


if __name__ == "__main__":
    run("sup of the l1 norm of the Boltzmann gradient", steps)
