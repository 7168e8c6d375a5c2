"""The direct switching family of constant-step Q-learning, as exact data.

A_pi = I + alpha D (gamma P Pi_pi - I) (seed 002, Theorem 1 and Lemma 6) is the selection
family (:mod:`certify.families.selection`) with B = I - alpha D, C = alpha gamma D P, groups =
states, choices = actions.  Its exact entries are defined from the primitive doubles alpha,
gamma, d and P, every product formed exactly (:meth:`DirectFamily.exact_parts`).  This module
is the definition a saved Q-learning certificate is checked against; the model's numerical
side (Perron solves, building the family from an MDP) is
:mod:`certify.algorithms.qlearning.system`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from certify.errors import InvalidFamily
from certify.exact import dyadic
from certify.families.selection import ExactCSR, SelectionFamily


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
    name : str
        Label used in messages and reports.
    """

    family_type = "direct-qlearning"

    def __init__(self, P, d, alpha: float, gamma: float, n_actions: int,
                 name: str = "direct Q-learning family") -> None:
        P = sp.csr_matrix(P, dtype=float)
        P.sort_indices()
        n, S = P.shape
        if n != S * n_actions:
            raise InvalidFamily(f"P: expected shape ({S * n_actions}, {S}), found {P.shape}")
        d = np.asarray(d, dtype=float).reshape(-1)
        if d.shape != (n,) or not np.all(np.isfinite(d)) or (d < 0).any():
            raise InvalidFamily(f"d: expected {n} finite nonnegative numbers, found shape {d.shape}")
        alpha, gamma = float(alpha), float(gamma)
        if not 0 < alpha <= 1 or not 0 <= gamma < 1:
            raise InvalidFamily(f"alpha = {alpha!r}, gamma = {gamma!r}; expected 0 < alpha <= 1 "
                                "and 0 <= gamma < 1")
        self.P, self.d, self.alpha, self.gamma = P, d, alpha, gamma
        D = sp.diags(d)
        B = sp.identity(n, format="csr") - self.alpha * D
        C = self.alpha * self.gamma * (D @ P)
        super().__init__(B, C, n_actions, name)

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
        """B = I - alpha D and C = alpha gamma D P, exactly, from the primitive doubles.

        Computed once per family (the family is not mutated after construction)."""
        cached = self.__dict__.get("_exact_parts_cache")
        if cached is None:
            cached = self._exact_parts()
            self.__dict__["_exact_parts_cache"] = cached
        return cached

    def _exact_parts(self) -> tuple[ExactCSR, ExactCSR]:
        a, g, dd, pp = dyadic([self.alpha]), dyadic([self.gamma]), dyadic(self.d), dyadic(self.P.data)
        a_int, g_int = a.ints[0], g.ints[0]
        e_b = a.exp + dd.exp
        if e_b > 0:
            raise InvalidFamily("alpha * d has an unexpectedly large exponent")
        one = 1 << (-e_b)
        diag = np.array([one - a_int * di for di in dd.ints], dtype=object)
        B = ExactCSR(np.arange(self.n + 1), np.arange(self.n), diag, e_b, (self.n, self.n))
        rows = np.repeat(np.arange(self.n), np.diff(self.P.indptr))
        c_ints = ((a_int * g_int) * dd.ints)[rows] * pp.ints  # one product per pair, then per entry
        C = ExactCSR(self.P.indptr.copy(), self.P.indices.copy(), c_ints,
                     a.exp + g.exp + dd.exp + pp.exp, (self.n, self.m))
        return B, C


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
            raise InvalidFamily(f"policy: expected {parent.m} actions in 0..{parent.k - 1}, "
                               f"found {policy!r}")
        self.parent, self.policy = parent, pol
        super().__init__(parent.B, parent.C @ parent.selector(pol), 1,
                         f"{parent.name}, policy {pol.tolist()}")

    def spec(self) -> dict:
        return {"type": self.family_type, "parent": self.parent.spec(),
                "policy": self.policy.tolist()}

    @classmethod
    def from_spec(cls, spec: dict) -> FixedPolicyFamily:
        try:
            return cls(DirectFamily.from_spec(spec["parent"]), np.asarray(spec["policy"], int))
        except KeyError as exc:
            raise InvalidFamily(f"{cls.family_type} family: missing field {exc.args[0]!r}") from exc

    def exact_parts(self) -> tuple[ExactCSR, ExactCSR]:
        cached = self.__dict__.get("_exact_parts_cache")
        if cached is None:
            cached = self._exact_parts()
            self.__dict__["_exact_parts_cache"] = cached
        return cached

    def _exact_parts(self) -> tuple[ExactCSR, ExactCSR]:
        B, C = self.parent.exact_parts()
        cols = np.arange(self.parent.m) * self.parent.k + self.policy
        new_idx = cols[C.indices]
        # C S_pi keeps one entry per (row, state) and moves it to column (state, pi(state));
        # the column order within a row is preserved because cols is increasing in state
        return B, ExactCSR(C.indptr, new_idx, C.ints, C.exp, (self.n, self.n))
