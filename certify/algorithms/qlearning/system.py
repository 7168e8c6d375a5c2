"""Q-learning with a constant step size as a switched linear system (theory.md section 3).

The error e_k = Q_k - Q* of asynchronous Q-learning with i.i.d. sampling obeys
e_{k+1} = A_{sigma_k} e_k + alpha w_k, where

    A_pi = I + alpha D (gamma P Pi_pi - I)        (seed 002, Theorem 1 and Lemma 6)

and sigma_k is a stochastic policy chosen from Q_k.  The *direct family* is
{A_pi : pi deterministic}; its convex hull (stochastic policies) has the same JSR (seed 002,
Lemma 2).  It is a selection family (:mod:`certify.families.selection`) with B = I - alpha D,
C = alpha gamma D P, groups = states, choices = actions.

The exact entries of the family are defined from the primitive doubles alpha, gamma, d and
P (every product formed exactly), not from rounded float products.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from certify.errors import InvalidInput, SolverError, found
from certify.families import direct
from certify.mdp.finite import FiniteMDP
from certify.mdp.sampling import Sampling
from certify.mdp.validate import as_real_array, check_distribution, check_gamma, check_step_size


class DirectFamily(direct.DirectFamily):
    """The direct family of :mod:`certify.families.direct`, validated, with its Perron solver.

    Parameters
    ----------
    P : sparse (n, S)
        Pair-to-next-state transition matrix (state-major rows).
    d : array (n,)
        Sampling distribution over pairs.
    alpha : float
        Step size in (0, 1].
    gamma : float
        Discount in [0, 1).
    n_actions : int
    name : str
        Label used in messages and reports.
    """

    def __init__(self, P, d, alpha: float, gamma: float, n_actions: int,
                 name: str = "direct Q-learning family") -> None:
        n = sp.csr_matrix(P).shape[0]
        d = as_real_array(d, "d", (n,))
        check_distribution(d, "d")
        super().__init__(P, d, check_step_size(alpha), check_gamma(gamma), n_actions, name)

    @classmethod
    def from_mdp(cls, mdp: FiniteMDP, sampling: Sampling, alpha: float) -> DirectFamily:
        return cls(mdp.P_matrix, sampling.d, alpha, mdp.gamma, mdp.n_actions,
                   f"direct family of {mdp.name}, alpha={alpha:g}")


    def perron(self, pi: np.ndarray, v0: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """Perron root and vector of A_pi = I - alpha M_pi, M_pi = D (I - gamma P S_pi).

        For large n, inverse iteration on M_pi (:func:`certify.algorithms.qlearning.perron_direct.
        direct_perron`); if it fails, ARPACK on M_pi^{-1} = (I - gamma P S_pi)^{-1} D^{-1},
        solving through the |S| x |S| system (I - gamma S_pi P) z = S_pi c, y = c + gamma P z.
        """
        from certify.jsr.policy_iteration import DENSE_LIMIT

        if self.n <= DENSE_LIMIT:
            from certify.jsr.policy_iteration import generic_perron

            return generic_perron(self, pi, v0)
        if self.alpha * float(self.d.max()) <= 1.0:
            from certify.algorithms.qlearning.perron_direct import direct_perron

            try:
                return direct_perron(self.P, self.d, self.alpha, self.gamma, self.k, pi, v0)
            except SolverError:
                pass
        import scipy.sparse.linalg as spla  # the ARPACK fallback only

        S = self.m
        sel = self.selector(pi)
        lhs = (sp.identity(S, format="csr") - self.gamma * (sel @ self.P)).tocsr()
        dinv = 1.0 / self.d

        def m_inv(b: np.ndarray) -> np.ndarray:
            c = dinv * np.asarray(b).reshape(-1)
            rhs = sel @ c
            # I - gamma P_pi is an M-matrix with condition number about 1/(1 - gamma):
            # BiCGSTAB converges in a few dozen steps; GMRES is the slower, steadier backup.
            z, info = spla.bicgstab(lhs, rhs, rtol=1e-15, atol=1e-300, maxiter=2000)
            if info != 0:
                z, info = spla.gmres(lhs, rhs, rtol=1e-15, atol=1e-300, restart=60, maxiter=200)
            if info != 0:
                raise SolverError(f"inner Krylov solve did not converge (info={info})")
            return c + self.gamma * (self.P @ z)

        op = spla.LinearOperator((self.n, self.n), matvec=m_inv, dtype=float)
        v0 = np.ones(self.n) if v0 is None else v0
        vals, vecs = spla.eigs(op, k=1, which="LM", v0=v0, tol=1e-14, maxiter=10_000)
        mu = 1.0 / float(vals[0].real)
        x = np.abs(vecs[:, 0].real)
        return 1.0 - self.alpha * mu, x / x.max()








class FixedPolicyFamily(direct.FixedPolicyFamily):
    """:class:`certify.families.direct.FixedPolicyFamily` with the parent's Perron solver."""

    def perron(self, pi: np.ndarray, v0: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        return self.parent.perron(self.policy, v0)








def row_sum_rate(sampling: Sampling, alpha: float, gamma: float) -> float:
    """rho_row = max_{(s,a)} |1 - alpha d| + alpha gamma d  (seed 002, Lemma 3).

    With alpha d_max <= 1 this is 1 - alpha d_min (1 - gamma).  It bounds every
    ||A_pi||_inf and hence the JSR.

    Parameters
    ----------
    sampling : Sampling
    alpha : float
        Step size.
    gamma : float
        Discount.

    Examples
    --------
    >>> from certify import load_problem, row_sum_rate
    >>> p = load_problem("seed-sls")   # d_min = 0.1
    >>> row_sum_rate(p.sampling, alpha=0.5, gamma=0.9)   # 1 - 0.5 * 0.1 * (1 - 0.9), rounded up
    0.9950000000000001
    """
    from certify.exact.printing import safe_round
    from certify.mdp.validate import check_gamma, check_step_size

    if not isinstance(sampling, Sampling):
        raise InvalidInput(f"sampling: expected a Sampling (problem.sampling, uniform_sampling(mdp)), "
                           f"found {found(sampling)}")
    alpha, gamma = check_step_size(alpha), check_gamma(gamma)
    return float(safe_round(row_sum_rate_exact(sampling, alpha, gamma), "upper", style="float"))


def row_sum_rate_exact(sampling: Sampling, alpha: float, gamma: float) -> Fraction:
    """:func:`row_sum_rate` in exact rationals of the stored doubles alpha, gamma and d."""
    a, g = Fraction(alpha), Fraction(gamma)
    return max(abs(1 - a * Fraction(x)) + a * g * Fraction(x)
               for x in np.unique(np.asarray(sampling.d, dtype=float)).tolist())


def trivial_lower_rate(sampling: Sampling, alpha: float, gamma: float) -> float:
    """1 - alpha d_max (1 - gamma) <= max_pi rho(A_pi) (theory.md section 3)."""
    from certify.exact.printing import safe_round

    return float(safe_round(trivial_lower_rate_exact(sampling, alpha, gamma), "lower", style="float"))


def trivial_lower_rate_exact(sampling: Sampling, alpha: float, gamma: float) -> Fraction:
    """:func:`trivial_lower_rate` in exact rationals of the stored doubles."""
    return 1 - Fraction(alpha) * Fraction(float(sampling.d_max)) * (1 - Fraction(gamma))


def comparison_systems(mdp: FiniteMDP, sampling: Sampling, alpha: float,
                       q_star: np.ndarray, pi_star: np.ndarray) -> dict:
    """Affine comparison systems of the switching-system analysis (Lee and He, 2020).

    Lower system: e_{k+1} = A_{pi*} e_k + alpha w_k (linear, one matrix).
    Upper system: e_{k+1} = A_{pi_k} e_k + b_{pi_k} + alpha w_k with pi_k greedy for Q_k and
    b_pi = alpha gamma D P (Pi_pi - Pi_{pi*}) Q*  (<= 0 entrywise), so the upper system's
    matrices form the direct family and its affine terms are returned per greedy policy on
    demand via ``b(pi)``.
    """
    fam = DirectFamily.from_mdp(mdp, sampling, alpha)
    D = sp.diags(sampling.d)
    qs = np.asarray(q_star).reshape(-1)

    def b(pi: np.ndarray) -> np.ndarray:
        diff = fam.selector(pi) @ qs - fam.selector(pi_star) @ qs
        return alpha * mdp.gamma * (D @ (mdp.P_matrix @ diff))

    return {"lower_matrix": fam.member(pi_star), "upper_family": fam, "b": b}
