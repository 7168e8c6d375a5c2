"""More linear TD algorithms as N-timescale linear SA: traces, emphasis, action values.

Each built-in here is written as the mean field of one of the forms of
:mod:`certify.algorithms.td.algorithms` (TD(0): theta' = b + A theta; GTD2 and TDC on two
timescales with u fastest) with its own A, b, C, so that ``sa check`` decides it with the
same exact conditions (seed 003, Theorems 5.1-5.4; theory.md section 4).  Notation: Phi
(S x k) features, mu the stationary law of the behaviour chain, D = diag(mu), P_pi and r_pi
the target policy's chain and rewards, rho = pi/beta.

* ``gtd2-lambda``, ``tdc-lambda``: GTD2(lambda) and TDC(lambda) with the off-policy trace
  e_t = rho_t (phi_t + gamma lambda e_{t-1}) (Maei 2011; TDC(lambda) is the algorithm
  the thesis calls GTD(lambda)).  With E[delta e] = b_l + A_l theta,

      A_l = Phi^T D (I - gamma lambda P_pi)^{-1} (gamma P_pi - I) Phi,
      b_l = Phi^T D (I - gamma lambda P_pi)^{-1} r_pi,       C = Phi^T D Phi,

  and the trace correction gamma (1 - lambda) E[phi' e^T] = A_l^T + C (since
  (I - gamma lambda P)^{-1} - I = gamma lambda (I - gamma lambda P)^{-1} P), the mean fields
  are GTD2's and TDC's with (A, b) -> (A_l, b_l).  lambda = 0 gives GTD2 and TDC.
* ``etd0``: emphatic TD(0) (Sutton, Mahmood and White 2016) with interest 1: followon
  F_t = gamma rho_{t-1} F_{t-1} + 1, theta += alpha rho_t F_t delta_t phi_t.  Its mean field
  is theta' = b_E + A_E theta with f = (I - gamma P_pi^T)^{-1} mu (the expected followon
  times mu), A_E = Phi^T diag(f) (gamma P_pi - I) Phi, b_E = Phi^T diag(f) r_pi; -A_E is
  positive definite for every behaviour policy that covers the target (Sutton et al. 2016,
  stability of ETD; Yu 2015), so the level is Hurwitz whenever Phi has full rank.
* ``gq0``: GQ(0) (Maei and Sutton 2010): linear action values q(s, a) = theta^T psi(s, a)
  with psi(s, a) = e_a (x) phi(s) (one copy of the state features per action), target
  policy pi in the expected next features psi_bar(s') = sum_a pi(a|s') psi(s', a); TDC's
  updates on the state-action chain (s, a) ~ mu(s) beta(a|s) with no importance ratio:
  A = Psi^T D_sa (gamma P Pi_pi - I) Psi, b = Psi^T D_sa R, C = Psi^T D_sa Psi.

Noise.  GQ(0) and the lambda = 0 cases are single-transition algorithms: under seed 003's
Assumption 3 (i.i.d. samples) their noise is a martingale difference and (A:2) holds with
K computed over the finite sample support.  Emphatic TD is checked in the i.i.d. model with
the emphasis at its expectation given the state, F = f(s)/mu(s) (same mean field; the online
followon trace makes the noise Markov, the setting of Yu 2015, outside seed 003).  With
lambda > 0 the trace makes the noise Markov and (A:2) is left undecided, so the verdict is at
best inconclusive; the levels are still decided exactly (a non-Hurwitz level refutes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from certify.algorithms.td.algorithms import ALGORITHMS, Algorithm, assemble, check_order
from certify.algorithms.td.analysis import SACheck
from certify.algorithms.td.conditions import Condition, check_conditions, verdict_of
from certify.algorithms.td.linear import EXACT_MAX_STATES, LinearTD, exact_stationary, exact_value
from certify.algorithms.td.stepsizes import parse_exponents
from certify.errors import InvalidInput, UnknownName
from certify.mdp.problem import Problem


@dataclass(frozen=True)
class Variant:
    """A built-in of this module: its mean-field form and where it comes from."""

    name: str
    form: str
    title: str
    citation: str
    uses_lambda: bool = False


VARIANTS: dict[str, Variant] = {
    "gtd2-lambda": Variant("gtd2-lambda", "gtd2", "GTD2(lambda)", "Maei 2011", True),
    "tdc-lambda": Variant("tdc-lambda", "tdc", "TDC(lambda) (Maei's GTD(lambda))",
                          "Maei 2011", True),
    "etd0": Variant("etd0", "td0", "emphatic TD(0), interest 1",
                    "Sutton, Mahmood and White 2016; Yu 2015"),
    "gq0": Variant("gq0", "tdc", "GQ(0)", "Maei and Sutton 2010"),
}


def _mat(a: np.ndarray) -> sp.Matrix:
    arr = np.atleast_2d(np.asarray(a, dtype=float))
    return sp.Matrix(arr.shape[0], arr.shape[1], [exact_value(v) for v in arr.reshape(-1)])


@dataclass(frozen=True, eq=False)
class _Chain:
    """The problem's data in floats and (when small enough) exact rationals."""

    phi: np.ndarray
    P: np.ndarray          # (S, A, S)
    R: np.ndarray          # (S, A)
    target: np.ndarray
    behaviour: np.ndarray
    mu: np.ndarray
    gamma: float
    exact: dict | None     # phi, P_pi, r_pi, mu, gamma as sympy objects

    @property
    def P_pi(self) -> np.ndarray:
        return np.einsum("sa,sat->st", self.target, self.P)

    @property
    def r_pi(self) -> np.ndarray:
        return np.einsum("sa,sa->s", self.target, self.R)

    @property
    def ratio(self) -> np.ndarray:
        b = self.behaviour
        return np.where(b > 0, self.target / np.where(b > 0, b, 1.0), 0.0)


def _chain(problem: Problem) -> _Chain:
    from certify.algorithms.td.linear import from_problem

    td = from_problem(problem, exact=False)  # validates features (full rank) and policies
    mdp = problem.mdp
    s = problem.sampling
    beh = s.behaviour if s is not None and s.behaviour is not None else problem.target
    target = problem.target if problem.target is not None else beh
    mu = td.mu
    exact = None
    if mdp.n_states <= EXACT_MAX_STATES:
        res = exact_stationary(np.einsum("sa,sat->st", beh, mdp.P))
        if res is not None:
            mu, mu_e = res
            exact = {"phi": _mat(td.phi), "P_pi": _mat(td.P_pi),
                     "r_pi": _mat(td.r_pi.reshape(-1, 1)), "mu": mu_e,
                     "gamma": exact_value(mdp.gamma)}
    return _Chain(td.phi, mdp.P, mdp.R, target, beh, np.asarray(mu, dtype=float),
                  float(mdp.gamma), exact)


def _ops(lib: str):
    if lib == "numpy":
        return np.eye, lambda v: np.diag(np.ravel(v)), np.linalg.solve
    return sp.eye, lambda v: sp.diag(*list(v)), lambda M, B: M.LUsolve(B)


def _lambda_mats(phi, P, r, mu, gamma, lam, lib):
    eye, diag, solve = _ops(lib)
    S = P.shape[0]
    D = diag(mu)
    inv_rhs = solve(eye(S) - gamma * lam * P, (gamma * P - eye(S)) @ phi)
    A = phi.T @ D @ inv_rhs
    b = phi.T @ D @ solve(eye(S) - gamma * lam * P, r)
    C = phi.T @ D @ phi
    return A, b, C


def _emphatic_mats(phi, P, r, mu, gamma, lib):
    eye, diag, solve = _ops(lib)
    S = P.shape[0]
    f = solve(eye(S) - gamma * P.T, mu if lib == "numpy" else sp.Matrix(mu))
    F = diag(f)
    A = phi.T @ F @ (gamma * P - eye(S)) @ phi
    b = phi.T @ F @ r
    C = phi.T @ diag(mu) @ phi
    return A, b, C, f


def _finish(A, b, C, exact_abc, phi, mu, P, r, gamma, rho_max, off) -> LinearTD:
    b = np.ravel(b)
    try:
        theta = -np.linalg.solve(A, b) if np.linalg.matrix_rank(A) == A.shape[0] else None
    except np.linalg.LinAlgError:
        theta = None
    Ae, be, Ce = exact_abc if exact_abc is not None else (None, None, None)
    return LinearTD(np.asarray(A, dtype=float), b, np.asarray(C, dtype=float), theta, Ae, be, Ce,
                    phi, mu, P, np.ravel(r), gamma, rho_max, off)


def _float(m: sp.Matrix) -> np.ndarray:
    return np.array(m.evalf(), dtype=float)


def lambda_quantities(problem: Problem, lam: float) -> LinearTD:
    """A_l, b_l, C of GTD2(lambda) / TDC(lambda) (module docstring), float and exact."""
    if isinstance(lam, bool) or not isinstance(lam, int | float) or not 0.0 <= lam <= 1.0:
        raise InvalidInput(f"lambda = {lam!r}; expected a trace parameter in [0, 1]")
    ch = _chain(problem)
    g = ch.gamma
    if g * lam >= 1.0:
        raise InvalidInput("gamma * lambda = 1: the lambda-return is not defined (I - gamma "
                           "lambda P_pi is singular); take lambda < 1")
    A, b, C = _lambda_mats(ch.phi, ch.P_pi, ch.r_pi, ch.mu, g, lam, "numpy")
    ex = None
    if ch.exact is not None:
        e = ch.exact
        ex = _lambda_mats(e["phi"], e["P_pi"], e["r_pi"], e["mu"], e["gamma"],
                          exact_value(lam), "sympy")
    return _finish(A, b, C, ex, ch.phi, ch.mu, ch.P_pi, ch.r_pi, g, float(ch.ratio.max()),
                   not np.array_equal(ch.behaviour, ch.target))


def emphatic_quantities(problem: Problem) -> tuple[LinearTD, np.ndarray]:
    """A_E, b_E (and C = Phi^T D Phi for the MSPBE) of emphatic TD(0) with interest 1, and the
    expected-followon weights f = (I - gamma P_pi^T)^{-1} mu."""
    ch = _chain(problem)
    if ch.gamma >= 1.0:
        raise InvalidInput("gamma = 1: the followon trace of emphatic TD needs gamma < 1 on a "
                           "continuing chain")
    A, b, C, f = _emphatic_mats(ch.phi, ch.P_pi, ch.r_pi, ch.mu, ch.gamma, "numpy")
    ex = None
    if ch.exact is not None:
        e = ch.exact
        Ae, be, Ce, _ = _emphatic_mats(e["phi"], e["P_pi"], e["r_pi"], e["mu"], e["gamma"],
                                       "sympy")
        ex = (Ae, be, Ce)
    td = _finish(A, b, C, ex, ch.phi, ch.mu, ch.P_pi, ch.r_pi, ch.gamma, float(ch.ratio.max()),
                 not np.array_equal(ch.behaviour, ch.target))
    return td, np.ravel(f)


def state_action_features(phi: np.ndarray, n_actions: int) -> np.ndarray:
    """psi(s, a) = e_a (x) phi(s): rows indexed s * A + a, k * A columns."""
    S, k = phi.shape
    psi = np.zeros((S * n_actions, k * n_actions))
    for s in range(S):
        for a in range(n_actions):
            psi[s * n_actions + a, a * k:(a + 1) * k] = phi[s]
    return psi


def gq_quantities(problem: Problem) -> LinearTD:
    """A, b, C of GQ(0) on the state-action chain (module docstring), float and exact."""
    ch = _chain(problem)
    S, nA = ch.R.shape
    psi = state_action_features(ch.phi, nA)
    d = (ch.mu[:, None] * ch.behaviour).reshape(-1)
    P_sa = ch.P.reshape(S * nA, S)                                   # (s, a) -> s'
    Pi = np.zeros((S, S * nA))
    for s in range(S):
        Pi[s, s * nA:(s + 1) * nA] = ch.target[s]
    P_chain = P_sa @ Pi
    r = ch.R.reshape(-1)

    def mats(psi_, d_, P_, r_, g_, lib):
        eye, diag, _ = _ops(lib)
        D = diag(d_)
        n = P_.shape[0]
        return (psi_.T @ D @ (g_ * P_ - eye(n)) @ psi_, psi_.T @ D @ r_, psi_.T @ D @ psi_)

    A, b, C = mats(psi, d, P_chain, r, ch.gamma, "numpy")
    if np.linalg.matrix_rank(C) < C.shape[0]:
        raise InvalidInput("gq0: the state-action features are not of full rank under the "
                           "behaviour's state-action law (some action has behaviour probability "
                           "0, or the state features are dependent)")
    ex = None
    if ch.exact is not None:
        e = ch.exact
        beh_e = _mat(ch.behaviour)
        d_e = [e["mu"][s] * beh_e[s, a] for s in range(S) for a in range(nA)]
        ex = mats(_mat(psi), d_e, _mat(P_chain), _mat(r.reshape(-1, 1)), e["gamma"], "sympy")
    return _finish(A, b, C, ex, psi, d, P_chain, r, ch.gamma, 1.0,
                   not np.array_equal(ch.behaviour, ch.target))


def _noise(form: Algorithm, td: LinearTD, samples: list[tuple[float, dict]]) -> float:
    """K of (A:2), 2 max(E||H_s - H||^2, E||c_s - c||^2), over a finite sample support."""
    from certify.algorithms.td.algorithms import expected_mats

    H, c = assemble(form, expected_mats(td.A, td.b, td.C), 1.0)
    eh = ec = 0.0
    for p, m in samples:
        Hs, cs = assemble(form, m, 1.0)
        eh += p * np.linalg.norm(Hs - H, 2) ** 2
        ec += p * float(np.sum((cs - c) ** 2))
    return 2.0 * max(eh, ec)


def _single(phi, phi_bar, r, scale, gamma) -> dict:
    """Sample matrices of a single-transition update scaled by ``scale`` (rho, or rho F)."""
    A = scale * np.outer(phi, gamma * phi_bar - phi)
    return {"A": A, "AT": A.T, "C": np.outer(phi, phi),
            "ATC": scale * gamma * np.outer(phi_bar, phi), "b": scale * r * phi}


def _samples(name: str, problem: Problem, td: LinearTD, f: np.ndarray | None) -> list:
    ch = _chain(problem)
    S, nA = ch.R.shape
    out = []
    ratio = ch.ratio
    for s in range(S):
        for a in range(nA):
            pa = ch.mu[s] * ch.behaviour[s, a]
            if pa <= 0:
                continue
            for s2 in np.flatnonzero(ch.P[s, a] > 0):
                p = pa * ch.P[s, a, s2]
                if name == "gq0":
                    i = s * nA + a
                    bar = ch.target[s2] @ td.phi[s2 * nA:(s2 + 1) * nA]
                    out.append((p, _single(td.phi[i], bar, ch.R[s, a], 1.0, ch.gamma)))
                else:
                    w = ratio[s, a] * (f[s] / ch.mu[s] if f is not None else 1.0)
                    out.append((p, _single(td.phi[s], td.phi[s2], ch.R[s, a], w, ch.gamma)))
    return out


@dataclass(frozen=True, eq=False)
class VariantCheck(SACheck):
    """An :class:`SACheck` of a built-in of this module, with its lambda and a note."""

    lam: float | None = None
    note: str = ""

    def to_dict(self) -> dict:
        d = super().to_dict()
        d.update({"lambda": self.lam, "form": VARIANTS[self.algorithm.name].form,
                  "title": VARIANTS[self.algorithm.name].title,
                  "citation": VARIANTS[self.algorithm.name].citation, "note": self.note})
        return d


def variant_td(name: str, problem: Problem, lam: float | None = None) -> LinearTD:
    """The mean-field quantities (A, b, C) of built-in ``name`` on ``problem``."""
    if name not in VARIANTS:
        raise UnknownName(f"unknown algorithm {name!r}; valid names are {', '.join(VARIANTS)}")
    if name in ("gtd2-lambda", "tdc-lambda"):
        if lam is None:
            raise InvalidInput(f"{name} needs a trace parameter: give --lam in [0, 1]")
        return lambda_quantities(problem, lam)
    if name == "etd0":
        return emphatic_quantities(problem)[0]
    return gq_quantities(problem)


def check_variant(name: str, problem: Problem, exponents: object, lam: float | None = None,
                  order: object = None) -> VariantCheck:
    """``sa check`` for a built-in of this module (module docstring): exact Hurwitz levels,
    symbolic step-size conditions, the noise condition as the module docstring says.

    Parameters
    ----------
    name : gtd2-lambda, tdc-lambda, etd0 or gq0
    problem : Problem with features, a target and a behaviour policy
    exponents : step-size exponents, fastest timescale first (u then theta on two timescales)
    lam : trace parameter in [0, 1] (lambda algorithms only)
    order : optional iterates fastest first, checked against the form

    Examples
    --------
    Emphatic TD(0) is stable where off-policy TD(0) is not (Sutton et al. 2016):

    >>> from certify.algorithms.td.variants import check_variant
    >>> from certify.mdp import load_problem
    >>> check_variant("etd0", load_problem("random-walk-5"), "0.7").verdict.value
    'certified'
    """
    v = VARIANTS.get(name)
    if v is None:
        raise UnknownName(f"unknown algorithm {name!r}; valid names are {', '.join(VARIANTS)}")
    if not v.uses_lambda and lam is not None:
        raise InvalidInput(f"{name} has no trace parameter; omit --lam")
    algo = replace(ALGORITHMS[v.form], name=name)
    check_order(algo, order)
    ex = parse_exponents(exponents, algo.n_timescales, name)
    f = None
    if name == "etd0":
        td, f = emphatic_quantities(problem)
    else:
        td = variant_td(name, problem, lam)
    markov = v.uses_lambda and lam is not None and lam > 0
    K = None if markov else _noise(algo, td, _samples(name, problem, td, f))
    conds, extras = check_conditions(algo, td, ex, 1.0, K)
    note = ""
    if markov:
        note = ("lambda > 0: the trace makes the noise Markov, outside seed 003's i.i.d. "
                "martingale-difference assumption; (A:2) undecided, the levels are exact")
        conds = [Condition("(A:2)", None, note, refutes=False) if c.name == "(A:2)" else c
                 for c in conds]
    elif name == "etd0":
        note = ("i.i.d. model with the emphasis at its expectation F = f(s)/mu(s), f = "
                "(I - gamma P_pi^T)^{-1} mu; the online followon trace gives the same mean field "
                "with Markov noise (Yu 2015)")
    elif name == "gq0":
        note = (f"state-action features psi(s, a) = e_a (x) phi(s) ({td.k} of them); samples "
                "(s, a, s') i.i.d. with (s, a) ~ mu(s) beta(a|s)")
    limit = extras.get("limit_exact")
    return VariantCheck(algo, problem.name, ex, 1.0, td, tuple(conds), tuple(extras["levels"]),
                        None if limit is None else tuple(limit), verdict_of(conds),
                        None if lam is None else float(lam), note)


def run_variant_check(algorithm: str, problem: str, exponents: str, lam: float | None = None,
                      order: str | None = None) -> dict:
    """Command form of :func:`check_variant`: names in, the JSON document out."""
    from certify.mdp import load_problem

    return check_variant(algorithm, load_problem(problem, positive_sampling=False), exponents,
                         lam, order).to_dict()

