"""Linear-TD quantities of a policy-evaluation problem: A, b, C, theta*, MSPBE.

For features Phi (S x k), a target policy pi, a behaviour policy beta whose state chain has
stationary law mu, and i.i.d. samples (s, a, s') with s ~ mu, a ~ beta(.|s), s' ~ P(.|s, a)
and importance ratio rho = pi(a|s) / beta(a|s) (seed 003, Section 5; Sutton et al. 2009;
Maei 2011):

    A = E[rho phi (gamma phi' - phi)^T] = Phi^T M (gamma P_pi - I) Phi,
    b = E[rho r phi]                    = Phi^T M r_pi,
    C = E[phi phi^T]                    = Phi^T M Phi,
    theta* = -A^{-1} b,   MSPBE(theta) = (b + A theta)^T C^{-1} (b + A theta),

with M = diag(mu), P_pi(s, s') = sum_a pi(a|s) P(s'|s, a) and r_pi(s) = sum_a pi(a|s) R(s, a).
On-policy (beta = pi) the ratios are 1.  Everything is computed twice: in floating point and
exactly in rationals (every double is a dyadic rational, so the exact values are those of
the data as given); the exact matrices feed the exact Hurwitz checks of
:mod:`certify.algorithms.td.conditions`.  Decimal data is read as the small-denominator rational it
spells (:func:`exact_value`: the double 0.9 is read as 9/10), so the exact quantities are
those of the problem as written.

:func:`chain_quantities` takes a state chain directly and accepts gamma = 1 on a transient
(substochastic) chain, e.g. an episodic chain with its terminal state removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from certify.errors import InvalidInput
from certify.mdp.problem import Problem
from certify.mdp.validate import as_real_array

EXACT_MAX_STATES = 60


@dataclass(frozen=True, eq=False)
class LinearTD:
    """A, b, C, theta* of linear TD on one problem (float and exact).

    Attributes
    ----------
    A, b, C : float arrays (k, k), (k,), (k, k)
    theta_star : float array (k,) or None
        -A^{-1} b (None when A is singular).
    A_exact, b_exact, C_exact : sympy Matrix of Rationals, or None when the problem is too
        large for exact arithmetic (more than EXACT_MAX_STATES states).
    phi, mu, P_pi, r_pi : the data (features, state weights, target chain, target rewards).
    rho_max : float
        Largest importance ratio over pairs with beta > 0 (1 on-policy).
    off_policy : bool
    """

    A: np.ndarray
    b: np.ndarray
    C: np.ndarray
    theta_star: np.ndarray | None
    A_exact: sp.Matrix | None
    b_exact: sp.Matrix | None
    C_exact: sp.Matrix | None
    phi: np.ndarray
    mu: np.ndarray
    P_pi: np.ndarray
    r_pi: np.ndarray
    gamma: float
    rho_max: float = 1.0
    off_policy: bool = False

    @property
    def k(self) -> int:
        return int(self.phi.shape[1])

    @property
    def full_rank(self) -> bool:
        return int(np.linalg.matrix_rank(self.phi)) == self.k

    def theta_star_exact(self) -> sp.Matrix | None:
        """-A^{-1} b in rationals (None when A is singular or not computed exactly)."""
        if self.A_exact is None or self.A_exact.det() == 0:
            return None
        return -self.A_exact.LUsolve(self.b_exact)

    def mspbe(self, theta: np.ndarray) -> np.ndarray:
        """MSPBE(theta) = (b + A theta)^T C^+ (b + A theta), batched over leading axes.

        The pseudo-inverse equals C^{-1} for full-rank features and is the right formula
        otherwise too, since b + A theta = Phi^T M (T V - V) lies in the range of C.
        """
        e = np.asarray(theta, dtype=float) @ self.A.T + self.b
        return np.einsum("...i,ij,...j->...", e, np.linalg.pinv(self.C), e)

    def summary(self) -> dict:
        return {"k": self.k, "gamma": self.gamma, "off_policy": self.off_policy,
                "rho_max": self.rho_max, "A": self.A.tolist(), "b": self.b.tolist(),
                "C": self.C.tolist(),
                "theta_star": None if self.theta_star is None else self.theta_star.tolist()}


def exact_value(v: float) -> sp.Rational:
    """The rational a double spells: p/q with q <= 10^6 when it is within 1e-15 relative, else
    the double's exact binary value.  So 0.9 is read as 9/10 and 6/7 (as a double) as 6/7."""
    f = Fraction(float(v))
    near = f.limit_denominator(10**6)
    if abs(near - f) <= Fraction(1, 10**15) * max(1, abs(f)):
        f = near
    return sp.Rational(f.numerator, f.denominator)


def _exact(a: np.ndarray) -> sp.Matrix:
    arr = np.atleast_2d(np.asarray(a, dtype=float))
    return sp.Matrix(arr.shape[0], arr.shape[1], [exact_value(v) for v in arr.reshape(-1)])


def chain_quantities(P_pi: np.ndarray, r_pi: np.ndarray, phi: np.ndarray, gamma: float,
                     mu: np.ndarray, exact: bool = True, rho_max: float = 1.0,
                     off_policy: bool = False, mu_exact: sp.Matrix | None = None) -> LinearTD:
    """A, b, C, theta* from a state chain P_pi, rewards r_pi, features and state weights mu.

    ``gamma`` may be 1 when P_pi is substochastic (a transient chain); the caller is then
    responsible for mu being a sensible weighting (e.g. expected visit counts).  ``mu_exact``
    (rationals) replaces the float mu in the exact computation when given.
    """
    P_pi = as_real_array(P_pi, "P_pi", (None, None))
    S = P_pi.shape[0]
    phi = as_real_array(phi, "features", (S, None))
    r_pi = as_real_array(r_pi, "r_pi", (S,))
    mu = as_real_array(mu, "mu", (S,))
    if not 0.0 <= gamma <= 1.0:
        raise InvalidInput(f"gamma = {gamma!r}; expected a discount in [0, 1]")
    M = np.diag(mu)
    A = phi.T @ M @ (gamma * P_pi - np.eye(S)) @ phi
    b = phi.T @ M @ r_pi
    C = phi.T @ M @ phi
    try:
        theta = -np.linalg.solve(A, b) if np.linalg.matrix_rank(A) == A.shape[0] else None
    except np.linalg.LinAlgError:
        theta = None
    Ae = be = Ce = None
    if exact and S <= EXACT_MAX_STATES:
        Phe = _exact(phi)
        Me = sp.diag(*(list(mu_exact) if mu_exact is not None else list(_exact(mu))))
        g = exact_value(gamma)
        Ae = Phe.T * Me * (g * _exact(P_pi) - sp.eye(S)) * Phe
        be = Phe.T * Me * _exact(r_pi.reshape(-1, 1))
        Ce = Phe.T * Me * Phe
    return LinearTD(A, b, C, theta, Ae, be, Ce, phi, mu, P_pi, r_pi, float(gamma),
                    rho_max, off_policy)


def exact_stationary(P_state: np.ndarray) -> tuple[np.ndarray, sp.Matrix] | None:
    """Stationary law of a small stochastic matrix, solved in rationals.

    None when it is not unique or when the rows do not sum to 1 exactly (then the caller
    falls back to floats and the exact checks are skipped)."""
    S = P_state.shape[0]
    Pe = _exact(P_state)
    m = (Pe - sp.eye(S)).T
    m = m.col_join(sp.ones(1, S))
    rhs = sp.zeros(S, 1).col_join(sp.Matrix([[1]]))
    try:
        sol, params = m.gauss_jordan_solve(rhs)
    except ValueError:
        return None
    if params.shape[0] != 0:
        return None
    return np.array([float(x) for x in sol], dtype=float), sol


def from_problem(problem: Problem, features: np.ndarray | None = None,
                 require_full_rank: bool = True, exact: bool = True) -> LinearTD:
    """Linear-TD quantities of ``problem`` (features, target and behaviour from the problem).

    Raises
    ------
    InvalidInput
        No features, features of the wrong shape or rank-deficient (when
        ``require_full_rank``: the theory of seed 003, Assumption 1, needs Phi of full column
        rank), or a behaviour policy with zero probability on an action the target takes.
    """
    mdp = problem.mdp
    S = mdp.n_states
    phi = features if features is not None else problem.features
    if phi is None:
        raise InvalidInput(f"features: problem {problem.name!r} has none; linear TD needs a "
                           f"features array of shape ({S}, k)")
    phi = as_real_array(phi, "features", (S, None))
    if phi.shape[1] == 0:
        raise InvalidInput(f"features: expected shape ({S}, k) with k >= 1, found {phi.shape}")
    rank = int(np.linalg.matrix_rank(phi))
    if require_full_rank and rank < phi.shape[1]:
        raise InvalidInput(
            f"features: the {S} x {phi.shape[1]} feature matrix has rank {rank} < "
            f"{phi.shape[1]}; the gradient-TD theory (seed 003, Assumption 1) needs full "
            "column rank (drop or combine dependent features)")
    target = problem.target
    sampling = problem.sampling
    beta = sampling.behaviour if sampling is not None and sampling.behaviour is not None else None
    if target is None:
        target = beta
    if target is None:
        raise InvalidInput(f"target: problem {problem.name!r} has neither a target policy nor "
                           "a behaviour policy to evaluate")
    if beta is None:
        beta = target
    bad = np.argwhere((beta <= 0) & (target > 0))
    if bad.size:
        s, a = (int(x) for x in bad[0])
        raise InvalidInput(
            f"behaviour[{s}][{a}] = {beta[s, a]!r} while target[{s}][{a}] = {target[s, a]!r}: "
            "the behaviour policy must give positive probability to every action the target "
            "policy takes (importance ratios pi/beta must exist)")
    P = mdp.P
    P_beta = np.einsum("sa,sat->st", beta, P)
    P_pi = np.einsum("sa,sat->st", target, P)
    r_pi = np.einsum("sa,sa->s", target, mdp.R)
    mu = mu_exact = None
    if exact and S <= EXACT_MAX_STATES:
        res = exact_stationary(P_beta)
        if res is not None:
            mu, mu_exact = res
    if mu is None:
        w, v = np.linalg.eig(P_beta.T)
        near = np.flatnonzero(np.abs(w - 1.0) < 1e-9)
        if near.size != 1:
            raise InvalidInput("behaviour: the state chain under the behaviour policy has "
                               f"{near.size} stationary laws; linear TD needs exactly one")
        mu = np.real(v[:, near[0]])
        mu = mu / mu.sum()
        exact = False
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(beta > 0, target / np.where(beta > 0, beta, 1.0), 0.0)
    off = not np.array_equal(beta, target)
    return chain_quantities(P_pi, r_pi, phi, mdp.gamma, mu, exact=exact,
                            rho_max=float(ratios.max()), off_policy=off, mu_exact=mu_exact)
