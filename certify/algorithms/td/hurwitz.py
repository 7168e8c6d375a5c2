"""Hurwitz stability decided exactly: the Routh-Hurwitz criterion over the rationals, and
the exact set of a parameter w for which a matrix M(w) is Hurwitz.

Routh (1877), Hurwitz (1895): a real polynomial a_0 s^n + ... + a_n with a_0 > 0 has every
root in the open left half-plane iff every entry of the first column of its Routh array is
positive; a zero entry there means some root is not in the open left half-plane.  Applied to
the characteristic polynomial of a rational matrix this is an exact decision (no eigenvalue
is computed).  In a parameter w the first-column entries are rational functions of w, and
the set of w where all are positive is solved by sympy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

_s = sp.Symbol("s")
SYMBOLIC_MAX_DIM = 4


def routh_first_column(coeffs: list) -> list:
    """First column of the Routh array of a_0 s^n + ... + a_n (entries as given: sympy
    Rationals or expressions).  Stops early (returning the column so far, ending in 0) when a
    first-column entry vanishes."""
    r0 = list(coeffs[0::2])
    r1 = list(coeffs[1::2])
    col = [r0[0]]
    n = len(coeffs) - 1
    for _ in range(n):
        if not r1:
            break
        r1 = r1 + [0] * (len(r0) - len(r1))
        col.append(r1[0])
        if sp.simplify(r1[0]) == 0:
            break
        nxt = [sp.cancel((r1[0] * r0[j + 1] - r0[0] * r1[j + 1]) / r1[0])
               for j in range(len(r0) - 1)]
        r0, r1 = r1, [x for x in nxt]
        while r1 and len(col) + len(r1) > n + 1 and r1[-1] == 0:
            r1.pop()
    return col


@dataclass(frozen=True)
class HurwitzCheck:
    """Exact Hurwitz decision for one rational matrix, with a float margin for reading."""

    hurwitz: bool
    method: str
    first_column: list[str]
    margin: float
    witness: str = ""

    def to_dict(self) -> dict:
        return {"hurwitz": self.hurwitz, "method": self.method,
                "routh_first_column": self.first_column, "margin": self.margin,
                **({"witness": self.witness} if self.witness else {})}


def spectral_margin(m: np.ndarray) -> float:
    """-max Re(eig(m)) in floats (positive means Hurwitz, up to rounding)."""
    if m.size == 0:
        return float("inf")
    return float(-np.max(np.linalg.eigvals(np.asarray(m, dtype=float)).real))


def hurwitz_exact(m: sp.Matrix) -> HurwitzCheck:
    """Decide whether the rational matrix ``m`` is Hurwitz by Routh-Hurwitz, exactly."""
    coeffs = m.charpoly(_s).all_coeffs()
    col = routh_first_column([sp.Rational(c) for c in coeffs])
    ok = len(col) == len(coeffs) and all(c > 0 for c in col)
    fm = np.array(m.evalf(), dtype=float)
    return HurwitzCheck(bool(ok), "Routh-Hurwitz on the exact characteristic polynomial",
                        [str(c) for c in col], spectral_margin(fm),
                        "" if ok else non_hurwitz_witness(m, col))


def non_hurwitz_witness(m: sp.Matrix, col: list) -> str:
    """Why ``m`` is not Hurwitz: the Routh first-column entry that is not positive (exact)
    and an eigenvalue with Re >= 0 (an exact real root when there is one, else isolated
    numerically to 30 digits)."""
    bad = next(i for i, c in enumerate(col) if not c > 0) if col and not all(
        c > 0 for c in col) else len(col) - 1
    poly = sp.Poly(m.charpoly(_s).as_expr(), _s)
    real = [r for r in sp.real_roots(poly) if r >= 0]
    if real:
        eig = f"exact real eigenvalue {sp.sstr(max(real))} >= 0"
    else:
        roots = [complex(z) for z in sp.Poly(poly).nroots(n=30)]
        z = max(roots, key=lambda r: (round(r.real, 12), r.imag))
        eig = f"eigenvalue {z.real:.6g}{z.imag:+.6g}i with Re >= 0"
    return (f"Routh first-column entry {bad + 1} = {sp.sstr(col[bad])} is not > 0 "
            f"(sign change); {eig}")


def hurwitz_range(m: sp.Matrix, w: sp.Symbol) -> tuple[sp.Set | None, str]:
    """The exact set of real w for which ``m(w)`` is Hurwitz, and how it was found.

    When m(w) = f(w) M0 with M0 constant, m(w) is Hurwitz iff (f(w) > 0 and M0 Hurwitz) or
    (f(w) < 0 and -M0 Hurwitz); both facts are decided exactly.  Otherwise, for matrices of
    size at most SYMBOLIC_MAX_DIM, the Routh first column of det(sI - m(w)) is solved for
    positivity in w.  Returns (None, reason) when neither applies.
    """
    nz = [x for x in m if sp.simplify(x) != 0]
    if not nz:
        return sp.EmptySet, "the matrix is zero for every w"
    f = nz[0]
    m0 = (m / f).applyfunc(sp.cancel)
    if not m0.free_symbols:
        pos = hurwitz_exact(m0).hurwitz
        neg = hurwitz_exact(-m0).hurwitz
        out: sp.Set = sp.EmptySet
        if pos:
            out = out.union(sp.solveset(f > 0, w, sp.S.Reals))
        if neg:
            out = out.union(sp.solveset(f < 0, w, sp.S.Reals))
        return out, (f"m(w) = ({sp.sstr(f)}) M0 with M0 constant; M0 Hurwitz: {pos}, "
                     f"-M0 Hurwitz: {neg} (Routh-Hurwitz, exact)")
    if m.shape[0] > SYMBOLIC_MAX_DIM:
        return None, f"symbolic Routh-Hurwitz skipped: size {m.shape[0]} > {SYMBOLIC_MAX_DIM}"
    coeffs = [sp.cancel(c) for c in m.charpoly(_s).all_coeffs()]
    col = routh_first_column(coeffs)
    if len(col) < len(coeffs):
        return sp.EmptySet, "a Routh first-column entry vanishes identically in w"
    out = sp.S.Reals
    for c in col[1:]:
        out = out.intersect(sp.solveset(c > 0, w, sp.S.Reals))
    return out, "Routh-Hurwitz first column solved for positivity in w (sympy)"
