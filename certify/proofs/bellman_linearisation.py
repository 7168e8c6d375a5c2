"""Stochastic-policy linearisation of the Bellman maximum on one state (seed 002, Lemma 6).

For q, q* in R^m with greedy actions a = argmax q and b = argmax q*:
    q_b - q*_b  <=  max q - max q*  <=  q_a - q*_a,
because max q >= q_b and max q* >= q*_a.  Hence max q - max q* = lam (q_a - q*_a) +
(1 - lam)(q_b - q*_b) for some lam in [0, 1]: a convex combination of the errors at the greedy
actions of q and q*.  Proved symbolically (the two gaps are max q - q_b >= 0 and max q* - q*_a >= 0)
and checked by brute force in exact rationals.
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from ._lemma import run


def steps():
    Mq, Ms, qb, qsa = sp.symbols("Mq Ms q_b qs_a", real=True)  # Mq = q_a, Ms = q*_b
    qsb, qa = Ms, Mq
    delta = Mq - Ms
    U = qa - qsa
    L = qb - qsb
    yield "U - delta = max q* - q*_a (>= 0 as q*_a <= max q*)", sp.simplify(U - delta - (Ms - qsa)) == 0
    yield "delta - L = max q - q_b (>= 0 as q_b <= max q)", sp.simplify(delta - L - (Mq - qb)) == 0
    lam = (delta - L) / (U - L)
    yield "lam = (delta - L)/(U - L) gives delta = lam U + (1 - lam) L", \
        sp.simplify(lam * U + (1 - lam) * L - delta) == 0
    rng = random.Random(0)
    ok = True
    for _ in range(3000):
        m = rng.randint(1, 5)
        q = [Fraction(rng.randint(-20, 20), rng.randint(1, 6)) for _ in range(m)]
        qs = [Fraction(rng.randint(-20, 20), rng.randint(1, 6)) for _ in range(m)]
        a, b = q.index(max(q)), qs.index(max(qs))
        d = max(q) - max(qs)
        lo, hi = q[b] - qs[b], q[a] - qs[a]
        ok &= lo <= d <= hi
    yield "brute force: 3000 random rational (q, q*) with m <= 5 satisfy L <= delta <= U exactly", ok


if __name__ == "__main__":
    run("max q - max q* is a convex combination of (q - q*) at the greedy actions of q and q*", steps)
