"""TD(0), GTD2, TDC and their heavy-ball variants: update rules and N-timescale linear SA.

Update rules (theory.md section 4; Sutton et al. 2009 for GTD2/TDC; seed 003, Section 5 for
momentum), with delta = r + gamma theta^T phi' - theta^T phi and importance ratio rho:

    TD(0):  theta += alpha rho delta phi
    GTD2:   u += beta (rho delta - phi^T u) phi;   theta += alpha rho (phi - gamma phi') phi^T u
    TDC:    u as GTD2;                             theta += alpha rho (delta phi - gamma phi' phi^T u)
    GTD:    u += beta (rho delta phi - u);             theta += alpha rho (phi - gamma phi') phi^T u
            (the original GTD of Sutton, Szepesvari and Maei 2008: E[h] = b + A theta - u,
            E[g] = -A^T u; checked and simulated like GTD2)
    -M-3TS: theta_{t+1} = theta_t + alpha_t g_t + eta_t (theta_t - theta_{t-1}),
            eta_t = (varrho_t - w alpha_t) / varrho_{t-1}         (heavy ball on theta)
    -M-4TS: the same heavy ball on u too, eta'_t = (varrho'_t - w beta_t) / varrho'_{t-1}.

With v_t = (theta_t - theta_{t-1}) / varrho_{t-1} the heavy ball splits into
v_{t+1} = v_t + xi_t (g_t - w v_t) and theta_{t+1} = theta_t + varrho_t v_{t+1}, xi_t =
alpha_t / varrho_t (and likewise y for u with xi'_t = beta_t / varrho'_t).  The variables,
fastest timescale first, are (u, theta) for GTD2/TDC, (v, u, theta) for the 3-timescale and
(v, y, u, theta) for the 4-timescale variants.  Which momentum variable is fastest in the
4-timescale case is a reconstruction (the seed's formulas were lost); both orders give the
same nested limiting ODEs.  The expected drifts use

    E[g] = -A^T u (GTD2),  E[g] = b + A theta - (A^T + C) u (TDC),  E[h] = b + A theta - C u,

since gamma E[rho phi' phi^T] = (A + C)^T.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from certify.errors import InvalidInput, UnknownName

W = sp.Symbol("w", real=True)

# a drift row: {variable: [(coefficient in w, matrix name)]}, plus the name of its constant
Row = tuple[dict[str, list[tuple[sp.Expr, str]]], str | None]

_G_GTD2: dict[str, list] = {"u": [(sp.Integer(-1), "AT")]}
_G_TDC: dict[str, list] = {"u": [(sp.Integer(-1), "ATC")], "theta": [(sp.Integer(1), "A")]}
_H: dict[str, list] = {"u": [(sp.Integer(-1), "C")], "theta": [(sp.Integer(1), "A")]}


def _momentum(var: str, drift: dict, const: str | None) -> Row:
    return ({var: [(-W, "I")], **drift}, const)


@dataclass(frozen=True)
class Algorithm:
    """One algorithm as an N-timescale linear SA.

    Attributes
    ----------
    name : str
    variables : tuple of str
        Iterates, fastest timescale first.
    rows : tuple of Row
        Expected drift of each variable: linear terms and the constant ("b" or None).
    steps : tuple of str
        What each timescale's step a_i is in the algorithm's own notation.
    momentum : int
        0, 1 (theta) or 2 (theta and u).
    base : str
        "td0", "gtd2" or "tdc".
    """

    name: str
    variables: tuple[str, ...]
    rows: tuple[Row, ...]
    steps: tuple[str, ...]
    momentum: int
    base: str

    @property
    def n_timescales(self) -> int:
        return len(self.variables)


def _make() -> dict[str, Algorithm]:
    out = {"td0": Algorithm("td0", ("theta",), (({"theta": [(sp.Integer(1), "A")]}, "b"),),
                            ("alpha",), 0, "td0")}
    out["gtd"] = Algorithm("gtd", ("u", "theta"),
                           (({"u": [(sp.Integer(-1), "I")], "theta": [(sp.Integer(1), "A")]}, "b"),
                            (_G_GTD2, None)), ("beta", "alpha"), 0, "gtd")
    for base, g, gconst in (("gtd2", _G_GTD2, None), ("tdc", _G_TDC, "b")):
        out[base] = Algorithm(base, ("u", "theta"), ((_H, "b"), (g, gconst)),
                              ("beta", "alpha"), 0, base)
        out[f"{base}-m3"] = Algorithm(
            f"{base}-m3", ("v", "u", "theta"),
            (_momentum("v", g, gconst), (_H, "b"), ({"v": [(sp.Integer(1), "I")]}, None)),
            ("xi = alpha/varrho", "beta", "varrho"), 1, base)
        out[f"{base}-m4"] = Algorithm(
            f"{base}-m4", ("v", "y", "u", "theta"),
            (_momentum("v", g, gconst), _momentum("y", _H, "b"),
             ({"y": [(sp.Integer(1), "I")]}, None), ({"v": [(sp.Integer(1), "I")]}, None)),
            ("xi = alpha/varrho", "xi' = beta/varrho'", "varrho'", "varrho"), 2, base)
    return out


ALGORITHMS: dict[str, Algorithm] = _make()


def get_algorithm(name: str) -> Algorithm:
    if name not in ALGORITHMS:
        raise UnknownName(f"unknown algorithm {name!r}; valid names are {', '.join(ALGORITHMS)}")
    return ALGORITHMS[name]


def check_order(algo: Algorithm, order: object) -> None:
    """Refuse an ordering of the timescales other than the one the analysis needs."""
    if order is None:
        return
    given = tuple(str(order).split(",")) if isinstance(order, str) else tuple(order)
    given = tuple(x.strip() for x in given)
    if given != algo.variables:
        raise InvalidInput(
            f"order: {','.join(given)} contradicts {algo.name}, whose analysis puts the "
            f"iterates on timescales {','.join(algo.variables)} (fastest first): each faster "
            "iterate must equilibrate for the slower ones frozen")


def assemble(algo: Algorithm, mats: dict, w, lib: str = "numpy"):
    """Drift matrix H and constant c of x' = H x + c, variables stacked fastest first.

    ``mats`` maps "A", "AT", "C", "ATC" (= A^T + C) and "b" to numpy arrays (``lib`` =
    "numpy") or sympy matrices ("sympy"); ``w`` is a number or the sympy symbol W.
    """
    k = mats["A"].shape[0]
    N = algo.n_timescales
    idx = {v: i for i, v in enumerate(algo.variables)}
    if lib == "numpy":
        H = np.zeros((N * k, N * k))
        c = np.zeros(N * k)
        eye = np.eye(k)
    else:
        H = sp.zeros(N * k, N * k)
        c = sp.zeros(N * k, 1)
        eye = sp.eye(k)
    for i, (terms, const) in enumerate(algo.rows):
        for var, parts in terms.items():
            j = idx[var]
            block = None
            for coef, name in parts:
                m = eye if name == "I" else mats[name]
                cv = coef.subs(W, w) if lib == "sympy" else float(coef.subs(W, w))
                block = cv * m if block is None else block + cv * m
            H[i * k:(i + 1) * k, j * k:(j + 1) * k] = block
        if const is not None:
            if lib == "numpy":
                c[i * k:(i + 1) * k] = mats[const]
            else:
                c[i * k:(i + 1) * k, 0] = mats[const]
    return H, c


def expected_mats(A, b, C, lib: str = "numpy") -> dict:
    """The matrices of :func:`assemble` from A, b, C."""
    return {"A": A, "AT": A.T, "C": C, "ATC": A.T + C, "b": b}


def sample_mats(phi: np.ndarray, phi_next: np.ndarray, r: float, rho: float,
                gamma: float) -> dict:
    """Single-sample versions: A_s = rho phi (gamma phi' - phi)^T, C_s = phi phi^T,
    (A^T + C)_s = rho gamma phi' phi^T, b_s = rho r phi."""
    A = rho * np.outer(phi, gamma * phi_next - phi)
    return {"A": A, "AT": -rho * np.outer(phi - gamma * phi_next, phi), "C": np.outer(phi, phi),
            "ATC": rho * gamma * np.outer(phi_next, phi), "b": rho * r * phi}
