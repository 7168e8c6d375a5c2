"""The algebra behind the mean-square bounds of certify.algorithms.qlearning.meansquare.

(1) Exact second moment of one asynchronous Q-learning step (docs/theory_finite_time.md,
    section 2), on a symbolic instance with 2 pairs, 2 next states and symbolic d, P, gamma,
    alpha, reward noise +-b, error e, symmetric X and centred next values c: with
    e' = e + alpha 1_i (gamma e(s') - e_i + eta), eta = xi + gamma c_i(s'),
        E[e'^T X e'] = e^T X e + alpha e^T (X L + L^T X) e
                       + alpha^2 sum_i d_i X_ii E[(g^T e + eta)^2 | i],  L = D (gamma P - I).
(2) Young's step: (1 + eps) E(g^T e)^2 + (1 + 1/eps) gamma^2 E c^2 + b^2 - E(g^T e + eta)^2
    = E[(sqrt(eps) g^T e - gamma c / sqrt(eps))^2] >= 0.
(3) Unrolling u_{k+1} <= beta u_k + N: u_K <= beta^K u_0 + N (1 - beta^K)/(1 - beta)
    (the identity sum_{j<K} beta^j = (1 - beta^K)/(1 - beta), checked for K = 1..30).
(4) Euler's identity for f(x) = ||x||_p^2 = (sum x_i^p)^(2/p) (x > 0, symbolic p):
    <grad f(x), x> = 2 f(x), the step <grad f(e), A e - e> <= 2 f(e)(rho_p - 1) uses it.
"""

from __future__ import annotations

import sympy as sp

from ._lemma import run


def steps():
    yield from _second_moment()
    yield from _young()
    yield from _unroll()
    yield from _euler()


def _second_moment():
    a, g, b, d0, p0, p1 = sp.symbols("alpha gamma b d0 p0 p1", real=True)
    e0, e1 = sp.symbols("e0 e1", real=True)
    x00, x01, x11 = sp.symbols("x00 x01 x11", real=True)
    c = {(0, 0): sp.Symbol("c00"), (1, 0): sp.Symbol("c10")}  # c_i(s') with E_s' c_i = 0
    c[(0, 1)] = -p0 * c[(0, 0)] / (1 - p0)
    c[(1, 1)] = -p1 * c[(1, 0)] / (1 - p1)
    X = sp.Matrix([[x00, x01], [x01, x11]])
    e = sp.Matrix([e0, e1])
    d = [d0, 1 - d0]
    P = [[p0, 1 - p0], [p1, 1 - p1]]
    lhs = 0
    rhs_noise = 0
    for i in range(2):
        for s in range(2):
            for xi in (b, -b):
                eta = xi + g * c[(i, s)]
                step = g * e[s] - e[i] + eta
                ep = e + a * step * sp.eye(2)[:, i]
                w = d[i] * P[i][s] / 2
                lhs += w * (ep.T * X * ep)[0, 0]
                rhs_noise += w * X[i, i] * step**2
    L = sp.diag(*d) * (g * sp.Matrix(P) - sp.eye(2))
    rhs = (e.T * X * e)[0, 0] + a * (e.T * (X * L + L.T * X) * e)[0, 0] + a**2 * rhs_noise
    yield "exact second moment of one step = e'Xe + alpha e'(XL + L'X)e + alpha^2 sum d_i X_ii " \
          "E[(g'e + eta)^2 | i]", sp.simplify(sp.expand(lhs - rhs)) == 0


def _young():
    eps = sp.symbols("eps", positive=True)
    g, b, p = sp.symbols("gamma b p", real=True)
    u1, u2, c1 = sp.symbols("u1 u2 c1", real=True)  # g'e at the two next states, c at the first
    c2 = -p * c1 / (1 - p)
    E = lambda f1, f2: p * f1 + (1 - p) * f2  # noqa: E731 - expectation over s'
    lhs = E((u1 + g * c1) ** 2, (u2 + g * c2) ** 2) + b**2
    rhs = (1 + eps) * E(u1**2, u2**2) + (1 + 1 / eps) * g**2 * E(c1**2, c2**2) + b**2
    sq = E((sp.sqrt(eps) * u1 - g * c1 / sp.sqrt(eps)) ** 2,
           (sp.sqrt(eps) * u2 - g * c2 / sp.sqrt(eps)) ** 2)
    yield "Young: rhs - E(g'e + eta)^2 = E[(sqrt(eps) g'e - gamma c/sqrt(eps))^2] >= 0", \
        sp.simplify(sp.expand(rhs - lhs - sq)) == 0


def _unroll():
    beta, u0, N = sp.symbols("beta u0 N", real=True)
    ok = True
    for K in range(1, 31):
        u = u0
        for _ in range(K):
            u = beta * u + N
        ok &= sp.simplify(u - (beta**K * u0 + N * (1 - beta**K) / (1 - beta))) == 0
    yield "u_{k+1} = beta u_k + N unrolls to beta^K u0 + N (1 - beta^K)/(1 - beta), K = 1..30", ok


def _euler():
    p = sp.symbols("p", positive=True)
    xs = sp.symbols("x1:4", positive=True)
    f = sum(x**p for x in xs) ** (2 / p)
    yield "<grad ||x||_p^2, x> = 2 ||x||_p^2 (Euler, symbolic p, 3 coordinates)", \
        sp.simplify(sum(x * sp.diff(f, x) for x in xs) - 2 * f) == 0


if __name__ == "__main__":
    run("algebra of the mean-square bounds (second moment, Young, unrolling, Euler)", steps)
