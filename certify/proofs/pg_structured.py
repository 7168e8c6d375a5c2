"""Proof of the closed forms behind certify.algorithms.pg.structured (two-action softmax PG, seeds 004).

Run ``python -m certify.proofs.pg_structured``.  Checked in sympy:

1. On a 2-state, 2-action MDP with rational P, R, gamma, tau, mu, rho, V is built
   symbolically in the policy (p_1, p_2) and differentiated by sympy; the closed forms are
   compared with these derivatives exactly at the rational policy (1/3, 5/7) (and in floats
   at random points by tests/test_pg_structured.py): dV/dx_s = u_s q_s c_s (x_s the logit
   difference, dx_s = dp_s / q_s), with
   u = rho^T R, v = R r_p, c_s = Delta r_s + gamma Delta P(s) . v - tau x_s.
2. The Hessian J_st = gamma (q_t u_t q_s c_s N_ts + q_s u_s q_t c_t N_st)
   + delta_st (-tau u_s q_s + (1 - 2 p_s) w_s), N = Delta P R: exact at a rational policy.
3. The third derivative dJ_st/dx_k of certify.algorithms.pg.structured.third_derivative, compared with
   the exact derivative of step 2's closed form at a rational policy.
4. h(p) = p (1 - p) ln(p/(1 - p)): h'' > 0 on (0, 1/2), h'(0.17) < 0 < h'(0.19), so h is
   decreasing on [0, 0.17] and increasing on [0.19, 1/2] (and odd about 1/2); on
   [0.17, 0.19], h >= h(0.17) + h'(0.17) * 0.02 > -0.2250.
5. KL(p) = p ln(p/mu_1) + (1 - p) ln((1 - p)/mu_0) is convex with minimum -ln(mu_0 + mu_1)
   at p* = mu_1 / (mu_0 + mu_1); r_p = sum_a pi (R - tau ln(pi/mu)) = r_0 + p Delta r - tau KL.
6. Krawczyk identity: R = C + (I - C A) R for A R = I and any C.
7. With B the (2S x S) map x -> W (columns e_(s,1) - e_(s,0)): B^T B = 2 I, and for
   |u|_inf <= 1, (B^T u)_s = u_(s,1) - u_(s,0) ranges over [-2, 2], so
   ||B J B^T||_{inf -> 1} = 4 ||J||_{inf -> 1}.
"""

from __future__ import annotations

import sympy as sp

from certify.proofs._lemma import run

R_ = sp.Rational
GAMMA, TAU = R_(4, 5), R_(1, 3)
MU = (R_(2, 5), R_(3, 5))
RHO = sp.Matrix([[R_(1, 4), R_(3, 4)]])
P0 = sp.Matrix([[R_(1, 2), R_(1, 2)], [R_(1, 5), R_(4, 5)]])
P1 = sp.Matrix([[R_(9, 10), R_(1, 10)], [R_(2, 3), R_(1, 3)]])
R0 = sp.Matrix([1, R_(1, 2)])
R1 = sp.Matrix([0, 2])
p1, p2 = sp.symbols("p1 p2", positive=True)
PS = (p1, p2)


def kl(p):
    return p * sp.log(p / MU[1]) + (1 - p) * sp.log((1 - p) / MU[0])


def model():
    """V(p), and the closed-form pieces u, v, q, c, w, N, J as sympy expressions in p."""
    pp = sp.Matrix([[P0[s, j] + PS[s] * (P1[s, j] - P0[s, j]) for j in range(2)]
                    for s in range(2)])
    rp = sp.Matrix([R0[s] + PS[s] * (R1[s] - R0[s]) - TAU * kl(PS[s]) for s in range(2)])
    rm = (sp.eye(2) - GAMMA * pp).inv()
    u = RHO * rm
    v = rm * rp
    value = (RHO * v)[0]
    dp = P1 - P0
    x = [sp.log(p / (1 - p)) - sp.log(MU[1] / MU[0]) for p in PS]
    q = [p * (1 - p) for p in PS]
    c = [R1[s] - R0[s] + GAMMA * (dp[s, :] * v)[0] - TAU * x[s] for s in range(2)]
    w = [u[s] * q[s] * c[s] for s in range(2)]
    n = dp * rm
    jm = sp.Matrix(2, 2, lambda s, t: GAMMA * (q[t] * u[t] * q[s] * c[s] * n[t, s]
                                               + q[s] * u[s] * q[t] * c[t] * n[s, t])
                   + (-TAU * u[s] * q[s] + (1 - 2 * PS[s]) * w[s] if s == t else 0))
    return value, w, jm, q


def ddx(expr, s, q):
    """d/dx_s = q_s d/dp_s."""
    return q[s] * sp.diff(expr, PS[s])


POINT = {p1: R_(1, 3), p2: R_(5, 7)}


def steps():
    value, w, jm, q = model()
    for s in range(2):
        diff = (ddx(value, s, q) - w[s]).subs(POINT)
        yield (f"dV/dx_{s + 1} = u q c exactly at p = (1/3, 5/7)",
               sp.nsimplify(sp.simplify(diff)) == 0)
    for s in range(2):
        for t in range(2):
            diff = (ddx(ddx(value, s, q), t, q) - jm[s, t]).subs(POINT)
            yield (f"d2V/dx_{s + 1}dx_{t + 1} = J_{s + 1}{t + 1} exactly at p = (1/3, 5/7)",
                   sp.simplify(diff) == 0)
    yield from third_step(jm, q)
    pv = sp.Symbol("p", positive=True)
    h = pv * (1 - pv) * sp.log(pv / (1 - pv))
    h1 = sp.diff(h, pv)
    h2 = sp.simplify(sp.diff(h, pv, 2))
    yield ("h'' = -2 ln(p/(1-p)) + (1 - 2p)/(p(1 - p)) > 0 on (0, 1/2) (both terms > 0)",
           sp.simplify(h2 - (-2 * sp.log(pv / (1 - pv)) + (1 - 2 * pv) / (pv * (1 - pv)))) == 0)
    a, b = h1.subs(pv, R_(17, 100)), h1.subs(pv, R_(19, 100))
    yield (f"h'(0.17) = {sp.N(a, 6)} < 0 < h'(0.19) = {sp.N(b, 6)}",
           bool(a < 0) and bool(b > 0))
    low = h.subs(pv, R_(17, 100)) + a * R_(2, 100)
    yield (f"min h on [0.17, 0.19] >= h(0.17) + h'(0.17) 0.02 = {sp.N(low, 8)} > -0.2250",
           bool(low > -R_(225, 1000)))
    yield ("h(1 - p) = -h(p)",
           sp.simplify(sp.expand_log(h.subs(pv, 1 - pv) + h, force=True)) == 0)
    m0, m1 = sp.symbols("mu0 mu1", positive=True)
    klg = pv * sp.log(pv / m1) + (1 - pv) * sp.log((1 - pv) / m0)
    pstar = m1 / (m0 + m1)
    yield ("KL'' = 1/(p(1 - p)) > 0 and KL'(p*) = 0 with KL(p*) = -ln(mu0 + mu1)",
           sp.simplify(sp.diff(klg, pv, 2) - 1 / (pv * (1 - pv))) == 0
           and sp.simplify(sp.diff(klg, pv).subs(pv, pstar)) == 0
           and sp.simplify(sp.expand_log(klg.subs(pv, pstar) + sp.log(m0 + m1),
                                         force=True)) == 0)
    am = sp.Matrix(2, 2, sp.symbols("a11 a12 a21 a22"))
    cm = sp.Matrix(2, 2, sp.symbols("c11 c12 c21 c22"))
    rinv = am.inv()
    yield ("Krawczyk: A^{-1} = C + (I - C A) A^{-1} for any C",
           sp.simplify(cm + (sp.eye(2) - cm * am) * rinv - rinv) == sp.zeros(2, 2))
    bm = sp.Matrix([[-1, 0], [1, 0], [0, -1], [0, 1]])
    yield ("B^T B = 2 I; B^T u = (u_(s,1) - u_(s,0))_s spans [-2, 2]^S for |u|_inf <= 1",
           bm.T * bm == 2 * sp.eye(2))


def third_step(jm, q):
    """dJ/dx_k from the product-rule formula of certify.algorithms.pg.structured.third_derivative."""
    import numpy as np

    from certify.algorithms.pg.structured import MR, box_parts, third_derivative, two_action_data
    from certify.mdp.finite import FiniteMDP

    p_arr = np.array([[[float(P0[s, j]) for j in range(2)], [float(P1[s, j]) for j in range(2)]]
                      for s in range(2)])
    r_arr = np.array([[float(R0[s]), float(R1[s])] for s in range(2)])
    mdp = FiniteMDP(p_arr, r_arr, float(GAMMA), layout="SAS", name="proof")
    d = two_action_data(mdp, float(TAU), np.array([float(m) for m in MU]),
                        np.array([float(x) for x in RHO]))
    pt = np.array([1 / 3, 5 / 7])
    qq = pt * (1 - pt)
    xx = np.log(pt / (1 - pt)) - np.log(float(MU[1]) / float(MU[0]))
    klv = pt * np.log(pt / float(MU[1])) + (1 - pt) * np.log((1 - pt) / float(MU[0]))
    parts = box_parts(d, MR(pt[None]), MR(qq[None]), MR((qq * xx)[None]), MR(klv[None]))
    tm = third_derivative(d, parts).m[0]
    worst = 0.0
    for s in range(2):
        for t in range(2):
            for k in range(2):
                exact = sp.N(ddx(jm[s, t], k, q).subs(POINT), 30)
                worst = max(worst, abs(float(exact) - tm[s, t, k]))
    yield (f"dJ_st/dx_k: product-rule formula = exact derivative of J at p = (1/3, 5/7) "
           f"(max difference {worst:.1e}, float evaluation of the formula)", worst < 1e-12)


if __name__ == "__main__":
    run("closed forms of certify.algorithms.pg.structured (gradient, Hessian and its derivative of the "
        "two-action soft value; enclosure facts)", steps)
