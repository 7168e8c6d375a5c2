"""Exactness of the direct JSR of constant-step Q-learning (theory.md section 3).

Claim
-----
Let A_pi = B + C S_pi with B = I - alpha D, C = alpha gamma D P (the direct family; S_pi
selects action pi(s) in every state).  If alpha d_max <= 1 then B, C >= 0 and

    JSR({A_pi}) = max_pi rho(A_pi),

attained by a deterministic policy; a vector w > 0 with T(w) := max_pi A_pi w <= r w proves
JSR <= r, and x >= 0, x != 0 with A_pi x >= r x proves rho(A_pi) >= r.

Proof
-----
1. *Greedy dominance.*  For w >= 0, (C S_pi w)_i = sum_s C_is w(s, pi(s)) <= sum_s C_is
   max_a w(s, a) = (C S_{pi_w} w)_i with pi_w(s) = argmax_a w(s, a), because C >= 0.  So the
   greedy policy maximises every row of A_pi w at once: T(w) = A_{pi_w} w.
2. *Upper certificates.*  If w > 0 and T(w) <= r w then ||A_pi||_{w,inf} =
   max_i (A_pi w)_i / w_i <= r for every pi; induced norms are submultiplicative, so every
   product of length t has norm <= r^t and JSR <= r.
3. *Lower certificates* (Collatz-Wielandt).  If A >= 0, x >= 0, x != 0 and A x >= r x >= 0
   then A^t x >= r^t x, so ||A^t|| >= r^t and rho(A) >= r; and JSR >= rho(A_pi).
4. *Existence of an extremal vector.*  Fix eps > 0 and E the all-ones matrix; the family
   A_pi + eps E is positive.  Policy iteration: given pi, let x > 0 be the Perron vector of
   A_pi + eps E; if the greedy policy pi' of x differs on some state where it is strictly
   better, then (A_pi' + eps E) x >= rho x with strict inequality somewhere, and for a
   positive matrix this gives rho(A_pi' + eps E) > rho (Perron-Frobenius).  Finitely many
   policies, so it stops at pi with greedy(x) = pi, i.e. T_eps(x) = rho_eps x with x > 0:
   by step 2, JSR(A + eps E) <= rho_eps = max_pi rho(A_pi + eps E).
5. *Limit.*  JSR({A_pi}) <= JSR({A_pi + eps E}) (entrywise monotone for nonnegative
   families) <= max_pi rho(A_pi + eps E) -> max_pi rho(A_pi) as eps -> 0 (continuity of
   the spectral radius, finitely many pi).  With step 3, JSR = max_pi rho(A_pi).  []

The same argument proves Blondel and Nesterov's theorem for sets with independent row
uncertainty (SIAM J. Matrix Anal. Appl. 31(3), 2009); here the rows are coupled through
the shared policy, and step 1 is what makes the greedy policy a member of the family.

Checks run below (sympy, exact):
(a) step 1 symbolically: every row of C S_{pi_w} w - C S_pi w is a sum of products of
    nonnegative symbols;
(b) on a rational 2-state, 2-action instance: the exact Perron roots of all four A_pi as
    algebraic numbers, the exact Perron vector x of the maximiser, and T(x) = r* x exactly,
    which proves JSR = r* for that instance with no floating point anywhere.
The row-sum identity of the family (the row-sum rate) is ``certify/proofs/direct_row_sums.py``.
"""

from __future__ import annotations

import itertools
import sys

import sympy as sp


def check_greedy_dominance() -> str:
    """(a) For 2 states x 2 actions with symbolic C >= 0 and w, the greedy difference."""
    S, A = 2, 2
    n = S * A
    C = sp.Matrix(n, S, lambda i, j: sp.Symbol(f"c{i}{j}", nonnegative=True))
    # w ordered so that action 0 is greedy in both states: w(s,0) = w(s,1) + t_s, t_s >= 0
    t = [sp.Symbol(f"t{s}", nonnegative=True) for s in range(S)]
    u = [sp.Symbol(f"u{s}", positive=True) for s in range(S)]
    w = {(s, 0): u[s] + t[s] for s in range(S)}
    w.update({(s, 1): u[s] for s in range(S)})
    greedy = sp.Matrix([w[(s, 0)] for s in range(S)])
    for pi in itertools.product(range(A), repeat=S):
        other = sp.Matrix([w[(s, pi[s])] for s in range(S)])
        diff = sp.expand(C * (greedy - other))
        for expr in diff:
            if expr != 0 and not expr.is_nonnegative:
                raise AssertionError(f"greedy dominance fails for pi={pi}: {expr}")
    return "greedy policy maximises every row of C S_pi w (symbolic, 2x2)"


def direct_member(P, d, alpha, gamma, pi, S, A) -> sp.Matrix:
    n = S * A
    M = sp.zeros(n, n)
    for i in range(n):
        s, a = divmod(i, A)
        M[i, i] += 1 - alpha * d[i]
        for s2 in range(S):
            M[i, s2 * A + pi[s2]] += alpha * gamma * d[i] * P[s][a][s2]
    return M


def check_rational_instance() -> str:
    """(b) exact JSR of a rational instance through an algebraic Perron vector."""
    R = sp.Rational
    S, A = 2, 2
    P = [[[R(9, 10), R(1, 10)], [R(1, 5), R(4, 5)]], [[R(3, 10), R(7, 10)], [R(3, 5), R(2, 5)]]]
    d = [R(1, 10), R(1, 5), R(3, 10), R(2, 5)]
    alpha, gamma = R(1, 2), R(9, 10)
    lam = sp.Symbol("lam")
    roots = {}
    for pi in itertools.product(range(A), repeat=S):
        M = direct_member(P, d, alpha, gamma, pi, S, A)
        poly = sp.Poly(M.charpoly(lam).as_expr(), lam)
        real = [r for r in sp.real_roots(poly)]
        roots[pi] = (max(real, key=lambda r: sp.N(r, 50)), M)
    best = max(roots, key=lambda p: sp.N(roots[p][0], 50))
    r_star, M = roots[best]
    # all complex roots of every member have modulus <= r_star (Perron: r_star dominates)
    for pi, (_r, Mp) in roots.items():
        for z in sp.Poly(Mp.charpoly(lam).as_expr(), lam).nroots(n=50):
            if abs(z) > sp.N(r_star, 50) + sp.Float(10) ** -40:
                raise AssertionError(f"member {pi} has an eigenvalue above r*")
    null = (M - r_star * sp.eye(S * A)).nullspace()
    if len(null) != 1:
        raise AssertionError("Perron eigenspace is not one-dimensional")
    x = null[0]
    x = x / x[0]
    if any(sp.N(v, 50) <= 0 for v in x):
        raise AssertionError("Perron vector is not positive")
    greedy = tuple(1 if bool(sp.N(x[s * A + 1] - x[s * A], 50) > 0) else 0 for s in range(S))
    if greedy != best:
        raise AssertionError(f"greedy policy {greedy} of the Perron vector differs from {best}")
    Tx = direct_member(P, d, alpha, gamma, greedy, S, A) * x
    residual = (Tx - r_star * x).applyfunc(lambda e: sp.simplify(e))
    if any(e != 0 for e in residual):
        raise AssertionError(f"T(x) != r* x exactly: {residual}")
    return (f"rational 2x2 instance: JSR = r* = {sp.N(r_star, 15)} (root of a quartic), "
            f"attained by pi = {best}; T(x) = r* x holds exactly with x > 0")


def main() -> int:
    try:
        for check in (check_greedy_dominance, check_rational_instance):
            print(f"proved: {check()}")
    except AssertionError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
