"""Families with independent choices per group: A_pi = B + C S_pi.

Here B is n x n, C is n x m, and the n coordinates form m contiguous groups of k (so
n = m k); a member is given by a choice pi(g) in {0..k-1} for each group g, and S_pi (m x n)
picks coordinate g k + pi(g) of group g.  The direct Q-learning family
A_pi = I - alpha D + alpha gamma D P Pi_pi is the case B = I - alpha D, C = alpha gamma D P,
groups = states, choices = actions (theory.md section 3).

For nonnegative B and C and any w > 0 the choice that maximises every row of A_pi w at
once is the greedy one, pi_w(g) = argmax_a w(g k + a).  Hence T(w) = max_pi A_pi w is
monotone and positively homogeneous, and (Blondel and Nesterov, "Polynomial-time
computation of the joint spectral radius for some sets of nonnegative matrices", SIAM J.
Matrix Anal. Appl. 31(3), 2009, for sets with independent row uncertainty; the proof for
this coupled family is in ``certify/proofs/direct_jsr_exact.py``)

    JSR = max_pi rho(A_pi),

attained by one member.  The maximiser is found by policy iteration on Perron vectors
(Protasov's spectral simplex / greedy method), and two exact certificates bracket the JSR:

* upper: w > 0 with T(w) <= r w, i.e. every ||A_pi||_{w, inf} <= r, so JSR <= r
  (with |B|, |C| in place of B, C this holds for any signs);
* lower: x >= 0, x != 0 with A_pi x >= r x, so rho(A_pi) >= r (Collatz-Wielandt).

Both are checked in exact dyadic integer arithmetic in O(nnz(B) + nnz(C)) operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from certify.errors import InvalidFamily, SolverError
from certify.exact import Dyadic, dyadic, dyadic_to_fraction, fraction_array


@dataclass(frozen=True)
class ExactCSR:
    """A sparse matrix whose entry k (CSR order) is exactly ``ints[k] * 2**exp``."""

    indptr: np.ndarray
    indices: np.ndarray
    ints: np.ndarray
    exp: int
    shape: tuple[int, int]

    @classmethod
    def from_float(cls, m: sp.csr_matrix) -> ExactCSR:
        m = sp.csr_matrix(m)
        m.sort_indices()
        dy = dyadic(m.data)
        return cls(m.indptr.copy(), m.indices.copy(), dy.ints, dy.exp, m.shape)

    def abs(self) -> ExactCSR:
        return ExactCSR(self.indptr, self.indices, np.abs(self.ints), self.exp, self.shape)

    def nonnegative(self) -> bool:
        """:meth:`is_nonnegative`, computed once per matrix."""
        memo = self.__dict__.get("_nonneg")
        if memo is None:
            memo = self.is_nonnegative()
            self.__dict__["_nonneg"] = memo
        return memo

    def is_nonnegative(self) -> bool:
        return bool((np.asarray(self.ints, dtype=object) >= 0).all()) if len(self.ints) else True

    def row_sums_with(self, vec_ints: np.ndarray) -> np.ndarray:
        """Exact (M v) as ints at exponent ``self.exp + exp(v)`` for v given as ints."""
        prod = self.ints * vec_ints[self.indices]
        out = np.zeros(self.shape[0], dtype=object)
        counts = np.diff(self.indptr)
        rows = np.flatnonzero(counts > 0)
        if rows.size:
            out[rows] = np.add.reduceat(prod, self.indptr[rows])
        return out

    def to_fractions(self) -> np.ndarray:
        """Dense Fraction array (for small matrices only)."""
        out = np.full(self.shape, Fraction(0), dtype=object)
        scale = dyadic_to_fraction(1, self.exp)
        for i in range(self.shape[0]):
            for k in range(self.indptr[i], self.indptr[i + 1]):
                out[i, self.indices[k]] = self.ints[k] * scale
        return out


def _shift(a: np.ndarray, s: int) -> np.ndarray:
    return a * (1 << s) if s else a


class SelectionFamily:
    """The family {B + C S_pi : pi in {0..k-1}^m} (see module docstring).

    Parameters
    ----------
    B : sparse or dense (n, n)
    C : sparse or dense (n, m)
    group_size : int
        k, with n = m k.
    name : str
    """

    family_type = "selection"

    def __init__(self, B, C, group_size: int, name: str = "selection family") -> None:
        B = sp.csr_matrix(B, dtype=float)
        C = sp.csr_matrix(C, dtype=float)
        n = B.shape[0]
        if B.shape != (n, n):
            raise InvalidFamily(f"B: expected a square matrix, found shape {B.shape}")
        if group_size < 1 or n % group_size:
            raise InvalidFamily(f"group_size = {group_size} does not divide n = {n}")
        m = n // group_size
        if C.shape != (n, m):
            raise InvalidFamily(f"C: expected shape ({n}, {m}), found {C.shape}")
        for nm, mat in (("B", B), ("C", C)):
            if not np.all(np.isfinite(mat.data)):
                raise InvalidFamily(f"{nm}: entries must be finite")
        B.sort_indices()
        C.sort_indices()
        self.B, self.C, self.k, self.m, self.n = B, C, group_size, m, n
        self.name = name

    # -- the Family protocol ------------------------------------------------------------
    @property
    def dim(self) -> int:
        return self.n

    @property
    def size(self) -> int:
        """Number of members k^m (a Python int: it may be astronomically large)."""
        return self.k**self.m

    def policies(self):
        """Iterate over all choice vectors (only for small families)."""
        import itertools

        for combo in itertools.product(range(self.k), repeat=self.m):
            yield np.array(combo, dtype=int)

    def float_matrices(self) -> list[np.ndarray]:
        return [self.member(pi).toarray() for pi in self.policies()]

    def exact_matrices(self) -> list[np.ndarray]:
        return [self.exact_member(pi) for pi in self.policies()]

    def spec(self) -> dict:
        return {
            "type": self.family_type,
            "name": self.name,
            "group_size": self.k,
            "B": _csr_spec(self.B),
            "C": _csr_spec(self.C),
        }

    @classmethod
    def from_spec(cls, spec: dict) -> SelectionFamily:
        try:
            return cls(_csr_from_spec(spec["B"], "B"), _csr_from_spec(spec["C"], "C"),
                       int(spec["group_size"]), spec.get("name", "selection family"))
        except KeyError as exc:
            raise InvalidFamily(f"selection family: missing field {exc.args[0]!r}") from exc

    # -- structure ----------------------------------------------------------------------
    def selector(self, pi: np.ndarray) -> sp.csr_matrix:
        """S_pi as an (m x n) 0/1 matrix."""
        cols = np.arange(self.m) * self.k + np.asarray(pi)
        return sp.csr_matrix((np.ones(self.m), (np.arange(self.m), cols)), shape=(self.m, self.n))

    def member(self, pi: np.ndarray) -> sp.csr_matrix:
        """A_pi as a sparse matrix (floats: products rounded)."""
        return (self.B + self.C @ self.selector(pi)).tocsr()

    def exact_parts(self) -> tuple[ExactCSR, ExactCSR]:
        """B and C with their exact entries."""
        return ExactCSR.from_float(self.B), ExactCSR.from_float(self.C)

    def exact_member(self, pi: np.ndarray) -> np.ndarray:
        """A_pi as a dense Fraction array, exact."""
        Bx, Cx = self.exact_parts()
        a = Bx.to_fractions()
        c = Cx.to_fractions()
        cols = np.arange(self.m) * self.k + np.asarray(pi)
        for g in range(self.m):
            a[:, cols[g]] = a[:, cols[g]] + c[:, g]
        return a

    def is_nonnegative(self) -> bool:
        return bool((self.B.data >= 0).all() and (self.C.data >= 0).all())

    def greedy(self, w: np.ndarray) -> np.ndarray:
        """pi_w(g) = first argmax of w over group g."""
        return np.asarray(w).reshape(self.m, self.k).argmax(axis=1)

    def apply(self, pi: np.ndarray, x: np.ndarray) -> np.ndarray:
        xg = np.asarray(x).reshape(self.m, self.k)
        return self.B @ x + self.C @ xg[np.arange(self.m), pi]

    def T(self, w: np.ndarray) -> np.ndarray:
        """T(w) = max_pi A_pi w = B w + C max_group(w) (for nonnegative families)."""
        return self.B @ w + self.C @ np.asarray(w).reshape(self.m, self.k).max(axis=1)

    def row_sum_bound(self) -> float:
        """max_i sum_j |A_ij| over all members (a float estimate of the row-sum rate)."""
        return float(self.T_abs(np.ones(self.n)).max())

    def T_abs(self, w: np.ndarray) -> np.ndarray:
        return abs(self.B) @ w + abs(self.C) @ np.asarray(w).reshape(self.m, self.k).max(axis=1)

def _csr_spec(m: sp.csr_matrix) -> dict:
    m = sp.csr_matrix(m)
    return {"shape": list(m.shape), "indptr": m.indptr.tolist(), "indices": m.indices.tolist(),
            "data": m.data.tolist()}


def _csr_from_spec(spec: dict, field: str) -> sp.csr_matrix:
    try:
        m = sp.csr_matrix(
            (np.asarray(spec["data"], dtype=float), np.asarray(spec["indices"], dtype=int),
             np.asarray(spec["indptr"], dtype=int)), shape=tuple(spec["shape"]))
        m.check_format(full_check=True)  # indices in range, indptr monotone (edited files)
        return m
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise InvalidFamily(f"{field}: malformed sparse matrix ({exc})") from exc




# ---------------------------------------------------------------------------------------
# Exact evaluation
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExactRatios:
    """Row ratios (A v)_i / v_i, exactly: numerator ints, v ints and a common power of 2."""

    num: np.ndarray
    den: np.ndarray
    exp: int

    def ratio(self, i: int) -> Fraction:
        return Fraction(self.num[i], self.den[i]) * dyadic_to_fraction(1, self.exp)

    def max_ratio(self) -> tuple[Fraction, int]:
        """max_i over rows with v_i > 0 (the caller ensures v > 0)."""
        return self._extreme(maximum=True)

    def min_ratio(self) -> tuple[Fraction, int]:
        """min_i over rows with v_i > 0."""
        return self._extreme(maximum=False)

    def _extreme(self, maximum: bool) -> tuple[Fraction, int]:
        memo = self.__dict__.setdefault("_memo", {})  # frozen dataclass: memoise in place
        if maximum not in memo:
            memo[maximum] = self._extreme_vectorised(maximum)
        return memo[maximum]

    def _extreme_vectorised(self, maximum: bool) -> tuple[Fraction, int]:
        """Exact extreme ratio, vectorised over rows.

        Python's int / int true division is correctly rounded (round-to-nearest of the
        exact quotient), and rounding is monotone, so a row whose exact ratio is extreme
        has the extreme rounded ratio; only the rows tied at the rounded extreme are then
        compared exactly (by cross-multiplication).  The result is exact, with one float
        division per row instead of one Fraction comparison per row.
        """
        den = np.asarray(self.den, dtype=object)
        num = np.asarray(self.num, dtype=object)
        pos = np.flatnonzero(den > 0)
        if pos.size == 0:
            raise SolverError("no positive entry in the vector")
        try:
            approx = (num[pos] / den[pos]).astype(float)  # elementwise int / int
        except OverflowError:  # a quotient beyond the float range: compare exactly
            approx = None
        if approx is None:
            return self._extreme_fractions(maximum)
        target = approx.max() if maximum else approx.min()
        cand = pos[approx == target]
        arg = int(cand[0])
        for i in cand[1:]:
            i = int(i)
            # num[i]/den[i] vs num[arg]/den[arg], both denominators positive
            lhs, rhs = num[i] * den[arg], num[arg] * den[i]
            if (lhs > rhs) if maximum else (lhs < rhs):
                arg = i
        best = Fraction(int(num[arg]), int(den[arg]))
        return best * dyadic_to_fraction(1, self.exp), arg

    def _extreme_fractions(self, maximum: bool) -> tuple[Fraction, int]:
        best, arg = None, -1
        for i in range(len(self.num)):
            if self.den[i] > 0:
                q = Fraction(int(self.num[i]), int(self.den[i]))
                if best is None or (q > best if maximum else q < best):
                    best, arg = q, i
        if best is None:
            raise SolverError("no positive entry in the vector")
        return best * dyadic_to_fraction(1, self.exp), arg


_RATIO_CACHE: dict[tuple, tuple[tuple[ExactCSR, ExactCSR], ExactRatios]] = {}
_RATIO_CACHE_SIZE = 4


def exact_ratios(
    parts: tuple[ExactCSR, ExactCSR], k: int, v: np.ndarray, pi: np.ndarray | None,
    absolute: bool = False,
) -> ExactRatios:
    """Exact ratios (A v)_i / v_i with A = B + C S_pi, or with S_pi v replaced by the group
    maximum of v when ``pi`` is None (the map T).  ``absolute`` uses |B| and |C|.

    The last few results are memoised, keyed by the identity of ``parts`` (kept alive in
    the cache, so the identity cannot be reused), the exact bytes of ``v`` and of the
    selected entries S_pi v (or the group maxima), and whether absolute values are taken
    (irrelevant, hence normalised away, when B and C are nonnegative).  So a certificate
    found and then verified costs one evaluation, and so do the upper (T(w) <= r w) and the
    lower (A_pi x >= r x) checks when w = x and pi is greedy for x, as at the end of policy
    iteration: the numerators are then the same integers.
    """
    vf = np.ascontiguousarray(np.asarray(v, dtype=float))
    m = vf.shape[0] // k if k else 0
    try:
        grouped_f = vf.reshape(m, k)
        self_f = grouped_f.max(axis=1) if pi is None else grouped_f[np.arange(m), np.asarray(pi)]
    except (ValueError, IndexError):  # malformed input: no memo, let the evaluation report it
        return _exact_ratios(parts, k, v, pi, absolute)
    if absolute and parts[0].nonnegative() and parts[1].nonnegative():
        absolute = False
    key = (id(parts[0]), id(parts[1]), k, vf.tobytes(), np.ascontiguousarray(self_f).tobytes(),
           absolute)
    hit = _RATIO_CACHE.get(key)
    if hit is not None and hit[0][0] is parts[0] and hit[0][1] is parts[1]:
        return hit[1]
    out = _exact_ratios(parts, k, v, pi, absolute)
    if len(_RATIO_CACHE) >= _RATIO_CACHE_SIZE:
        _RATIO_CACHE.pop(next(iter(_RATIO_CACHE)))
    _RATIO_CACHE[key] = (parts, out)
    return out


def _exact_ratios(
    parts: tuple[ExactCSR, ExactCSR], k: int, v: np.ndarray, pi: np.ndarray | None,
    absolute: bool = False,
) -> ExactRatios:
    Bx, Cx = parts
    if absolute:
        Bx, Cx = Bx.abs(), Cx.abs()
    vd: Dyadic = dyadic(v)
    vint = vd.ints
    m = len(vint) // k
    grouped = vint.reshape(m, k)
    if pi is None:
        sel = grouped.max(axis=1)
    else:
        sel = grouped[np.arange(m), np.asarray(pi)]
    bv = Bx.row_sums_with(vint)
    cs = Cx.row_sums_with(sel)
    e0 = min(Bx.exp, Cx.exp)
    num = _shift(bv, Bx.exp - e0) + _shift(cs, Cx.exp - e0)
    return ExactRatios(num, vint, e0)


def exact_member_fractions(fam: SelectionFamily, pi: np.ndarray) -> np.ndarray:
    """Dense exact A_pi (alias of ``fam.exact_member``, for symmetry with MatrixFamily)."""
    return fam.exact_member(pi)


__all__ = ["ExactCSR", "ExactRatios", "SelectionFamily", "exact_ratios", "fraction_array"]
