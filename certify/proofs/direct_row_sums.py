"""Row sums of the direct family (seed 002, Lemma 3).

A_pi = I + alpha D (gamma P Pi_pi - I): P 1_S = 1_n (rows of P are distributions) and
Pi_pi 1_n = 1_S (rows of a policy sum to 1), so A_pi 1 = 1 + alpha D (gamma - 1) 1, i.e. the row
(s, a) sums to 1 - alpha d(s, a) (1 - gamma).  Proved symbolically for a general 2-state,
2-action MDP with a stochastic policy.
"""

from __future__ import annotations

import sympy as sp

from ._lemma import run


def steps():
    S, A = 2, 2
    n = S * A
    alpha, gamma = sp.symbols("alpha gamma", positive=True)
    p = sp.symbols("p0:4", nonnegative=True)  # P(s'=0 | i); P(s'=1 | i) = 1 - p_i
    P = sp.Matrix([[p[i], 1 - p[i]] for i in range(n)])
    lam = sp.symbols("l0:2", nonnegative=True)  # pi(a=0 | s)
    Pi = sp.zeros(S, n)
    for s in range(S):
        Pi[s, s * A] = lam[s]
        Pi[s, s * A + 1] = 1 - lam[s]
    d = sp.symbols("d0:4", positive=True)
    D = sp.diag(*d)
    Amat = sp.eye(n) + alpha * D * (gamma * P * Pi - sp.eye(n))
    sums = Amat * sp.ones(n, 1)
    yield "P 1 = 1 and Pi 1 = 1", sp.simplify(P * sp.ones(S, 1) - sp.ones(n, 1)) == sp.zeros(n, 1) \
        and sp.simplify(Pi * sp.ones(n, 1) - sp.ones(S, 1)) == sp.zeros(S, 1)
    yield "row (s, a) of A_pi sums to 1 - alpha d(s, a) (1 - gamma)", all(
        sp.simplify(sums[i] - (1 - alpha * d[i] * (1 - gamma))) == 0 for i in range(n))


if __name__ == "__main__":
    run("row sums of A_pi = I + alpha D (gamma P Pi_pi - I) equal 1 - alpha d (1 - gamma)", steps)
