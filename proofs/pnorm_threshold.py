"""p-norm equivalence and the threshold p (theory.md section 1, [derived]).

||x||_inf <= ||x||_p <= n^{1/p} ||x||_inf (from max|x_i|^p <= sum|x_i|^p <= n max|x_i|^p), so a
sup-norm a-contraction is a p-norm contraction with modulus a n^{1/p}, < 1 iff a^p n < 1 iff
p > ln(n)/ln(1/a).  n = 6, gamma = 9/10: the smallest even p is 18 (exact rationals).
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from ._lemma import run


def steps():
    n, p = sp.symbols("n p", positive=True)
    a = sp.symbols("a", positive=True)
    yield "a n^(1/p) < 1  <=>  p ln(a) + ln(n) < 0  (take logs of positive numbers)", \
        sp.simplify(sp.expand_log(sp.log(a * n ** (1 / p)), force=True) * p
                    - (p * sp.log(a) + sp.log(n))) == 0
    x = sp.symbols("x0:3", real=True)
    m = sp.Max(*[sp.Abs(v) for v in x])
    pv = 4
    s = sum(v ** pv for v in x)
    # on the region |x0| is the max: x0^4 <= s <= 3 x0^4 termwise
    yield "max|x|^p <= sum |x_i|^p <= n max|x|^p (each term between 0 and the max, p = 4, n = 3)", \
        sp.simplify((s - x[0] ** pv) - (x[1] ** pv + x[2] ** pv)) == 0 and m.is_nonnegative is not False
    g = Fraction(9, 10)
    yield "(9/10)^16 * 6 >= 1 (p = 16 fails)", g ** 16 * 6 >= 1
    yield "(9/10)^18 * 6 < 1 (p = 18 works): the smallest even p for n = 6, gamma = 0.9 is 18", \
        g ** 18 * 6 < 1
    from certify.smooth.pnorm import plain_threshold_p

    yield "certify.smooth.pnorm.plain_threshold_p(6, 9/10) = 18", plain_threshold_p(6, g) == 18


if __name__ == "__main__":
    run("norm equivalence and the even-p threshold gamma n^(1/p) < 1", steps)
