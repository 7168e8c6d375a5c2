"""Exact mellowmax / log-sum-exp fixed-point shift (theory.md section 1, [derived]).

mm = lse - ln(m)/w and lse(q + c 1) = lse(q) + c, so if Q_lse = R + gamma P lse(Q_lse) then
Q = Q_lse - k 1 with k = gamma ln(m) / (w (1 - gamma)) satisfies Q = R + gamma P mm(Q):
F_mm(Q_lse - k) = Q_lse - gamma (k + ln(m)/w), equal to Q_lse - k iff k (1 - gamma) = gamma ln(m)/w.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ._lemma import run


def steps():
    w, c = sp.symbols("w c", positive=True)
    gamma = sp.symbols("gamma", positive=True)
    m = sp.symbols("m", integer=True, positive=True)
    q = sp.symbols("q0:3", real=True)
    lse = lambda v: sp.log(sum(sp.exp(w * x) for x in v)) / w  # noqa: E731
    yield "lse(q + c 1) = lse(q) + c", \
        sp.simplify(sp.expand_log(lse([x + c for x in q]) - lse(q) - c, force=True)) == 0
    k = sp.symbols("k", real=True)
    sol = sp.solve(sp.Eq(k, gamma * (k + sp.log(m) / w)), k)
    yield "k = gamma (k + ln(m)/w) has the unique solution gamma ln(m) / (w (1 - gamma))", \
        len(sol) == 1 and sp.simplify(sol[0] - gamma * sp.log(m) / (w * (1 - gamma))) == 0
    from certify.mdp.bellman import smooth_fixed_point
    from certify.mdp.builtins import builtin_problem

    worst = 0.0
    for name in ("seed-sls", "garnet:6:3:2:1"):
        mdp = builtin_problem(name).mdp
        for om in (0.5, 2.0, 10.0):
            ql = smooth_fixed_point(mdp, "lse", om)
            qm = smooth_fixed_point(mdp, "mellowmax", om)
            shift = mdp.gamma * np.log(mdp.n_actions) / (om * (1 - mdp.gamma))
            worst = max(worst, float(np.abs(qm - (ql - shift)).max()))
    yield f"numerically on seed-sls and a Garnet MDP, 3 temperatures: max deviation {worst:.2e} <= 1e-10", \
        worst <= 1e-10


if __name__ == "__main__":
    run("Q_mm(w) = Q_lse(w) - gamma ln(m) / (w (1 - gamma)) 1", steps)
