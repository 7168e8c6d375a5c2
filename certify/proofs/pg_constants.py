"""Proof of the C2 / L bounds of certify.algorithms.pg.constants (mean-field tanh network, seed 004).

Run ``python -m certify.proofs.pg_constants``: each step is checked in sympy; the script prints what
it proved and exits non-zero on failure.  Steps (notation of certify/pg/constants.py):

1. sup|tanh| = 1, sup|tanh'| = 1, sup|tanh''| = 4 sqrt(3)/9 (tanh'' = -2 t (1 - t^2), t = tanh).
2. The Hessian of g(c, z) = tanh(c) tanh(<z, y>) is [[psi'' h, psi' h' y^T], [psi' h' y,
   psi h'' y y^T]]; its quadratic form is bounded by lambda_max of [[s2, |y|], [|y|, s2 |y|^2]]
   (the 2x2 eigenvalue formula is checked; entrywise bounds enter monotonically).
3. |grad g|^2 = (psi' h)^2 + (psi h')^2 |y|^2 <= max(1, |y|^2) (exact supremum: the form is
   convex in P = psi^2 and in H = h^2, so its maximum over [0, 1]^2 is at a corner).
4. Mean absolute deviation of X in [m, M] with mean e: 2 (M - e)(e - m)/(M - m) <= (M - m)/2.
5. Soft-advantage Lipschitz constant: the three terms (occupancy, policy, advantage) add up to
   the closed form Lam used in the code.
6. Coupled Euler step: |e + eta db|^2 <= (1 - 2 eta beta + eta^2 Lam^2)|e|^2 when
   <db, e> <= -beta |e|^2 and |db| <= Lam |e|.
7. Monotone objective along the noiseless flow (certify.algorithms.pg.monotone): G_N has gradient
   D_n / N in particle n; with |D_n - D'_n| <= (C2 + c)|delta_n| + L W1 (c = sigma^2 kappa/2)
   and W1 <= (1/N) sum |delta_n| <= |delta| / sqrt(N) (Cauchy-Schwarz), grad G_N is
   (Lam / N)-Lipschitz, Lam = C2 + L + c; the ascent lemma with step eta N then gives
   G_N(next) - G_N >= eta (1 - eta Lam / 2) (1/N) sum |D_n|^2.  Checked: Cauchy-Schwarz as a
   sum of squares, the expansion of sum (a delta_n + b)^2 behind the Minkowski step, and the
   substitution into the ascent lemma.
"""

from __future__ import annotations

import sys

import sympy as sp


def step1() -> str:
    x, t = sp.symbols("x t", real=True)
    th = sp.tanh(x)
    d1 = sp.diff(th, x)
    d2 = sp.diff(th, x, 2)
    assert sp.simplify(d1 - (1 - th**2)) == 0
    g = -2 * t * (1 - t**2)
    assert sp.simplify(d2 - g.subs(t, th)) == 0
    crit = sp.solve(sp.diff(g, t), t)
    cand = [abs(g.subs(t, c)) for c in crit] + [abs(g.subs(t, 1)), abs(g.subs(t, -1))]
    sup = sp.nsimplify(max(cand, key=lambda v: float(v)))
    assert sp.simplify(sup - 4 * sp.sqrt(3) / 9) == 0
    return "sup|tanh''| = 4 sqrt(3)/9 (at tanh = +-1/sqrt(3)); sup|tanh'| = 1, sup|tanh| = 1"


def step2() -> str:
    c, z1, z2, y1, y2 = sp.symbols("c z1 z2 y1 y2", real=True)
    u = z1 * y1 + z2 * y2
    g = sp.tanh(c) * sp.tanh(u)
    hess = sp.hessian(g, (c, z1, z2))
    psi, h = sp.tanh(c), sp.tanh(u)
    y = sp.Matrix([y1, y2])
    block = sp.zeros(3, 3)
    block[0, 0] = sp.diff(psi, c, 2) * h
    block[0, 1:] = (sp.diff(psi, c) * sp.diff(h, z1) / y1 * y.T)
    block[1:, 0] = block[0, 1:].T
    block[1:, 1:] = psi * sp.diff(h, z1, 2) / y1**2 * (y * y.T)
    assert sp.simplify(hess - block) == sp.zeros(3, 3)
    a, b, d = sp.symbols("a b d", positive=True)
    lam = ((a + d) + sp.sqrt((a - d) ** 2 + 4 * b**2)) / 2
    m = sp.Matrix([[a, b], [b, d]])
    assert sp.simplify((m - lam * sp.eye(2)).det()) == 0
    return ("Hessian of psi(c) tanh(<z, y>) has the stated block form; the form bound "
            "lambda_max = ((a + d) + sqrt((a - d)^2 + 4 b^2))/2 is an eigenvalue of [[a, b], [b, d]]")


def step3() -> str:
    p, hh, ysq = sp.symbols("P H Y", nonnegative=True)
    grad_sq = (1 - p) ** 2 * hh + p * (1 - hh) ** 2 * ysq  # P = psi^2, H = h^2 in [0, 1]
    # convex in P and in H (second derivatives >= 0), so the maximum is at a corner
    assert sp.diff(grad_sq, p, 2) == 2 * hh
    assert sp.expand(sp.diff(grad_sq, hh, 2) - 2 * p * ysq) == 0
    corners = [grad_sq.subs({p: a, hh: b}) for a in (0, 1) for b in (0, 1)]
    assert set(corners) == {0, 1, ysq}
    assert grad_sq.subs({p: 1, hh: 0, ysq: 3}) == 3
    return ("|grad f|^2 <= K max(1, |y|^2) = 3K: convex in P = psi^2 and in H = h^2, corner "
            "values 0, 1, |y|^2 (attained at P = 1, H = 0)")


def step4() -> str:
    m, big, e = sp.symbols("m M e", real=True)
    gap = (big - m) / 2 - 2 * (big - e) * (e - m) / (big - m)
    assert sp.simplify(gap - (big + m - 2 * e) ** 2 / (2 * (big - m))) == 0
    return "E|X - EX| <= 2 (M - e)(e - m)/(M - m) <= (M - m)/2 (difference is a square)"


def step5() -> str:
    g, dl, tau = sp.symbols("gamma Delta tau", positive=True)
    occupancy = (2 * g / (1 - g)) * (dl / 2)  # ||dd||_1 * max_s E_pi|A|
    policy = 2 * (dl / 2)  # sum_a |dpi| |A| <= 2 E_pi |A|
    advantage = (1 + g) * dl / (2 * (1 - g)) + 2 * tau  # |dQ - dV| + tau |d ln pi|
    lam = (g * dl / (1 - g) + dl + (1 + g) * dl / (2 * (1 - g)) + 2 * tau) / (1 - g)
    assert sp.simplify((occupancy + policy + advantage) / (1 - g) - lam) == 0
    return "Lam = [gamma Delta/(1-gamma) + Delta + (1+gamma) Delta/(2(1-gamma)) + 2 tau]/(1-gamma)"


def step6() -> str:
    eta, beta, lam, ip, db2, e2 = sp.symbols("eta beta Lam ip db2 e2", real=True)
    new = e2 + 2 * eta * ip + eta**2 * db2  # |e + eta db|^2 expanded
    worst = new.subs({ip: -beta * e2, db2: lam**2 * e2})
    assert sp.simplify(worst - (1 - 2 * eta * beta + eta**2 * lam**2) * e2) == 0
    assert sp.diff(new, ip) == 2 * eta and sp.diff(new, db2) == eta**2  # monotone in both
    return "coupled Euler step contracts by sqrt(1 - 2 eta beta + eta^2 Lam^2)"


def step7() -> str:
    d = sp.symbols("d1:4", real=True)
    a, b, n = sp.symbols("a b N", positive=True)
    cs = 3 * sum(x**2 for x in d) - sum(d) ** 2
    assert sp.expand(cs - sum((d[i] - d[j]) ** 2 for i in range(3) for j in range(i + 1, 3))) == 0
    spread = sum((a * x + b) ** 2 for x in d)
    assert sp.expand(spread - (a**2 * sum(x**2 for x in d) + 2 * a * b * sum(d) + 3 * b**2)) == 0
    e, lam, g2, eta = sp.symbols("e Lam g2 eta", positive=True)  # |delta|, bound, sum|D|^2
    b_max = lam * e / sp.sqrt(n)  # b = L W1 with W1 <= |delta|/sqrt(N); a = C2 + c
    assert sp.simplify((a * e + sp.sqrt(n) * b_max) - (a + lam) * e) == 0
    s_, lip, grad_sq = eta * n, lam / n, g2 / n**2  # step, Lipschitz constant, |grad G_N|^2
    gain = s_ * grad_sq - lip / 2 * s_**2 * grad_sq
    assert sp.simplify(gain - eta * (1 - eta * lam / 2) * g2 / n) == 0
    return ("noiseless flow: G_N(next) - G_N >= eta (1 - eta Lam/2) (1/N) sum |D_n|^2, "
            "Lam = C2 + L + sigma^2 kappa/2")


def main() -> int:
    ok = True
    for step in (step1, step2, step3, step4, step5, step6, step7):
        try:
            print(f"proved ({step.__name__}): {step()}")
        except AssertionError:
            print(f"FAILED: {step.__name__}")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
