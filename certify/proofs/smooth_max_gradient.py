"""Gradients of the smooth maxima (theory.md section 1).

grad lse = grad mellowmax = softmax(lam q) (in the simplex: positive, sums to 1), hence F_lse and
F_mm are gamma-contractions in the sup norm; grad_a bz = w_a (1 + lam (q_a - bz)), which sums to 1
but can have negative entries.  Checked symbolically for m = 3 and against certify's gradients.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ._lemma import run


def steps():
    lam = sp.symbols("lam", positive=True)
    q = sp.symbols("q0:3", real=True)
    Z = sum(sp.exp(lam * x) for x in q)
    w = [sp.exp(lam * x) / Z for x in q]
    lse = sp.log(Z) / lam
    mm = sp.log(Z / 3) / lam
    bz = sum(wi * x for wi, x in zip(w, q, strict=True))
    yield "d lse / d q_a = softmax(lam q)_a", all(sp.simplify(sp.diff(lse, q[a]) - w[a]) == 0
                                                for a in range(3))
    yield "d mellowmax / d q_a = softmax(lam q)_a", all(sp.simplify(sp.diff(mm, q[a]) - w[a]) == 0
                                                      for a in range(3))
    yield "softmax entries are positive and sum to 1", \
        all(wi.is_positive for wi in w) and sp.simplify(sum(w) - 1) == 0
    yield "d bz / d q_a = w_a (1 + lam (q_a - bz))", \
        all(sp.simplify(sp.diff(bz, q[a]) - w[a] * (1 + lam * (q[a] - bz))) == 0 for a in range(3))
    yield "sum_a d bz / d q_a = 1", sp.simplify(sum(sp.diff(bz, x) for x in q) - 1) == 0
    from certify.mdp.bellman import smooth_max_grad

    pt = {q[0]: 1.5, q[1]: -0.25, q[2]: 0.75, lam: 2.0}
    ok = True
    for op, f in (("lse", lse), ("mellowmax", mm), ("boltzmann", bz)):
        sym = np.array([float(sp.diff(f, x).subs(pt)) for x in q])
        ok &= bool(np.allclose(smooth_max_grad(np.array([1.5, -0.25, 0.75]), op, 2.0), sym,
                               atol=1e-13))
    yield "certify.mdp.bellman.smooth_max_grad matches the symbolic gradients", ok


if __name__ == "__main__":
    run("gradients of log-sum-exp, mellowmax (simplex) and Boltzmann", steps)
