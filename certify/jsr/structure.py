"""Structure of a matrix family, detected exactly before the heavy JSR methods run.

* **Zero JSR.**  JSR(Sigma) = 0 iff Sigma is nilpotent: every product of length n vanishes
  (Gurvits 1995; Jungers, *The Joint Spectral Radius*, Springer 2009, Cor. 2.3).  Decided
  exactly by the subspaces V_0 = R^n, V_{t+1} = span{A_i V_t}: V_n is the span of the
  images of all products of length n, so the family is nilpotent iff V_n = {0}.
* **Common block-triangular form by a permutation.**  Let G be the graph on {0..n-1} with
  an edge i -> j when some member has A[i, j] != 0.  Ordering the strongly connected
  components of G so that every edge goes forward puts every member in block upper
  triangular form, and JSR(Sigma) = max over diagonal blocks of JSR(Sigma_b) (Jungers 2009,
  Prop. 1.5: eigenvalues of a block-triangular product are those of its diagonal blocks).
* **Nonnegativity** (every entry >= 0): the cone variant of the invariant polytope applies.
* **Rank one.**  A_i = u_i v_i^T (exactly).  A product A_{w_k} ... A_{w_1} equals
  u_{w_k} v_{w_1}^T prod_t (v_{w_{t+1}} . u_{w_t}), so with M_ij = |v_j . u_i| (the weight of
  the step i -> j) the JSR is the maximum cycle geometric mean of M, reached on a simple
  cycle (Ahmadi and Parrilo, "Joint spectral radius of rank one matrices and the maximum
  cycle mean problem", CDC 2012; Gurvits 1995).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.sparse.csgraph import connected_components

from certify.exact.structure import OutOfTime, nilpotent_depth, rank_one_factors
from certify.families.matrix import Family

MAX_RANK_ONE_MEMBERS = 64
"""Maximum cycle mean by max-times matrix powers costs m^4: rank-one detection stops here."""


@dataclass(frozen=True)
class BlockForm:
    """A permutation ``perm`` (new index k holds old index perm[k]) and the diagonal blocks
    (lists of new indices, in order) of a common block upper-triangular form."""

    perm: tuple[int, ...]
    blocks: tuple[tuple[int, ...], ...]

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(b) for b in self.blocks)


def block_triangular_form(mats: list[np.ndarray]) -> BlockForm:
    """Strongly connected components of the union support, in a forward order."""
    support = np.zeros(mats[0].shape, dtype=bool)
    for a in mats:
        support |= np.asarray(a) != 0
    n = support.shape[0]
    ncomp, labels = connected_components(support.astype(np.int8), directed=True,
                                         connection="strong")
    comp_edges = {(labels[i], labels[j]) for i, j in zip(*np.nonzero(support), strict=True)
                  if labels[i] != labels[j]}
    indeg = {c: 0 for c in range(ncomp)}
    for _a, b in comp_edges:
        indeg[b] += 1
    order: list[int] = []
    ready = sorted(c for c in range(ncomp) if indeg[c] == 0)
    while ready:
        c = ready.pop(0)
        order.append(c)
        for a, b in sorted(comp_edges):
            if a == c:
                indeg[b] -= 1
                if indeg[b] == 0:
                    ready.append(b)
    perm: list[int] = []
    blocks: list[tuple[int, ...]] = []
    for c in order:
        members = [i for i in range(n) if labels[i] == c]
        blocks.append(tuple(range(len(perm), len(perm) + len(members))))
        perm.extend(members)
    return BlockForm(tuple(perm), tuple(blocks))


def block_members(exact_or_float: list[np.ndarray], form: BlockForm, b: int) -> list[np.ndarray]:
    """The diagonal block ``b`` of every member, after the permutation."""
    idx = [form.perm[k] for k in form.blocks[b]]
    return [np.asarray(a)[np.ix_(idx, idx)] for a in exact_or_float]


def max_cycle_mean(M: np.ndarray) -> tuple[float, tuple[int, ...]]:
    """Float maximum cycle geometric mean of a nonnegative matrix and a simple cycle
    (a word of member indices) attaining it, by max-times matrix powers with back-pointers."""
    m = M.shape[0]
    with np.errstate(divide="ignore"):
        L = np.log(np.asarray(M, dtype=float))
    best, best_word = -np.inf, (0,)
    P = L.copy()
    parents: list[np.ndarray] = []
    for k in range(1, m + 1):
        if k > 1:
            cand = P[:, :, None] + L[None, :, :]  # path i -> l (k-1 steps), then l -> j
            parents.append(np.argmax(cand, axis=1))
            P = np.max(cand, axis=1)
        d = np.diag(P) / k
        i = int(np.argmax(d))
        if d[i] > best * (1 + 1e-13) + 1e-300 and np.isfinite(d[i]):
            best = float(d[i])
            path = [i]
            j = i
            for step in range(k - 1, 0, -1):  # recover the k-step path i -> ... -> i
                j = int(parents[step - 1][i, j])
                path.append(j)
            best_word = tuple(reversed(path[1:])) + (i,) if k > 1 else (i,)
    return (float(np.exp(best)) if np.isfinite(best) else 0.0), best_word


def max_times_subeigenvector(M: np.ndarray, lam: Fraction) -> list[Fraction]:
    """c >= 1 with M_ij c_j <= lam c_i for all i, j, exactly, when every cycle of M/lam has
    product < 1: c_i = max(1, max over paths from i of the product of M/lam) (Bellman-Ford)."""
    m = M.shape[0]
    W = [[M[i, j] / lam for j in range(m)] for i in range(m)]
    c = [Fraction(1)] * m
    for _ in range(m):
        c = [max([Fraction(1)] + [W[i][j] * c[j] for j in range(m)]) for i in range(m)]
    return c


@dataclass(frozen=True)
class Structure:
    """What :func:`detect` found (all decided exactly, except the float cycle mean)."""

    nilpotent: bool
    nilpotent_depth: int | None
    block_form: BlockForm
    nonnegative: bool
    rank_one: bool

    @property
    def reducible(self) -> bool:
        return len(self.block_form.blocks) > 1

    def to_dict(self) -> dict:
        return {"nilpotent": self.nilpotent, "nilpotent_depth": self.nilpotent_depth,
                "blocks": list(self.block_form.sizes), "nonnegative": self.nonnegative,
                "rank_one": self.rank_one}


def detect(family: Family, deadline: float | None = None) -> Structure:
    """Detect the structures listed in the module docstring.

    The exact nilpotency test stops at ``deadline`` (a ``time.perf_counter()`` value): the
    family is then treated as not known to be nilpotent, which only forgoes the JSR = 0
    proof (sound: no bound is claimed from the unfinished test)."""
    exact = family.exact_matrices()
    mats = family.float_matrices()
    try:
        depth = nilpotent_depth(exact, deadline)
    except OutOfTime:
        depth = None
    nonneg = all(x >= 0 for a in exact for x in a.reshape(-1))
    rank_one = family.size <= MAX_RANK_ONE_MEMBERS and all(
        rank_one_factors(a) is not None for a in exact)
    return Structure(depth is not None, depth, block_triangular_form(mats), nonneg, rank_one)
