"""p-norm equivalence and the threshold p (theory.md section 1, [derived]).

Lemma.  For x in R^n (n >= 1) and real p > 0, with M = ||x||_inf = max_i |x_i|,

    ||x||_inf <= ||x||_p <= n^{1/p} ||x||_inf,

and (weighted form used by certify.algorithms.smooth.pnorm, u_i > 0, ||x||_{u,p}^p = sum_i u_i |x_i|^p)
min(u) M^p <= ||x||_{u,p}^p <= (sum u) M^p.  Consequently, for 0 < a < 1 and n >= 2,
a n^{1/p} is strictly decreasing in p and a n^{1/p} < 1 iff p > ln(n) / ln(1/a); a sup-norm
a-contraction is a p-norm contraction with modulus a n^{1/p}.  Example: n = 6, a = gamma = 9/10
gives ln 6 / ln(10/9) = 17.006..., so the smallest even p is 18.

Proof, each step checked by sympy for symbolic n, p, M, u (positive symbols; sympy's
assumption system decides the signs):
1. termwise, 0 <= t <= M: M^p - t^p = int_t^M p s^{p-1} ds with a positive integrand, so
   0 <= t^p <= M^p;
2. summing over i = 1..n: sum_i t_i^p <= sum_{i=1}^n M^p = n M^p, and sum_i t_i^p >= t_k^p = M^p
   for an index k with |x_k| = M (the other terms are >= 0); likewise with weights u_i;
3. y -> y^{1/p} is increasing on y > 0, (M^p)^{1/p} = M and (n M^p)^{1/p} = n^{1/p} M;
4. with a = e^{-L} (L = ln(1/a) > 0) and n = 1 + k (k > 0): ln(a n^{1/p}) = -L + ln(n)/p, whose
   p-derivative -ln(n)/p^2 is negative; multiplying by p > 0, ln(a n^{1/p}) < 0 iff
   ln(n) - L p < 0 iff p > ln(n) / L.
Steps 1-3 are also checked in exact rational arithmetic for n = 1..6, p = 2..20 on random
vectors, with the equality cases (x = M e_1 and x = M 1) showing both constants are sharp.
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from ._lemma import run


def _norm_equivalence():
    t, M, p, n, s = sp.symbols("t M p n s", positive=True)
    integral = sp.integrate(p * s ** (p - 1), (s, t, M))
    yield "termwise: M^p - t^p = int_t^M p s^(p-1) ds, integrand > 0 (so t <= M gives t^p <= M^p)", \
        sp.simplify(integral - (M ** p - t ** p)) == 0 and (p * s ** (p - 1)).is_positive is True
    yield "termwise: t^p >= 0 for t >= 0, p > 0", \
        (sp.Symbol("t0", nonnegative=True) ** p).is_nonnegative is True
    i = sp.symbols("i", integer=True, positive=True)
    yield "sum_{i=1}^n M^p = n M^p (upper bound of sum |x_i|^p)", \
        sp.simplify(sp.Sum(M ** p, (i, 1, n)).doit() - n * M ** p) == 0
    u = sp.IndexedBase("u", positive=True)
    weighted = sp.Sum(u[i] * M ** p, (i, 1, n)).doit()
    yield "weighted: sum_i u_i M^p = (sum_i u_i) M^p", \
        sp.simplify(weighted - M ** p * sp.Sum(u[i], (i, 1, n))) == 0
    y = sp.symbols("y", positive=True)
    yield "y -> y^(1/p) is increasing on y > 0 (derivative positive)", \
        sp.diff(y ** (1 / p), y).is_positive is True
    yield "(M^p)^(1/p) = M and (n M^p)^(1/p) = n^(1/p) M", \
        sp.simplify((M ** p) ** (1 / p) - M) == 0 and \
        sp.simplify(sp.expand_power_base((n * M ** p) ** (1 / p)) - n ** (1 / p) * M) == 0


def _exact_instances():
    rng = random.Random(5)
    ok, cases = True, 0
    for n in range(1, 7):
        for p in range(2, 21, 2):
            for _ in range(25):
                x = [Fraction(rng.randint(-50, 50), rng.randint(1, 9)) for _ in range(n)]
                u = [Fraction(rng.randint(1, 20), rng.randint(1, 9)) for _ in range(n)]
                m = max(abs(v) for v in x)
                s = sum(abs(v) ** p for v in x)
                su = sum(w * abs(v) ** p for w, v in zip(u, x, strict=True))
                ok &= m ** p <= s <= n * m ** p
                ok &= min(u) * m ** p <= su <= sum(u) * m ** p
                cases += 1
            m = Fraction(3, 2)
            ok &= sum(v ** p for v in [m] + [Fraction(0)] * (n - 1)) == m ** p
            ok &= sum(m ** p for _ in range(n)) == n * m ** p
    yield f"exact check on {cases} rational vectors (n = 1..6, p = 2..20); equality at M e_1 and M 1", ok


def _threshold():
    L, k, p = sp.symbols("L k p", positive=True)
    n = 1 + k
    a = sp.exp(-L)
    lg = sp.expand_log(sp.log(a * n ** (1 / p)), force=False)
    yield "ln(a n^(1/p)) = -L + ln(n)/p  (a = e^-L with L > 0, n = 1 + k with k > 0)", \
        sp.simplify(lg - (-L + sp.log(n) / p)) == 0
    yield "d/dp ln(a n^(1/p)) = -ln(n)/p^2 < 0: a n^(1/p) strictly decreasing in p", \
        sp.simplify(sp.diff(lg, p) + sp.log(n) / p ** 2) == 0 and sp.diff(lg, p).is_negative is True
    yield "p ln(a n^(1/p)) = ln(n) - L p = L (ln(n)/L - p), with p, L > 0: " \
          "a n^(1/p) < 1 iff p > ln(n)/ln(1/a)", \
        sp.simplify(p * lg - (sp.log(n) - L * p)) == 0 and \
        sp.simplify(L * (sp.log(n) / L - p) - (sp.log(n) - L * p)) == 0
    g = Fraction(9, 10)
    yield "ln 6 / ln(10/9) in (17, 18): 6 (9/10)^17 > 1 > 6 (9/10)^18 (exact rationals)", \
        6 * g ** 17 > 1 > 6 * g ** 18
    yield "(9/10)^16 * 6 >= 1: p = 16 fails; by monotonicity every even p >= 18 works", g ** 16 * 6 >= 1
    from certify.algorithms.smooth.pnorm import plain_threshold_p

    yield "certify.algorithms.smooth.pnorm.plain_threshold_p(6, 9/10) = 18", plain_threshold_p(6, g) == 18


def steps():
    yield from _norm_equivalence()
    yield from _exact_instances()
    yield from _threshold()


if __name__ == "__main__":
    run("||x||_inf <= ||x||_p <= n^(1/p) ||x||_inf and the threshold p > ln(n)/ln(1/gamma)", steps)
