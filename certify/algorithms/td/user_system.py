"""User-defined N-timescale linear stochastic approximation, checked exactly (seed 003).

A system file (YAML or JSON) gives the mean field h(x) = H x + b of iterates x_1 (fastest)
... x_N (slowest), the step-size exponents and the noise model::

    name: my-system                # optional
    timescales:                    # fastest first: a name and a dimension each
      - {name: v, dim: 2}
      - {name: theta, dim: 2}
    blocks:                        # N x N blocks H_ij (d_i x d_j); 0 means a zero block
      - [[[-1, 0], [0, -1]], 0]
      - [[[0.5, 0], [0, 0.5]], [[-1, 0], [0, -2]]]
    # or  H: [[...]]  (the full matrix, rows in the order of the timescales)
    b: [1, 0, 0, 1]                # optional (default 0)
    exponents: [0.6, 0.8]          # a_i(n) = 1/(n+1)^{e_i}; --exponents overrides
    noise:                         # optional
      model: samples               # (H_s, b_s) with probabilities p_s, i.i.d.
      samples: [{p: 0.5, H: ..., b: ...}, {p: 0.5, H: ..., b: ...}]
    # or  noise: {model: bounded, K: 4}  (E||M||^2 <= K (1 + ||x||^2), the user's assumption)

Numbers are read as exact rationals from their decimal text ("0.1" is 1/10; "1/3" works).
The conditions are those of :mod:`certify.algorithms.td.conditions` for general block sizes: (A:1)
(linear, so Lipschitz), (A:3) decided symbolically (:mod:`certify.algorithms.td.stepsizes`), (A:2) from
the noise model, and (C.N.i) / (B.N.i): the level matrices L_i of the nested Schur
complements are Hurwitz, decided by Routh-Hurwitz over the rationals.  A failed (A:3) is a
failed sufficient condition (inconclusive); a non-Hurwitz or singular level is refuted with
its witness (the Routh entry that is not positive and an eigenvalue with Re >= 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import sympy as sp

from certify.algorithms.td.conditions import Condition, level_fragile, verdict_of
from certify.algorithms.td.hurwitz import hurwitz_exact, spectral_margin
from certify.algorithms.td.stepsizes import parse_exponent, step_conditions
from certify.errors import InvalidInput
from certify.verdict import Verdict

_KEYS = {"name", "description", "timescales", "blocks", "H", "b", "exponents", "noise"}


def exact_number(x: object, where: str) -> Fraction:
    """A rational from an int, a float (its decimal text) or a string such as "1/3"."""
    if isinstance(x, bool) or not isinstance(x, int | float | str | Fraction):
        raise InvalidInput(f"{where}: {x!r} is not a number")
    try:
        f = Fraction(str(x).strip()) if not isinstance(x, Fraction) else x
    except (ValueError, ZeroDivisionError) as exc:
        raise InvalidInput(f"{where}: {x!r} is not a finite number") from exc
    return f


def exact_matrix(x: object, rows: int, cols: int, where: str) -> sp.Matrix:
    """A rows x cols sympy matrix of rationals; the number 0 stands for the zero block."""
    if isinstance(x, int | float) and not isinstance(x, bool) and x == 0:
        return sp.zeros(rows, cols)
    if not isinstance(x, list) or len(x) != rows or not all(
            isinstance(r, list) and len(r) == cols for r in x):
        raise InvalidInput(f"{where}: expected a {rows} x {cols} matrix (a list of {rows} rows "
                           f"of {cols} numbers) or 0")
    return sp.Matrix(rows, cols, [sp.Rational(exact_number(v, where)) for r in x for v in r])


def exact_vector(x: object, n: int, where: str) -> sp.Matrix:
    if x is None:
        return sp.zeros(n, 1)
    if not isinstance(x, list) or len(x) != n:
        raise InvalidInput(f"{where}: expected {n} numbers")
    return sp.Matrix(n, 1, [sp.Rational(exact_number(v, where)) for v in x])


@dataclass(frozen=True)
class UserSystem:
    """x' = H x + b over iterates of dimensions ``dims`` (fastest first), exact rationals."""

    name: str
    variables: tuple[str, ...]
    dims: tuple[int, ...]
    H: sp.Matrix
    b: sp.Matrix
    exponents: tuple[Fraction, ...] | None
    noise: dict

    @property
    def n_timescales(self) -> int:
        return len(self.dims)


def system_from_dict(data: object, name: str = "system") -> UserSystem:
    """Validate a parsed system file (module docstring) into a :class:`UserSystem`."""
    if not isinstance(data, dict):
        raise InvalidInput(f"{name}: a system file is a mapping with keys timescales, blocks "
                           "(or H), b, exponents, noise")
    unknown = set(data) - _KEYS
    if unknown:
        raise InvalidInput(f"{name}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                           f"expected {', '.join(sorted(_KEYS))}")
    ts = data.get("timescales")
    if not isinstance(ts, list) or not ts:
        raise InvalidInput(f"{name}: 'timescales' must list the iterates fastest first, e.g. "
                           "[{name: v, dim: 2}, {name: theta, dim: 2}]")
    variables, dims = [], []
    for i, t in enumerate(ts, start=1):
        if not isinstance(t, dict) or not isinstance(t.get("dim"), int) or isinstance(
                t.get("dim"), bool) or t["dim"] < 1:
            raise InvalidInput(f"{name}: timescale {i} needs an integer dim >= 1, found {t!r}")
        variables.append(str(t.get("name", f"x{i}")))
        dims.append(int(t["dim"]))
    n = sum(dims)
    if ("blocks" in data) == ("H" in data):
        raise InvalidInput(f"{name}: give the mean field either as 'blocks' (N x N) or as 'H' "
                           "(the full matrix), not both or neither")
    if "H" in data:
        H = exact_matrix(data["H"], n, n, f"{name}: H")
    else:
        bl = data["blocks"]
        if not isinstance(bl, list) or len(bl) != len(dims) or not all(
                isinstance(r, list) and len(r) == len(dims) for r in bl):
            raise InvalidInput(f"{name}: 'blocks' must be {len(dims)} rows of {len(dims)} "
                               "blocks (matrices, or 0 for a zero block)")
        H = sp.Matrix.vstack(*[sp.Matrix.hstack(*[
            exact_matrix(bl[i][j], dims[i], dims[j], f"{name}: block ({i + 1}, {j + 1})")
            for j in range(len(dims))]) for i in range(len(dims))])
    b = exact_vector(data.get("b"), n, f"{name}: b")
    ex = data.get("exponents")
    exps = None
    if ex is not None:
        if not isinstance(ex, list) or len(ex) != len(dims):
            raise InvalidInput(f"{name}: 'exponents' must give {len(dims)} numbers, fastest first")
        exps = tuple(parse_exponent(e) for e in ex)
    noise = data.get("noise") or {"model": "unspecified"}
    if not isinstance(noise, dict) or noise.get("model") not in ("samples", "bounded",
                                                                 "unspecified"):
        raise InvalidInput(f"{name}: noise.model must be samples, bounded or unspecified")
    return UserSystem(str(data.get("name", name)), tuple(variables), tuple(dims), H, b, exps,
                      noise)


def load_system(path: str | Path) -> UserSystem:
    """Read a YAML/JSON system file."""
    from certify.mdp.io import read_structured

    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"{path}: no such system file")
    return system_from_dict(read_structured(p), p.stem)


def level_matrices(H: sp.Matrix, b: sp.Matrix, dims: tuple[int, ...]) -> tuple[list, list]:
    """Exact nested Schur complements: L_i and the equilibrium maps x_i* = E_i [slower; 1].

    Level i sees the faster iterates at their equilibria: K_1 = [[H, b], [0, 0]],
    K_{i+1} = K_i[rest, rest] - K_i[rest, i] L_i^{-1} K_i[i, rest].  Stops (returning fewer
    levels) when some L_i is singular.
    """
    n = H.shape[0]
    K = H.row_join(b).col_join(sp.zeros(1, n + 1))
    levels, maps = [], []
    for d in dims:
        L = K[:d, :d]
        levels.append(L)
        if L.det() == 0:
            maps.append(None)
            break
        E = -L.LUsolve(K[:d, d:])
        maps.append(E)
        K = K[d:, d:] + K[d:, :d] * E
    return levels, maps


def noise_condition(sys_: UserSystem) -> Condition:
    """(A:2) from the noise model."""
    nz = sys_.noise
    model = nz.get("model")
    if model == "bounded":
        k = exact_number(nz.get("K"), "noise.K")
        if k < 0:
            raise InvalidInput("noise.K must be >= 0")
        return Condition("(A:2)", True, f"martingale-difference noise with E||M||^2 <= K (1 + "
                         f"||x||^2), K = {k} (the file's assumption, not checked)",
                         {"K": float(k)})
    if model == "unspecified":
        return Condition("(A:2)", None, "no noise model given: (A:2) is not decided")
    samples = nz.get("samples")
    n = sys_.H.shape[0]
    if not isinstance(samples, list) or not samples:
        raise InvalidInput("noise.samples must list {p, H, b} samples")
    total, mh, mb = Fraction(0), sp.zeros(n, n), sp.zeros(n, 1)
    mats = []
    for i, s in enumerate(samples, start=1):
        if not isinstance(s, dict):
            raise InvalidInput(f"noise.samples[{i}] must be a mapping with p, H, b")
        p = exact_number(s.get("p"), f"noise.samples[{i}].p")
        if p <= 0:
            raise InvalidInput(f"noise.samples[{i}].p = {p} must be > 0")
        hs = exact_matrix(s.get("H"), n, n, f"noise.samples[{i}].H")
        bs = exact_vector(s.get("b"), n, f"noise.samples[{i}].b")
        total += p
        mh += sp.Rational(p) * hs
        mb += sp.Rational(p) * bs
        mats.append((p, hs, bs))
    if total != 1:
        raise InvalidInput(f"noise.samples: the probabilities sum to {total}, not 1")
    if mh != sys_.H or mb != sys_.b:
        raise InvalidInput("noise.samples: the sample mean of (H_s, b_s) is not (H, b) exactly")
    hf = np.array(sys_.H.evalf(), dtype=float)
    bf = np.array(sys_.b.evalf(), dtype=float).ravel()
    eh = sum(float(p) * np.linalg.norm(np.array(hs.evalf(), dtype=float) - hf, 2) ** 2
             for p, hs, _ in mats)
    eb = sum(float(p) * float(np.sum((np.array(bs.evalf(), dtype=float).ravel() - bf) ** 2))
             for p, _, bs in mats)
    return Condition("(A:2)", True, "i.i.d. samples with finite support: martingale-difference "
                     "noise, E||M||^2 <= K (1 + ||x||^2) with K = 2 max(E||H_s - H||^2, "
                     "E||b_s - b||^2); the sample mean equals (H, b) exactly",
                     {"K": 2.0 * max(eh, eb)})


@dataclass(frozen=True)
class UserSACheck:
    """Every condition of seed 003 on a user-defined system, and the verdict."""

    system: UserSystem
    exponents: tuple[Fraction, ...]
    conditions: tuple[Condition, ...]
    levels: tuple[dict, ...]
    limit_exact: tuple[str, ...] | None
    verdict: Verdict

    @property
    def failing(self) -> list[str]:
        return [c.name for c in self.conditions if c.holds is False]

    def to_dict(self) -> dict:
        s = self.system
        return {"system": s.name, "n_timescales": s.n_timescales,
                "timescales": [{"level": i + 1, "variable": v, "dim": d, "exponent": str(e)}
                               for i, (v, d, e) in enumerate(zip(s.variables, s.dims,
                                                                 self.exponents, strict=True))],
                "conditions": [c.to_dict() for c in self.conditions],
                "levels": list(self.levels), "failing": self.failing,
                "limit_exact": None if self.limit_exact is None else list(self.limit_exact),
                "verdict": self.verdict.value}


def check_system(sys_: UserSystem, exponents: object = None) -> UserSACheck:
    """Decide (A:1)-(A:3), (B.N.i), (C.N.i) for ``sys_`` exactly."""
    n_ts = sys_.n_timescales
    if exponents is None:
        if sys_.exponents is None:
            raise InvalidInput(f"{sys_.name}: no step-size exponents (give 'exponents' in the "
                               "file or --exponents)")
        ex = sys_.exponents
    else:
        items = exponents.split(",") if isinstance(exponents, str) else list(exponents)
        if len(items) != n_ts:
            raise InvalidInput(f"exponents: the system has {n_ts} timescales and needs {n_ts} "
                               f"exponents, found {len(items)}")
        ex = tuple(parse_exponent(e) for e in items)
    conds = [Condition("(A:1)", True, "the mean field is linear in the iterates, hence "
                       "Lipschitz", {"lipschitz": float(np.linalg.norm(
                           np.array(sys_.H.evalf(), dtype=float), 2))})]
    conds.append(noise_condition(sys_))
    conds += [Condition(f"(A:3) {f.name}", f.holds, f.detail, refutes=False)
              for f in step_conditions(ex)]
    levels, maps = level_matrices(sys_.H, sys_.b, sys_.dims)
    info = []
    for i, var in enumerate(sys_.variables):
        if i >= len(levels):
            why = (f"not reached: level {i} is singular (exactly), so its equilibrium is not "
                   "unique")
            conds += [Condition(f"({k}.{n_ts}.{i + 1})", False, why) for k in ("C", "B")]
            continue
        L = levels[i]
        hc = hurwitz_exact(L)
        margin = spectral_margin(np.array(L.evalf(), dtype=float))
        why = (f"L_{i + 1} ({var}) {'is' if hc.hurwitz else 'is not'} Hurwitz (Routh-Hurwitz, "
               f"exact; float margin -max Re eig = {margin:.4g})")
        if not hc.hurwitz:
            why += f"; witness: {hc.witness}"
        if maps[i] is None and hc.hurwitz is False:
            why += "; L is singular (eigenvalue 0)"
        info.append({"level": i + 1, "variable": var, "margin": margin,
                     "fragile": level_fragile(hc.hurwitz, margin, L),
                     "hurwitz": hc.to_dict()})
        conds.append(Condition(f"(C.{n_ts}.{i + 1})", hc.hurwitz, f"{why}; the equilibrium "
                               "map is linear in the slower iterates", {"margin": margin}))
        conds.append(Condition(f"(B.{n_ts}.{i + 1})", hc.hurwitz, "scaled limit drops the "
                               f"constants: origin unique g.a.s. iff L_{i + 1} Hurwitz; {why}",
                               {"margin": margin}))
    limit = None
    if len(maps) == n_ts and all(m is not None for m in maps):
        # back-substitute: the slowest level's map is its equilibrium
        limit = _limit(maps, sys_.dims)
    return UserSACheck(sys_, ex, tuple(conds), tuple(info), limit, verdict_of(conds))


def _limit(maps: list, dims: tuple[int, ...]) -> tuple[str, ...]:
    """x* from the equilibrium maps (slowest first): x_N* = E_N 1, x_i* = E_i [x_{i+1..N}*; 1]."""
    tail = sp.Matrix([[1]])
    for E in reversed(maps):
        xi = E * tail
        tail = xi.col_join(tail)
    return tuple(sp.sstr(v) for v in tail[:-1])

