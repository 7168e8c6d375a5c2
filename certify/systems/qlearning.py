"""Q-learning with a constant step size as a switched linear system (theory.md section 3).

The error e_k = Q_k - Q* of asynchronous Q-learning with i.i.d. sampling obeys
e_{k+1} = A_{sigma_k} e_k + alpha w_k, where

    A_pi = I + alpha D (gamma P Pi_pi - I)        (seed 002, Theorem 1 and Lemma 6)

and sigma_k is a stochastic policy chosen from Q_k.  The *direct family* is
{A_pi : pi deterministic}; its convex hull (stochastic policies) has the same JSR (seed 002,
Lemma 2).  It is a selection family (:mod:`certify.jsr.selection`) with B = I - alpha D,
C = alpha gamma D P, groups = states, choices = actions.

The exact entries of the family are defined from the primitive doubles alpha, gamma, d and
P (every product formed exactly), not from rounded float products.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InvalidInput, SolverError
from ..exact import dyadic
from ..jsr.family import register_family_type
from ..jsr.selection import DENSE_LIMIT, ExactCSR, SelectionFamily
from ..mdp.finite import FiniteMDP
from ..mdp.sampling import Sampling
from ..mdp.validate import as_real_array, check_distribution, check_gamma, check_step_size


class DirectFamily(SelectionFamily):
    """The direct switching family of constant-step Q-learning.

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
    """

    family_type = "direct-qlearning"

    def __init__(self, P, d, alpha: float, gamma: float, n_actions: int,
                 name: str = "direct Q-learning family") -> None:
        P = sp.csr_matrix(P, dtype=float)
        P.sort_indices()
        n, S = P.shape
        if n != S * n_actions:
            raise InvalidInput(f"P: expected shape ({S * n_actions}, {S}), found {P.shape}")
        d = as_real_array(d, "d", (n,))
        check_distribution(d, "d")
        self.P, self.d = P, d
        self.alpha = check_step_size(alpha)
        self.gamma = check_gamma(gamma)
        D = sp.diags(d)
        B = sp.identity(n, format="csr") - self.alpha * D
        C = self.alpha * self.gamma * (D @ P)
        super().__init__(B, C, n_actions, name)

    @classmethod
    def from_mdp(cls, mdp: FiniteMDP, sampling: Sampling, alpha: float) -> DirectFamily:
        return cls(mdp.P_matrix, sampling.d, alpha, mdp.gamma, mdp.n_actions,
                   f"direct family of {mdp.name}, alpha={alpha:g}")

    def spec(self) -> dict:
        return {
            "type": self.family_type,
            "name": self.name,
            "alpha": self.alpha,
            "gamma": self.gamma,
            "n_actions": self.k,
            "d": self.d.tolist(),
            "P": {"shape": list(self.P.shape), "indptr": self.P.indptr.tolist(),
                  "indices": self.P.indices.tolist(), "data": self.P.data.tolist()},
        }

    @classmethod
    def from_spec(cls, spec: dict) -> DirectFamily:
        from ..errors import InvalidFamily

        try:
            p = spec["P"]
            P = sp.csr_matrix((np.asarray(p["data"], float), np.asarray(p["indices"], int),
                               np.asarray(p["indptr"], int)), shape=tuple(p["shape"]))
            P.check_format(full_check=True)  # indices in range, indptr monotone (edited files)
        except (ValueError, TypeError, IndexError) as exc:
            raise InvalidFamily(f"direct-qlearning family: P is not a valid sparse matrix "
                                f"({exc})") from exc
        except KeyError as exc:
            raise InvalidFamily(f"direct-qlearning family: missing field {exc.args[0]!r}") from exc
        try:
            return cls(P, np.asarray(spec["d"], float), spec["alpha"], spec["gamma"],
                       int(spec["n_actions"]), spec.get("name", "direct Q-learning family"))
        except KeyError as exc:
            raise InvalidFamily(f"direct-qlearning family: missing field {exc.args[0]!r}") from exc

    def exact_parts(self) -> tuple[ExactCSR, ExactCSR]:
        """B = I - alpha D and C = alpha gamma D P, exactly, from the primitive doubles."""
        a, g, dd, pp = dyadic([self.alpha]), dyadic([self.gamma]), dyadic(self.d), dyadic(self.P.data)
        a_int, g_int = a.ints[0], g.ints[0]
        e_b = a.exp + dd.exp
        if e_b > 0:
            raise InvalidInput("alpha * d has an unexpectedly large exponent")
        one = 1 << (-e_b)
        diag = np.array([one - a_int * di for di in dd.ints], dtype=object)
        B = ExactCSR(np.arange(self.n + 1), np.arange(self.n), diag, e_b, (self.n, self.n))
        rows = np.repeat(np.arange(self.n), np.diff(self.P.indptr))
        c_ints = (a_int * g_int) * dd.ints[rows] * pp.ints
        C = ExactCSR(self.P.indptr.copy(), self.P.indices.copy(), c_ints,
                     a.exp + g.exp + dd.exp + pp.exp, (self.n, self.m))
        return B, C

    def perron(self, pi: np.ndarray, v0: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """Perron root and vector of A_pi = I - alpha M_pi, M_pi = D (I - gamma P S_pi).

        For large n, inverse iteration (ARPACK) on M_pi^{-1} = (I - gamma P S_pi)^{-1} D^{-1},
        solving through the |S| x |S| system (I - gamma S_pi P) z = S_pi c, y = c + gamma P z.
        """
        if self.n <= DENSE_LIMIT:
            return super().perron(pi, v0)
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


register_family_type("direct-qlearning", DirectFamily.from_spec)


class FixedPolicyFamily(SelectionFamily):
    """The single matrix A_pi of a direct family, as a one-member selection family.

    Used for the lower comparison system e_{k+1} = A_{pi*} e_k + alpha w_k.  Its exact entries
    are those of the parent direct family (from the primitive doubles), with C's columns
    moved to the chosen actions: A_pi = B + C' with C' = C S_pi (group size 1).
    """

    family_type = "direct-qlearning-fixed"

    def __init__(self, parent: DirectFamily, policy: np.ndarray) -> None:
        pol = np.asarray(policy, dtype=int)
        if pol.shape != (parent.m,) or (pol < 0).any() or (pol >= parent.k).any():
            raise InvalidInput(f"policy: expected {parent.m} actions in 0..{parent.k - 1}, "
                               f"found {policy!r}")
        self.parent, self.policy = parent, pol
        super().__init__(parent.B, parent.C @ parent.selector(pol), 1,
                         f"{parent.name}, policy {pol.tolist()}")

    def spec(self) -> dict:
        return {"type": self.family_type, "parent": self.parent.spec(),
                "policy": self.policy.tolist()}

    @classmethod
    def from_spec(cls, spec: dict) -> FixedPolicyFamily:
        from ..errors import InvalidFamily

        try:
            return cls(DirectFamily.from_spec(spec["parent"]), np.asarray(spec["policy"], int))
        except KeyError as exc:
            raise InvalidFamily(f"{cls.family_type} family: missing field {exc.args[0]!r}") from exc

    def exact_parts(self) -> tuple[ExactCSR, ExactCSR]:
        B, C = self.parent.exact_parts()
        cols = np.arange(self.parent.m) * self.parent.k + self.policy
        new_idx = cols[C.indices]
        # C S_pi keeps one entry per (row, state) and moves it to column (state, pi(state));
        # the column order within a row is preserved because cols is increasing in state
        return B, ExactCSR(C.indptr, new_idx, C.ints, C.exp, (self.n, self.n))

    def perron(self, pi: np.ndarray, v0: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        return self.parent.perron(self.policy, v0)


register_family_type("direct-qlearning-fixed", FixedPolicyFamily.from_spec)


def row_sum_rate(sampling: Sampling, alpha: float, gamma: float) -> float:
    """rho_row = max_{(s,a)} |1 - alpha d| + alpha gamma d  (seed 002, Lemma 3).

    With alpha d_max <= 1 this is 1 - alpha d_min (1 - gamma).  It bounds every
    ||A_pi||_inf and hence the JSR.
    """
    d = sampling.d
    return float(np.max(np.abs(1.0 - alpha * d) + alpha * gamma * d))


def trivial_lower_rate(sampling: Sampling, alpha: float, gamma: float) -> float:
    """1 - alpha d_max (1 - gamma) <= max_pi rho(A_pi) (theory.md section 3)."""
    return 1.0 - alpha * sampling.d_max * (1.0 - gamma)


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
