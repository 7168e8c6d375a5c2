"""Sandwich bounds of the smooth maxima against max (theory.md section 1; Asadi and Littman 2017).

lse(q) = max + (1/lam) ln S with S = sum_a exp(lam (q_a - max)) in [1, m]  =>  max <= lse <= max + ln(m)/lam;
mellowmax = lse - ln(m)/lam                                             =>  max - ln(m)/lam <= mm <= max;
entropy identity lse = bz + H(softmax(lam q))/lam with 0 <= H <= ln m   =>  max - ln(m)/lam <= bz <= max.
Checked symbolically for m = 3 (m = 2 for Gibbs' inequality) and against certify's evaluation
at random and huge points.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ._lemma import run


def steps():
    lam = sp.symbols("lam", positive=True)
    M, t2, t3 = sp.symbols("M t2 t3", real=True)  # q = (M, M + t2, M + t3), t2, t3 <= 0
    q = [M, M + t2, M + t3]
    m = 3
    lse = sp.log(sum(sp.exp(lam * x) for x in q)) / lam
    S = 1 + sp.exp(lam * t2) + sp.exp(lam * t3)
    yield "lse(q) = max + ln(S)/lam, S = 1 + sum_{a>1} exp(lam t_a)", \
        sp.simplify(sp.expand_log(lse - M - sp.log(S) / lam, force=True)) == 0
    t = sp.symbols("t", real=True)
    yield "exp(lam t) is increasing in t, so t <= 0 gives 0 < exp(lam t) <= 1 and 1 <= S <= m", \
        sp.diff(sp.exp(lam * t), t).is_positive
    mm = sp.log(sum(sp.exp(lam * x) for x in q) / m) / lam
    yield "mellowmax = lse - ln(m)/lam", sp.simplify(sp.expand_log(mm - lse + sp.log(m) / lam,
                                                                   force=True)) == 0
    w = [sp.exp(lam * x) / sum(sp.exp(lam * y) for y in q) for x in q]
    bz = sum(wi * x for wi, x in zip(w, q, strict=True))
    H = -sum(wi * sp.log(wi) for wi in w)
    yield "entropy identity lse = bz + H(w)/lam", \
        sp.simplify(sp.expand_log(lse - bz - H / lam, force=True)) == 0
    x = sp.symbols("x", positive=True)
    h2 = -x * sp.log(x) - (1 - x) * sp.log(1 - x)
    yield "m = 2: H(x, 1-x) has its only critical point at x = 1/2, value ln 2, and is concave", \
        sp.solve(sp.diff(h2, x), x) == [sp.Rational(1, 2)] and \
        sp.simplify(h2.subs(x, sp.Rational(1, 2)) - sp.log(2)) == 0 and \
        sp.simplify(sp.diff(h2, x, 2) + 1 / (x * (1 - x))) == 0
    from certify.mdp.bellman import smooth_max

    rng = np.random.default_rng(0)
    qs = np.vstack([rng.normal(size=(200, 4)) * 10, rng.normal(size=(20, 4)) * 1e6 + 1e8])
    ok = True
    for lamv in (0.01, 1.0, 50.0, 1e4):
        mx = qs.max(axis=1)
        gap = np.log(4) / lamv + 1e-9 * (1 + np.abs(mx))
        lse_v = smooth_max(qs, "lse", lamv)
        mm_v = smooth_max(qs, "mellowmax", lamv)
        bz_v = smooth_max(qs, "boltzmann", lamv)
        ok &= bool(np.all(np.isfinite(lse_v)) and np.all(lse_v >= mx - gap * 1e-6)
                   and np.all(lse_v <= mx + gap) and np.all(mm_v <= mx + 1e-9 * (1 + np.abs(mx)))
                   and np.all(mm_v >= mx - gap) and np.all(bz_v <= mx + 1e-9 * (1 + np.abs(mx)))
                   and np.all(bz_v >= mx - gap))
    yield "certify smooth_max obeys the sandwiches at 220 points (|q| up to 1e8), 4 temperatures", ok


if __name__ == "__main__":
    run("sandwiches of log-sum-exp, mellowmax and Boltzmann against max", steps)
