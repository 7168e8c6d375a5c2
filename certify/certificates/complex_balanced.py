"""Exact JSR values with a complex leading eigenvalue: a balanced complex polytope.

Claim: JSR(family) = rho = |lambda|^(1/k), lambda a root of det(x I - A_w) (k = |w|) in an
exact rational rectangle of the complex plane.  Witness: the word w, the rectangle, a
column index, vertices v_j = A_{i_j} v_{p_j} / rho (a parent and a member for each),
Gaussian-rational coefficient columns c, basis indices and a Gaussian-rational matrix G
(an approximate inverse of the basis).

The eigenvector is v = adj(lambda I - A_w) e_col = sum_j lambda^(n-1-j) C_j e_col
(Faddeev-LeVerrier: C_0 = I, C_j = A_w C_(j-1) + c_j I with the characteristic
polynomial's coefficients), so A_w v = lambda v holds identically in lambda: no numerical
check is needed for it.  The first k - 1 vertices must be the chain of w, so that
A_{w_k} v_(k-1) / rho = lambda v / rho^k = e^(i theta) v, a point of the balanced hull.
An image that is itself a vertex (its parent and member) is inside by construction; a
vertex may also be declared the complex conjugate of another (member -1), and the images
that are conjugates of vertices are then inside too (:func:`trivial_columns`).  Under the
exact check a vertex may also be a given Gaussian-rational padding vector (member -2,
parent = its index in ``free``): when the orbit of v spans only a common invariant
subspace, small padding vectors make P full-dimensional; their images are checked like
every other image, so any padding is sound (the basis check proves P has interior).

Every other image x = A_i v_j / rho is proved inside P = absco{v_j} (the balanced
complex hull: sums of c_k v_k with sum |c_k| <= 1).  Membership is an upper bound on a
gauge, so its certificate is primal: a representation x = sum_k c_k v_k with sum |c_k| <= 1
(a dual vector z with |<z, v_k>| <= 1 would prove the opposite, a lower bound Re<z, x> on
the gauge).  Two checks of it exist:

* ``check = "exact"`` (the default): every vertex and image is enclosed in discs with
  Gaussian-rational centres and rational radii, computed in exact rational arithmetic
  over the rectangle (:mod:`certify.exact.gaussian`; 1/rho between exact rational k-th
  roots).  The witness gives Gaussian-rational c_k on the non-basis vertices; the basis
  coefficients are solved exactly from the centres (residual exactly zero), and the
  radii enter a rational perturbation bound (:func:`~certify.exact.gaussian.hull_gauge_bound`);
  |a + b i| is bounded above by an exact integer square root.  No floating-point number
  and no interval library is on this path.
* ``check = "interval"`` (fallback, kept for older certificates and for vertex sets whose
  exact enclosure is too wide): interval arithmetic over the rectangle (:mod:`mpmath`
  ``iv``, outward rounding): with r = x - sum_k c_k v_k, W the basis vertices, G a given
  approximate inverse and E = I - G W, gauge(x) <= sum |c_k| + ||G r||_1 / (1 - ||E||_1).

Then A_i P subset rho P, the gauge of P is a norm on C^n with
||A_i|| <= rho, so JSR <= rho; and rho^k = |lambda| is an eigenvalue modulus of A_w, so
JSR >= rho (N. Guglielmi, F. Wirth and M. Zennaro, "Complex polytope extremality results
for families of matrices", SIAM J. Matrix Anal. Appl. 27, 2005; N. Guglielmi and
M. Zennaro, "Finding extremal complex polytope norms for families of real matrices",
SIAM J. Matrix Anal. Appl. 31, 2009; the balanced complex polytope algorithm of
N. Guglielmi and V. Protasov, Found. Comput. Math. 13, 2013).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, register
from certify.errors import InvalidCertificate
from certify.exact import as_fraction
from certify.exact.gaussian import Disc, basis_data, disc_matvec, hull_gauge_bound
from certify.exact.intervals import endpoints, interval_context
from certify.exact.polynomials import (
    RootRegion,
    exact_charpoly,
    rational_root_ceil,
    rational_root_floor,
    region_contains_root,
)
from certify.exact.printing import fmt_lower, fmt_upper
from certify.families.matrix import Family, family_from_spec
from certify.verdict import Verdict

PREC = 160
iv = interval_context(PREC)  # a private context: the global mpmath.iv is the caller's
GaussQ = tuple[Fraction, Fraction]


def _refuse(why: str) -> CheckResult:
    return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {why}")


def _q(x: Fraction):
    return iv.mpf(x.numerator) / iv.mpf(x.denominator)


class CI:
    """A complex interval: real and imaginary parts are ``iv.mpf`` intervals."""

    __slots__ = ("im", "re")

    def __init__(self, re, im) -> None:
        self.re, self.im = re, im

    def __add__(self, o: CI) -> CI:
        return CI(self.re + o.re, self.im + o.im)

    def __sub__(self, o: CI) -> CI:
        return CI(self.re - o.re, self.im - o.im)

    def __mul__(self, o: CI) -> CI:
        return CI(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)

    def scale(self, s) -> CI:
        return CI(self.re * s, self.im * s)

    def abs_up(self):
        """An interval whose lower end is >= |z| for every z in the box (its upper end)."""
        return _point_up(iv.sqrt(self.re ** 2 + self.im ** 2))

    def excludes_zero(self) -> bool:
        return not (0 in self.re and 0 in self.im)


def _up(x) -> Fraction:
    """The exact upper end of an interval."""
    return endpoints(x)[1]


def _lo(x) -> Fraction:
    """The exact lower end of an interval."""
    return endpoints(x)[0]


def _point_up(x):
    """An interval at the upper end of x (all of it >= every point of x)."""
    u = _up(x)
    return iv.mpf([u.numerator, u.numerator]) / u.denominator if u.denominator == 1 else _q(u)


def _zero() -> CI:
    return CI(iv.mpf(0), iv.mpf(0))


def _matvec(a: list[list], x: list[CI]) -> list[CI]:
    """A real rational matrix (as iv entries) times a complex interval vector."""
    out = []
    for row in a:
        acc = _zero()
        for aij, xj in zip(row, x, strict=True):
            acc = acc + xj.scale(aij)
        out.append(acc)
    return out


def faddeev_columns(p: np.ndarray, col: int) -> tuple[list[Fraction], list[list[Fraction]]]:
    """Characteristic coefficients (high to low) and the columns C_j e_col, j = 0..n-1."""
    poly = exact_charpoly(p)
    coeffs = [Fraction(int(c.p), int(c.q)) for c in poly.all_coeffs()]
    n = p.shape[0]
    C = np.array([[Fraction(int(i == j)) for j in range(n)] for i in range(n)], dtype=object)
    cols = [list(C[:, col])]
    for j in range(1, n):
        C = p.dot(C)
        for i in range(n):
            C[i, i] += coeffs[j]
        cols.append(list(C[:, col]))
    return coeffs, cols


def trivial_columns(word: tuple[int, ...], parents: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Columns (i, j) with A_i v_j / rho in P by an exact identity, no numerics:

    * (i, p) for a vertex defined as A_i v_p / rho (it is that vertex);
    * (w_k, k - 1): A_{w_k} v_(k-1) / rho = (lambda / |lambda|) v_0 (the eigen-relation);
    * for q declared the conjugate of p (member -1): (i, q) when (i, p) is trivial with
      image v_s and conj(v_s) is a declared vertex (real matrices commute with conjugation),
      or (i, p) is the closing column and conj(v_0) is a declared vertex.
    """
    k = len(word)
    image = {(i, p): j for j, (p, i) in enumerate(parents, start=1) if i >= 0}
    conj = {p: j for j, (p, i) in enumerate(parents, start=1) if i == -1}
    out = set(image) | {(word[-1], k - 1)}
    for p, q in conj.items():
        for (i, pp), s in image.items():
            if pp == p and s in conj:
                out.add((i, q))
        if p == k - 1 and 0 in conj:
            out.add((word[-1], q))
    return out


@register
@dataclass(frozen=True, eq=False)
class ComplexBalancedCertificate(Certificate):
    """JSR = |lambda|^(1/k) exactly, by an s.m.p. and a balanced complex polytope."""

    family: Family
    word: tuple[int, ...]
    region: RootRegion
    column: int
    parents: tuple[tuple[int, int], ...]
    coefficients: tuple[tuple[int, int, tuple[tuple[int, GaussQ], ...]], ...]  # (i, j, c)
    basis: tuple[int, ...]
    inverse: tuple[tuple[GaussQ, ...], ...]  # G, n x n Gaussian rationals (interval check)
    _solver: dict | None = None
    check: str = "exact"  # "exact" (rational discs) or "interval" (mpmath fallback)
    free: tuple[tuple[GaussQ, ...], ...] = ()  # padding vertices (exact check only)

    kind = "complex-balanced-polytope"

    def bracket(self) -> tuple[Fraction, Fraction]:
        """Rational bounds on rho = |lambda|^(1/k) over the rectangle."""
        r = self.region
        re, im = iv.mpf([_q(r.re_lo).a, _q(r.re_hi).b]), iv.mpf([_q(r.im_lo).a, _q(r.im_hi).b])
        rho = iv.sqrt(re * re + im * im) ** (iv.mpf(1) / len(self.word))
        return _lo(rho), _up(rho)

    @property
    def bound(self) -> Fraction:
        return self.bracket()[1]

    def claim(self) -> str:
        lo, hi = self.bracket()
        name = getattr(self.family, "name", "family")
        return (f"JSR({name}) = |lambda|^(1/{len(self.word)}) in [{fmt_lower(lo, 15)}, "
                f"{fmt_upper(hi, 15)}], lambda a complex eigenvalue of A_w")

    def verify(self) -> CheckResult:
        try:
            return self._verify()
        except (InvalidCertificate, TypeError, ValueError, IndexError, ZeroDivisionError) as exc:
            return _refuse(f"malformed witness ({exc})")

    def _verify(self) -> CheckResult:
        exact = self.family.exact_matrices()
        m, n = len(exact), self.family.dim
        word = tuple(int(i) for i in self.word)
        k = len(word)
        if not word or any(not 0 <= i < m for i in word):
            return _refuse(f"word {list(word)} must use indices 0..{m - 1}")
        prod = exact[word[0]]
        for i in word[1:]:
            prod = exact[i].dot(prod)
        reg = RootRegion(*(as_fraction(x) for x in (self.region.re_lo, self.region.re_hi,
                                                     self.region.im_lo, self.region.im_hi)))
        if not region_contains_root(exact_charpoly(prod), reg):
            return _refuse("the rectangle holds no eigenvalue of A_w")
        col = int(self.column)
        if not 0 <= col < n:
            return _refuse(f"column {col} out of range")
        parents = [(int(p), int(i)) for p, i in self.parents]
        for t in range(k - 1):
            if parents[t] != (t, word[t]):
                return _refuse(f"vertex {t + 1} must be the chain A_{word[t]} v_{t} / rho of the word")
        free = [[(as_fraction(re), as_fraction(im)) for re, im in f] for f in self.free]
        if any(len(f) != n for f in free):
            return _refuse(f"every padding vertex must have {n} entries")
        for j, (p, i) in enumerate(parents, start=1):
            if i == -2 and self.check == "exact" and 0 <= p < len(free):
                continue  # padding vertex number p, given exactly
            if not 0 <= p < j or not -1 <= i < m:
                return _refuse(f"vertex {j}: parent {p} or member {i} out of range")
        given = {}
        for i, j, col_c in self.coefficients:
            if (int(i), int(j)) in given:
                return _refuse(f"two coefficient columns for A_{i} v_{j}")
            given[(int(i), int(j))] = [(int(t), (as_fraction(re), as_fraction(im))) for t, (re, im) in col_c]
        if self.check == "exact":
            return self._verify_exact(exact, prod, reg, col, word, parents, given, free)
        if self.check != "interval":
            return _refuse(f"unknown check {self.check!r} (expected 'exact' or 'interval')")
        lam = CI(iv.mpf([_q(reg.re_lo).a, _q(reg.re_hi).b]), iv.mpf([_q(reg.im_lo).a, _q(reg.im_hi).b]))
        if not lam.excludes_zero():
            return _refuse("the rectangle contains 0")
        rho = iv.sqrt(lam.re * lam.re + lam.im * lam.im) ** (iv.mpf(1) / k)
        inv_rho = iv.mpf(1) / rho
        # v = sum_j lambda^(n-1-j) C_j e_col
        _, cols = faddeev_columns(prod, col)
        powers = [CI(iv.mpf(1), iv.mpf(0))]
        for _ in range(n - 1):
            powers.append(powers[-1] * lam)
        v = [_zero() for _ in range(n)]
        for j in range(n):
            for r in range(n):
                if cols[j][r] != 0:
                    v[r] = v[r] + powers[n - 1 - j].scale(_q(cols[j][r]))
        if not any(x.excludes_zero() for x in v):
            return _refuse("the eigenvector is not proved nonzero")
        A = [[[_q(x) for x in row] for row in a] for a in exact]
        verts = [v]
        for p, i in parents:
            if i == -1:  # the complex conjugate of vertex p
                verts.append([CI(x.re, -x.im) for x in verts[p]])
            else:
                verts.append([x.scale(inv_rho) for x in _matvec(A[i], verts[p])])
        N = len(verts)
        basis = [int(b) for b in self.basis]
        if len(basis) != n or any(not 0 <= b < N for b in basis):
            return _refuse(f"the basis must be {n} vertex indices below {N}")
        G = [[CI(_q(as_fraction(re)), _q(as_fraction(im))) for re, im in row] for row in self.inverse]
        if len(G) != n or any(len(row) != n for row in G):
            return _refuse(f"the inverse must be {n} x {n}")
        # ||I - G W||_1 (max column sum of moduli)
        e_norm = iv.mpf(0)
        for c in range(n):
            s = iv.mpf(0)
            for r in range(n):
                acc = CI(iv.mpf(int(r == c)), iv.mpf(0))
                for t in range(n):
                    acc = acc - G[r][t] * verts[basis[c]][t]
                s = s + acc.abs_up()
            e_norm = e_norm if _up(e_norm) >= _up(s) else _point_up(s)
        if not _up(e_norm) < 1:
            return _refuse("G is not close enough to the inverse of the basis (||I - G W||_1 >= 1)")
        factor = iv.mpf(1) / (iv.mpf(1) - e_norm)
        trivial = trivial_columns(word, parents)
        worst = 0.0
        for i in range(m):
            for j in range(N):
                if (i, j) in trivial:
                    continue
                if (i, j) not in given:
                    return _refuse(f"no coefficients for A_{i} v_{j}")
                x = [y.scale(inv_rho) for y in _matvec(A[i], verts[j])]
                total = iv.mpf(0)
                for t, (re, im) in given[(i, j)]:
                    if not 0 <= t < N:
                        return _refuse(f"coefficient index {t} out of range")
                    c = CI(_q(re), _q(im))
                    total = total + c.abs_up()
                    x = [xr - c * vr for xr, vr in zip(x, verts[t], strict=True)]
                gr = iv.mpf(0)
                for r in range(n):
                    acc = _zero()
                    for t in range(n):
                        acc = acc + G[r][t] * x[t]
                    gr = gr + acc.abs_up()
                bound = _up(total + gr * factor)
                worst = max(worst, float(bound))
                if not bound <= 1:
                    return _refuse(f"A_{i} v_{j} / rho is not proved inside the polytope "
                                   f"(gauge bound {float(bound):.12g})")
        return CheckResult(Verdict.CERTIFIED,
                           f"fallback check, interval arithmetic ({PREC} bits) over the "
                           f"eigenvalue rectangle: the balanced complex {N}-vertex polytope "
                           f"is invariant under A_i / rho, largest gauge bound {worst:.9f}",
                           {"vertices": N, "word": list(word), "largest_gauge": worst})

    def _verify_exact(self, exact: list, prod: np.ndarray, reg: RootRegion, col: int,
                      word: tuple[int, ...], parents: list[tuple[int, int]],
                      given: dict[tuple[int, int], list[tuple[int, GaussQ]]],
                      free: list[list[GaussQ]]) -> CheckResult:
        """The exact check: rational discs over the rectangle, exact basis solves."""
        m, n, k = len(exact), self.family.dim, len(word)
        low2 = reg.min_modulus_squared()  # |lambda|^2 over the rectangle: [low2, high2]
        if low2 == 0:
            return _refuse("the rectangle contains 0")
        high2 = (max(abs(reg.re_lo), abs(reg.re_hi)) ** 2 + max(abs(reg.im_lo), abs(reg.im_hi)) ** 2)
        # 1/rho = (1/|lambda|^2)^(1/(2k)) lies in [r_lo, r_hi] (exact rational roots)
        r_lo, r_hi = rational_root_floor(1 / high2, 2 * k), rational_root_ceil(1 / low2, 2 * k)
        inv_rho = Disc.make((r_lo + r_hi) / 2, Fraction(0), (r_hi - r_lo) / 2)
        half_re, half_im = (reg.re_hi - reg.re_lo) / 2, (reg.im_hi - reg.im_lo) / 2
        lam = Disc.make((reg.re_lo + reg.re_hi) / 2, (reg.im_lo + reg.im_hi) / 2,
                        abs(half_re) + abs(half_im))
        _, cols = faddeev_columns(prod, col)
        powers = [Disc(Fraction(1), Fraction(0))]
        for _ in range(n - 1):
            powers.append(powers[-1] * lam)
        v = [Disc(Fraction(0), Fraction(0)) for _ in range(n)]
        for j in range(n):
            for r in range(n):
                if cols[j][r] != 0:
                    v[r] = v[r] + powers[n - 1 - j].scale(cols[j][r])
        if not any(x.excludes_zero() for x in v):
            return _refuse("the eigenvector is not proved nonzero")
        A = [[[Fraction(x) for x in row] for row in a] for a in exact]
        verts = [v]
        for p, i in parents:
            if i == -2:  # a padding vertex (any point may be a vertex: the check covers it)
                verts.append([Disc(re, im) for re, im in free[p]])
            elif i == -1:  # the complex conjugate of vertex p
                verts.append([x.conj() for x in verts[p]])
            else:
                verts.append([x * inv_rho for x in disc_matvec(A[i], verts[p])])
        N = len(verts)
        basis = [int(b) for b in self.basis]
        if len(basis) != n or len(set(basis)) != n or any(not 0 <= b < N for b in basis):
            return _refuse(f"the basis must be {n} distinct vertex indices below {N}")
        bd = basis_data(verts, basis)
        if bd is None:
            return _refuse("the basis vertices are singular or not enclosed tightly enough")
        trivial = trivial_columns(word, parents)
        worst = Fraction(0)
        for i in range(m):
            for j in range(N):
                if (i, j) in trivial:
                    continue
                if (i, j) not in given:
                    return _refuse(f"no coefficients for A_{i} v_{j}")
                if any(not 0 <= t < N for t, _ in given[(i, j)]):
                    return _refuse(f"a coefficient index of A_{i} v_{j} is out of range")
                x = [y * inv_rho for y in disc_matvec(A[i], verts[j])]
                bound = hull_gauge_bound(x, verts, given[(i, j)], bd)
                worst = max(worst, bound)
                if not bound <= 1:
                    return _refuse(f"A_{i} v_{j} / rho is not proved inside the polytope "
                                   f"(exact gauge bound {float(bound):.12g})")
        radius = max(d.rad for vert in verts for d in vert)
        return CheckResult(Verdict.CERTIFIED,
                           f"exact rational arithmetic over the eigenvalue rectangle (Gaussian-"
                           f"rational discs, largest radius {float(radius):.1e}, basis "
                           f"coefficients solved exactly): the balanced complex {N}-vertex "
                           f"polytope is invariant under A_i / rho, largest gauge bound "
                           f"{float(worst):.9f}",
                           {"vertices": N, "word": list(word), "largest_gauge": float(worst),
                            "check": "exact"})

    def witness_dict(self) -> dict:
        return {"family": self.family.spec(), "word": list(self.word),
                "region": self.region.to_json(), "column": int(self.column),
                "parents": [list(p) for p in self.parents],
                "coefficients": [[i, j, [[t, [str(re), str(im)]] for t, (re, im) in c]]
                                 for i, j, c in self.coefficients],
                "basis": list(self.basis),
                "inverse": [[[str(re), str(im)] for re, im in row] for row in self.inverse],
                "check": self.check,
                "free": [[[str(re), str(im)] for re, im in f] for f in self.free]}

    @classmethod
    def from_dict(cls, data: dict) -> ComplexBalancedCertificate:
        w = data["witness"]
        coeffs = tuple((int(i), int(j), tuple((int(t), (as_fraction(re), as_fraction(im)))
                                              for t, (re, im) in c)) for i, j, c in w["coefficients"])
        inverse = tuple(tuple((as_fraction(re), as_fraction(im)) for re, im in row)
                        for row in w["inverse"])
        return cls(family_from_spec(w["family"]), tuple(int(i) for i in w["word"]),
                   RootRegion.from_json(w["region"]), int(w["column"]),
                   tuple((int(p), int(i)) for p, i in w["parents"]), coeffs,
                   tuple(int(b) for b in w["basis"]), inverse, data.get("solver"),
                   str(w.get("check", "interval")),
                   tuple(tuple((as_fraction(re), as_fraction(im)) for re, im in f)
                         for f in w.get("free", [])))


__all__ = ["ComplexBalancedCertificate", "faddeev_columns", "trivial_columns"]
