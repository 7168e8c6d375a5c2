"""The condition checker for N-timescale linear SA: (A:1)-(A:3), (B.N.i), (C.N.i).

For a linear SA x' = H x + c with iterates x_1 (fastest) ... x_N (slowest), seed 003's
conditions reduce to (theory.md section 4; the reduction is a reconstruction):

* (A:1) Lipschitz drifts: true for linear drifts, constant ||H||_2.
* (A:2) martingale-difference noise with E[||M||^2 | F] <= K (1 + ||x||^2): true for i.i.d.
  samples with finite support; K = 2 max(E||H_s - H||^2, E||c_s - c||^2) is reported.
* (A:3) step sizes: :mod:`certify.algorithms.td.stepsizes`, decided symbolically.  (The labels follow
  the seed's Section 2: (A:2) noise, (A:3) step sizes.)
* (C.N.i): with x_1..x_{i-1} at their equilibria and x_{i+1..N} frozen, the level-i ODE is
  x_i' = L_i x_i + (linear in the slower iterates), L_i the (i, i) block of the nested Schur
  complement K_i (K_1 = H, K_{i+1} = K_i / its (1,1) block).  It has a unique globally
  asymptotically stable equilibrium, linear (hence Lipschitz) in the slower iterates, iff
  L_i is Hurwitz.
* (B.N.i): the scaled drifts h(c x) / c tend to H x as c -> infinity, so the scaled level-i
  ODE is the same with the constants dropped: the origin is its unique g.a.s. equilibrium
  iff L_i is Hurwitz.

Hurwitz is decided exactly (Routh-Hurwitz over the rationals at the given w) and the exact
set of w for which each L_i(w) is Hurwitz is solved symbolically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy as sp

from certify.algorithms.td.algorithms import Algorithm, W, assemble, expected_mats, sample_mats
from certify.algorithms.td.hurwitz import hurwitz_exact, hurwitz_range, spectral_margin
from certify.algorithms.td.linear import LinearTD, exact_value
from certify.algorithms.td.stepsizes import step_conditions
from certify.verdict import Verdict, combine


@dataclass(frozen=True)
class Condition:
    """One condition: holds (True / False / None = not decided) and the evidence.

    ``refutes`` says whether a failure is a witness against convergence (an exact
    non-Hurwitz level: the linear mean field has an eigenvalue with Re >= 0) or only the
    failure of a sufficient condition (the step sizes of (A:3)), which is inconclusive.
    """

    name: str
    holds: bool | None
    detail: str
    numbers: dict = field(default_factory=dict)
    refutes: bool = True

    def to_dict(self) -> dict:
        status = {True: "holds", False: "fails", None: "undecided"}[self.holds]
        return {"name": self.name, "holds": self.holds, "status": status,
                "detail": self.detail, "failure_refutes": self.refutes,
                **({"numbers": self.numbers} if self.numbers else {})}


def nested_schur(H, k: int, N: int, lib: str = "numpy") -> tuple[list, list]:
    """Level matrices L_i and equilibrium maps E_i (x_i* = E_i [x_{i+1..N}; 1]) of x' = H x + c.

    ``H`` is the augmented matrix [[H, c], [0, 0]] so that constants ride along.
    """
    levels, maps = [], []
    K = H
    for _ in range(N):
        L = K[:k, :k]
        R = K[:k, k:]
        levels.append(L)
        if lib == "numpy":
            E = -np.linalg.solve(L, R) if np.linalg.matrix_rank(L) == k else None
        else:
            E = -L.LUsolve(R) if L.det() != 0 else None
        maps.append(E)
        if E is None:
            break
        K = K[k:, k:] + K[k:, :k] @ E if lib == "numpy" else K[k:, k:] + K[k:, :k] * E
    return levels, maps


def _augment(H, c, lib):
    if lib == "numpy":
        n = H.shape[0]
        out = np.zeros((n + 1, n + 1))
        out[:n, :n], out[:n, n] = H, c
        return out
    return H.row_join(c).col_join(sp.zeros(1, H.shape[1] + 1))


def noise_constant(algo: Algorithm, td: LinearTD, w: float, mdp, behaviour, target) -> float:
    """K of (A:2): 2 max(E||H_s - H||_2^2, E||c_s - c||^2) over the finite sample support."""
    H, c = assemble(algo, expected_mats(td.A, td.b, td.C), w)
    eh = ec = 0.0
    P, R = mdp.P, mdp.R
    for s in range(mdp.n_states):
        for a in range(mdp.n_actions):
            pa = td.mu[s] * behaviour[s, a]
            if pa <= 0:
                continue
            rho = target[s, a] / behaviour[s, a]
            for s2 in np.flatnonzero(P[s, a] > 0):
                p = pa * P[s, a, s2]
                Hs, cs = assemble(algo, sample_mats(td.phi[s], td.phi[s2], R[s, a], rho,
                                                    td.gamma), w)
                eh += p * np.linalg.norm(Hs - H, 2) ** 2
                ec += p * float(np.sum((cs - c) ** 2))
    return 2.0 * max(eh, ec)


def check_conditions(algo: Algorithm, td: LinearTD, exponents: tuple[Fraction, ...],
                     w: float, noise_K: float | None = None) -> tuple[list[Condition], dict]:
    """Every condition of seed 003 for ``algo`` on ``td`` with power-law ``exponents``.

    Returns the conditions and a dict of extras (levels with margins and exact w ranges,
    limits).
    """
    N, k = algo.n_timescales, td.k
    conds: list[Condition] = []
    H, c = assemble(algo, expected_mats(td.A, td.b, td.C), w)
    conds.append(Condition("(A:1)", True, "drifts are linear in the iterates, hence Lipschitz",
                           {"lipschitz": float(np.linalg.norm(H, 2))}))
    # labels as in seed 003, Section 2: (A:2) is the noise, (A:3) the step sizes
    a2 = ("martingale-difference noise of the i.i.d. model (seed 003, Assumption 3: samples "
          "drawn i.i.d. from the stationary law); bounded since the sample support is finite")
    conds.append(Condition("(A:2)", True, a2, {} if noise_K is None else {"K": noise_K}))
    for f in step_conditions(exponents):
        conds.append(Condition(f"(A:3) {f.name}", f.holds, f.detail, refutes=False))
    levels_f, maps_f = nested_schur(_augment(H, c, "numpy"), k, N)
    exact = td.A_exact is not None
    if exact:
        mats_e = expected_mats(td.A_exact, td.b_exact, td.C_exact)
        we = exact_value(w)
        He, ce = assemble(algo, mats_e, we, "sympy")
        levels_e, maps_e = nested_schur(_augment(He, ce, "sympy"), k, N, "sympy")
        Hs, cs = assemble(algo, mats_e, W, "sympy")
        levels_s, _ = nested_schur(_augment(Hs, cs, "sympy"), k, N, "sympy")
    levels_out = []
    for i in range(N):
        var = algo.variables[i]
        # whether level i is reached (every faster level nonsingular) is decided exactly when
        # the exact matrices exist; a float rank test never decides "fails"
        if i >= (len(levels_e) if exact else len(levels_f)):
            why = (f"not reached: the level-{i} matrix is singular (exactly), so the equilibrium "
                   f"of level {i} is not unique" if exact else
                   f"not reached: the level-{i} matrix is numerically singular (float rank); no "
                   "exact check (problem too large for rational arithmetic)")
            for kind in ("C", "B"):
                conds.append(Condition(f"({kind}.{N}.{i + 1})", False if exact else None, why))
            continue
        margin = (spectral_margin(levels_f[i]) if i < len(levels_f)
                  else spectral_margin(np.array(levels_e[i].evalf(), dtype=float)))
        info: dict = {"level": i + 1, "variable": var, "margin": margin}
        if exact:
            hc = hurwitz_exact(levels_e[i])
            rng, how = hurwitz_range(levels_s[i].applyfunc(sp.cancel), W)
            info.update(hurwitz=hc.to_dict(), w_range=None if rng is None else range_text(rng),
                        w_range_method=how)
            holds: bool | None = hc.hurwitz
            info["fragile"] = level_fragile(holds, margin, levels_e[i])
            why = (f"L_{i + 1} ({var}) {'is' if holds else 'is not'} Hurwitz "
                   f"(Routh-Hurwitz, exact; float margin -max Re eig = {margin:.4g})")
            if not holds:
                why += f"; witness: {hc.witness}"
        else:
            holds = None
            why = (f"L_{i + 1} ({var}) float margin -max Re eig = {margin:.4g}; no exact check "
                   "(problem too large for rational arithmetic)")
        lip = None
        if i < len(maps_f) and maps_f[i] is not None:
            lip = float(np.linalg.norm(maps_f[i][:, :-1], 2)) if maps_f[i].shape[1] > 1 else 0.0
        info["equilibrium_lipschitz"] = lip
        levels_out.append(info)
        conds.append(Condition(f"(C.{N}.{i + 1})", holds,
                               f"{why}; the equilibrium map of {var} is linear in the slower "
                               f"iterates (Lipschitz constant {lip if lip is not None else '-'})",
                               {"margin": margin}))
        conds.append(Condition(f"(B.{N}.{i + 1})", holds,
                               f"scaled limit drops the constants: origin unique g.a.s. "
                               f"equilibrium iff L_{i + 1} Hurwitz; {why}", {"margin": margin}))
    extras = {"levels": levels_out}
    if exact and len(maps_e) == N and maps_e[-1] is not None:
        extras["limit_exact"] = [str(x) for x in maps_e[-1][:, -1]]
    return conds, extras


def range_text(rng: sp.Set) -> str:
    """'all w', 'w > 0', 'none' or the sympy relation, for reports."""
    if rng == sp.S.Reals:
        return "all w"
    if rng == sp.S.EmptySet:
        return "none"
    return sp.sstr(sp.simplify(rng.as_relational(W)))


def verdict_of(conds: list[Condition]) -> Verdict:
    """Certified iff every condition holds exactly; refuted iff a condition whose failure is
    a witness against convergence (``refutes``: an exact non-Hurwitz or singular level)
    provably fails; a failed sufficient condition (the step sizes) is inconclusive."""
    vs = [Verdict.CERTIFIED if c.holds else
          (Verdict.REFUTED if c.refutes else Verdict.INCONCLUSIVE) if c.holds is False
          else Verdict.INCONCLUSIVE for c in conds]
    return combine(vs)


def level_fragile(hurwitz: bool | None, margin: float, level: object) -> bool:
    """Whether a level proved Hurwitz has a float margin -max Re eig within rounding of the
    size of its entries (:mod:`certify.margin`): exact for the numbers given, fragile.

    Parameters
    ----------
    hurwitz : bool or None
        The exact Routh-Hurwitz decision.
    margin : float
        -max Re eig, in floating point.
    level : matrix
        The level matrix (sympy or numpy).
    """
    from certify.margin import margin_fields

    entries = np.abs(np.array(getattr(level, "evalf", lambda: level)(), dtype=float))
    scale = float(entries.max()) if entries.size else 0.0
    return bool(hurwitz) and margin_fields(abs(margin), scale)["fragile"]
