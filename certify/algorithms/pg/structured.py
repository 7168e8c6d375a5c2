"""Problem-specific bounds on the value Hessian of softmax PG on two-action MDPs.

Used for the mean-field constants C2 and L of seed 004 (:mod:`certify.algorithms.pg.constants` has
the closed forms, which use only gamma and the reward span and scale like (1 - gamma)^-3)
and for the tabular step of Mei et al. (:mod:`certify.algorithms.pg.local_rate`).  Here the known P,
R, mu and rho enter.  All formulas are **derived** (docs/theory_pg.md; symbolic steps in
``certify/proofs/pg_structured.py``).

With A = 2 the policy depends on the logits only through x_s = F(s, 1) - F(s, 0), and
p_s = pi(1|s) = mu_1 e^x / (mu_0 + mu_1 e^x).  With R_p = (I - gamma P_p)^{-1},
u = rho^T R_p (the unnormalised occupancy d^pi_rho / (1 - gamma)), v = R_p r_p,
q_s = p_s (1 - p_s) and the soft action gap

    c_s = R(s, 1) - R(s, 0) + gamma (P(s, 1) - P(s, 0)) . v - tau x_s,

the gradient of V(rho) is W(s, 1) = -W(s, 0) = w_s := u_s q_s c_s, and its Hessian in x is
(N = Delta P R_p, Delta P(t) = P(t, 1) - P(t, 0))

    J_st = gamma (q_t u_t q_s c_s N_ts + q_s u_s q_t c_t N_st)
           + delta_st (-tau u_s q_s + (1 - 2 p_s) w_s).

x enters only through q x and the divergence KL(pi(.|s) | mu) = p x - ln(mu_0 + mu_1 e^x),
both bounded on the closed policy cube, so the enclosures run over boxes of p in [0, 1]^S
(interval arithmetic in midpoint-radius form; every float operation widens the radius by
a bound on its rounding error; logarithms from ``mpmath.iv`` with outward rounding).  The
suprema returned by :func:`box_supremum` are upper bounds for any branch-and-bound budget.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

import numpy as np
from mpmath import iv

from certify.exact import as_fraction

EPS = 2.0 ** -52
TINY = 1e-300


class MR:
    """Arrays of real intervals in midpoint-radius form: [m - r, m + r], r >= 0.

    Every operation adds to the radius a bound on the rounding error of the float
    operations that produced it (relative 4 eps of |m| + r per elementary operation, far
    above the 1/2 ulp of round-to-nearest), so the enclosure is rigorous.
    """

    __slots__ = ("m", "r")

    def __init__(self, m: object, r: object = 0.0) -> None:
        self.m = np.asarray(m, dtype=float)
        self.r = np.broadcast_to(np.asarray(r, dtype=float), self.m.shape).copy()

    @classmethod
    def _raw(cls, m: np.ndarray, r: np.ndarray) -> MR:
        """An MR from float arrays m and r >= 0 of the same shape, taken as they are (the
        arithmetic below builds its results this way; same values as ``MR(m, r)``)."""
        out = object.__new__(cls)
        out.m, out.r = m, r
        return out

    @staticmethod
    def from_bounds(lo: np.ndarray, hi: np.ndarray) -> MR:
        m = 0.5 * lo + 0.5 * hi
        r = np.maximum(hi - m, m - lo)
        return MR._raw(m, r + 4 * EPS * (np.abs(m) + r) + TINY)

    def _fix(self) -> MR:
        self.r = self.r + 4 * EPS * (np.abs(self.m) + self.r) + TINY
        return self

    @property
    def lo(self) -> np.ndarray:
        return self.m - self.r - 4 * EPS * (np.abs(self.m) + self.r)

    @property
    def hi(self) -> np.ndarray:
        return self.m + self.r + 4 * EPS * (np.abs(self.m) + self.r)

    @property
    def mag(self) -> np.ndarray:
        """An upper bound on |x| over the interval."""
        return (np.abs(self.m) + self.r) * (1 + 4 * EPS) + TINY

    def __add__(self, o: object) -> MR:
        o = _mr(o)
        m = self.m + o.m
        return MR._raw(m, _widened(m, self.r + o.r))

    __radd__ = __add__

    def __neg__(self) -> MR:
        return MR._raw(-self.m, self.r)

    def __sub__(self, o: object) -> MR:
        return self + (-_mr(o))

    def __rsub__(self, o: object) -> MR:
        return _mr(o) + (-self)

    def __mul__(self, o: object) -> MR:
        o = _mr(o)
        with np.errstate(invalid="ignore"):
            r = np.abs(self.m) * o.r
            r += self.r * np.abs(o.m)
            r += self.r * o.r
        nan = np.isnan(r)
        if nan.any():
            r = np.where(nan, np.inf, r)
        m = self.m * o.m
        return MR._raw(m, _widened(m, r))

    __rmul__ = __mul__

    def __getitem__(self, key: object) -> MR:
        return MR._raw(self.m[key], self.r[key])

    def sum(self, axis: int) -> MR:
        n = self.m.shape[axis]
        m = self.m.sum(axis=axis)
        a = np.abs(self.m)
        a += self.r
        r = self.r.sum(axis=axis) + (n + 2) * EPS * a.sum(axis=axis)
        return MR._raw(m, _widened(m, r))


def _widened(m: np.ndarray, r: np.ndarray) -> np.ndarray:
    """r + 4 eps (|m| + r) + TINY (the rounding allowance of one operation), evaluated in
    that order, in place where the arrays allow."""
    t = np.abs(m)
    t += r
    t *= 4 * EPS
    t += r
    t += TINY
    return t


def _mr(x: object) -> MR:
    return x if isinstance(x, MR) else MR(x)


def imatmul(a: MR, b: MR) -> MR:
    """(..., n, k) @ (..., k, p) for interval matrices."""
    return (a[..., :, :, None] * b[..., None, :, :]).sum(axis=-2)


H_MIN_ARG_LO, H_MIN_ARG_HI = 0.17, 0.19  # h' < 0 on (0, 0.17], h' > 0 on [0.19, 1/2]
H_EXTREME = 0.2250  # |h| <= 0.2250 on [0, 1] (|h(p_m)| = 0.22385..., certify/proofs/pg_structured.py)


class _PointValues:
    """Rigorous values at a float p in [0, 1]: h(p) = p (1 - p) ln(p / (1 - p)) and the
    divergence kl(p) = p ln(p / mu_1) + (1 - p) ln((1 - p) / mu_0), as (lo, hi) pairs."""

    def __init__(self, mu0: float, mu1: float) -> None:
        self.mu0, self.mu1 = mu0, mu1
        self.cache: dict = {}
        iv.prec = 80
        self.ln_mu0, self.ln_mu1 = iv.log(iv.mpf(mu0)), iv.log(iv.mpf(mu1))
        self.kl_min = _down((-iv.log(iv.mpf(mu0) + iv.mpf(mu1))).a)

    def __call__(self, p: float) -> tuple[float, float, float, float]:
        if p not in self.cache:
            iv.prec = 80
            pp = iv.mpf(p)
            if p <= 0.0 or p >= 1.0:
                h = iv.mpf(0)
                kl = -self.ln_mu0 if p <= 0.0 else -self.ln_mu1
            else:
                lp, lq = iv.log(pp), iv.log(1 - pp)
                h = pp * (1 - pp) * (lp - lq)
                kl = pp * (lp - self.ln_mu1) + (1 - pp) * (lq - self.ln_mu0)
            self.cache[p] = (_down(h.a), _up(h.b), _down(kl.a), _up(kl.b))
        return self.cache[p]

    def table(self, ps: np.ndarray) -> np.ndarray:
        """``self(p)`` for every entry of ps, shape ps.shape + (4,): each distinct value is
        evaluated (or looked up) once."""
        uniq, inv = np.unique(ps, return_inverse=True)
        vals = np.array([self(float(v)) for v in uniq]).reshape(-1, 4)
        return vals[inv.reshape(ps.shape)]


def x_bounds(pv: _PointValues, ps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rigorous (lo, hi) of x = ln(p / (1 - p)) - ln(mu_1 / mu_0) at floats 0 < p < 1."""
    iv.prec = 80
    uniq, inv = np.unique(ps, return_inverse=True)
    vals = np.empty((len(uniq), 2))
    for i, p in enumerate(uniq.tolist()):
        key = ("x", p)
        if key not in pv.cache:
            pp = iv.mpf(p)
            x = iv.log(pp) - iv.log(1 - pp) - pv.ln_mu1 + pv.ln_mu0
            pv.cache[key] = (_down(x.a), _up(x.b))
        vals[i] = pv.cache[key]
    vals = vals[inv.reshape(ps.shape)]
    return vals[..., 0], vals[..., 1]


def centered_enclosure(d: TwoActionData, pv: _PointValues, ln_ratio: tuple[float, float],
                       los: np.ndarray, his: np.ndarray) -> tuple[MR, MR]:
    """(w, J) over boxes strictly inside (0, 1)^S by the mean-value form in x, intersected
    with the direct enclosure: w(B) in w(c) + J(B)(x - x_c), J(B) in J(c) + T(B)(x - x_c)."""
    parts = box_parts(d, *p_box_functions(pv, los, his, ln_ratio))
    tb = third_derivative(d, parts)
    mid = 0.5 * los + 0.5 * his
    cpart = box_parts(d, *p_box_functions(pv, mid, mid, ln_ratio))
    xl, _ = x_bounds(pv, los)
    _, xh = x_bounds(pv, his)
    cl, ch = x_bounds(pv, mid)
    dx = MR.from_bounds(xl, xh) - MR.from_bounds(cl, ch)
    w = cpart["w"] + (parts["J"] * dx[:, None, :]).sum(axis=-1)
    jm = cpart["J"] + (tb * dx[:, None, None, :]).sum(axis=-1)
    return _meet(w, parts["w"]), _meet(jm, parts["J"])


def _meet(a: MR, b: MR) -> MR:
    lo, hi = np.maximum(a.lo, b.lo), np.minimum(a.hi, b.hi)
    return MR.from_bounds(lo, np.maximum(lo, hi))


def _down(x: object) -> float:
    return float(np.nextafter(float(x), -np.inf))


def _up(x: object) -> float:
    return float(np.nextafter(float(x), np.inf))


def p_of_x(x: float, mu0: float, mu1: float, upward: bool) -> float:
    """p(x) = mu_1 e^x / (mu_0 + mu_1 e^x) rounded outward (down or up)."""
    iv.prec = 80
    ex = iv.exp(iv.mpf(x))
    p = iv.mpf(mu1) * ex / (iv.mpf(mu0) + iv.mpf(mu1) * ex)
    return _up(p.b) if upward else _down(p.a)


def p_box_functions(pv: _PointValues, los: np.ndarray, his: np.ndarray,
                    ln_ratio: tuple[float, float]) -> tuple[MR, MR, MR, MR]:
    """Enclosures of p, q = p (1 - p), q x (x = logit(p) - ln(mu_1/mu_0)) and kl(p) over
    boxes [los, his] in p (arrays (B, S)).  h is decreasing on [0, 0.17], increasing on
    [0.19, 0.81], decreasing on [0.83, 1] (certify/proofs/pg_structured.py); kl is convex with
    minimum -ln(mu_0 + mu_1) at p* = mu_1 / (mu_0 + mu_1)."""
    va, vb = pv.table(los), pv.table(his)
    h_lo = np.minimum(va[..., 0], vb[..., 0])
    h_hi = np.maximum(va[..., 1], vb[..., 1])
    h_lo = np.where((los < H_MIN_ARG_HI) & (his > H_MIN_ARG_LO), -H_EXTREME, h_lo)
    h_hi = np.where((los < 1 - H_MIN_ARG_LO) & (his > 1 - H_MIN_ARG_HI), H_EXTREME, h_hi)
    kl_hi = np.maximum(va[..., 3], vb[..., 3])
    pstar = pv.mu1 / (pv.mu0 + pv.mu1)
    kl_min_inside = pv.kl_min  # at the fixed precision 80: the same bounds in every process
    kl_lo = np.where((los <= pstar + 1e-12) & (his >= pstar - 1e-12), kl_min_inside,
                     np.minimum(va[..., 2], vb[..., 2]))
    p = MR.from_bounds(los, his)
    q = _q_of(p)
    hh = MR.from_bounds(h_lo, h_hi)
    qx = hh - q * MR.from_bounds(np.full_like(los, ln_ratio[0]), np.full_like(los, ln_ratio[1]))
    return p, q, qx, MR.from_bounds(kl_lo, kl_hi)


@dataclass(frozen=True)
class TwoActionData:
    """The exact data of a two-action regularised MDP as floats (they are the exact data)."""

    p0: np.ndarray  # (S, S): P(. | s, 0)
    dp: np.ndarray  # (S, S): P(. | s, 1) - P(. | s, 0)  (exact: differences of floats
    #                  are enclosed below, see ``box_quantities``)
    p1: np.ndarray
    r0: np.ndarray
    r1: np.ndarray
    gamma: float
    tau: float
    rho: np.ndarray
    mu0: float
    mu1: float


def two_action_data(mdp, tau: float, mu: np.ndarray, rho: np.ndarray) -> TwoActionData:
    """Extract P, R for A = 2 (rows in state-major order (s, a))."""
    if mdp.n_actions != 2:
        raise ValueError("structured bounds need exactly two actions")
    pm = mdp.P_matrix.toarray()
    s = mdp.n_states
    p0 = pm[0::2][:s]
    p1 = pm[1::2][:s]
    return TwoActionData(p0, p1 - p0, p1, mdp.R[:, 0].astype(float), mdp.R[:, 1].astype(float),
                         float(mdp.gamma), float(tau), np.asarray(rho, dtype=float),
                         float(mu[0]), float(mu[1]))


def box_quantities(d: TwoActionData, p: MR, q: MR, qx: MR, kl: MR,
                   iterations: int = 6) -> tuple[MR, MR, MR]:
    """(V, w, J) enclosures; see :func:`box_parts`."""
    parts = box_parts(d, p, q, qx, kl, iterations)
    return parts["value"], parts["w"], parts["J"]


def box_parts(d: TwoActionData, p: MR, q: MR, qx: MR, kl: MR,
              iterations: int = 6, value_only: bool = False) -> dict[str, MR]:
    """Interval enclosures of V(rho), w (B, S) and J (B, S, S) over boxes of policies.

    ``p``, ``q``, ``qx``, ``kl`` enclose p_s, p_s (1 - p_s), q_s x_s and the divergence
    KL(pi(.|s) | mu) over each box (shape (B, S)).  (I - gamma P_p)^{-1} is enclosed by the
    Krawczyk iteration R <- (C + E R) cap R started from the a-priori box
    0 <= R <= 1/(1 - gamma) (R = sum_k gamma^k P_p^k has nonnegative entries and row sums
    1/(1 - gamma)); R = C + (I - C A) R holds exactly for any C.  ``value_only``: only
    ``value`` (the same enclosure, without the work for w and J).
    """
    b, s = p.m.shape
    g = d.gamma
    p0, p1 = MR(d.p0), MR(d.p1)
    dp = p1 - p0
    pp = p0[None] + p[..., None] * dp[None]
    dr = MR(d.r1) - MR(d.r0)
    rp = MR(d.r0)[None] + p * dr[None] - d.tau * kl
    eye = np.eye(s)
    amat = MR(np.broadcast_to(eye, (b, s, s))) - g * pp
    c_inv = np.linalg.inv(amat.m)
    c_mr = MR(c_inv)
    e_mat = MR(np.broadcast_to(eye, (b, s, s))) - imatmul(c_mr, amat)
    top = 1.0 / (1.0 - g) * (1 + 4 * EPS)
    lo, hi = np.zeros((b, s, s)), np.full((b, s, s), top)
    for _ in range(iterations):
        cur = MR.from_bounds(lo, hi)
        nxt = c_mr + imatmul(e_mat, cur)
        lo2, hi2 = np.maximum(lo, nxt.lo), np.minimum(hi, nxt.hi)
        hi2 = np.maximum(hi2, lo2)
        if np.array_equal(lo2, lo) and np.array_equal(hi2, hi):
            break  # a fixed point: further iterations give the same (lo, hi)
        lo, hi = lo2, hi2
    rmat = MR.from_bounds(lo, hi)
    rho = MR(d.rho)
    v = (rmat * rp[:, None, :]).sum(axis=2)
    value = (rho[None] * v).sum(axis=1)
    if value_only:
        return {"value": value}
    u = (rho[None, :, None] * rmat).sum(axis=1)
    qc = q * (dr[None] + g * (dp[None] * v[:, None, :]).sum(axis=2)) - d.tau * qx
    w = u * qc
    n = imatmul(MR(np.broadcast_to(dp.m, (b, s, s)), np.broadcast_to(dp.r, (b, s, s))), rmat)
    a_ = q * u
    t1 = a_[:, :, None] * qc[:, None, :] * n  # (t, s): a_t (q c)_s N_ts
    jm = g * (t1 + MR(np.swapaxes(t1.m, 1, 2), np.swapaxes(t1.r, 1, 2)))
    diag = (-d.tau) * u * q + (1 - 2 * p) * w
    jm = jm + MR(eye[None] * diag.m[:, :, None], eye[None] * diag.r[:, :, None])
    return {"value": value, "w": w, "J": jm, "p": p, "q": q, "a": a_, "qc": qc, "N": n}


def _t(x: MR) -> MR:
    """Swap the last two axes."""
    return MR(np.swapaxes(x.m, -1, -2), np.swapaxes(x.r, -1, -2))


def third_derivative(d: TwoActionData, parts: dict[str, MR]) -> MR:
    """Enclosure of T[b, s, t, k] = dJ_st / dx_k from the parts of :func:`box_parts`.

    Derivatives in x_k (certify/proofs/pg_structured.py): dp_s = delta_sk q_s, d(1 - 2p_s) =
    -2 delta_sk q_s, da_t = delta_tk (1 - 2p_t) a_t + gamma q_t a_k N_kt,
    d(qc)_s = delta_sk ((1 - 2p_s) qc_s - tau q_s) + gamma q_s N_sk qc_k,
    dN_ts = gamma q_k N_tk N_ks, dw_s = J_sk.
    """
    g, tau = d.gamma, d.tau
    p, q, a, qc, n, w, jm = (parts[k] for k in ("p", "q", "a", "qc", "N", "w", "J"))
    s = p.m.shape[-1]
    eye = MR(np.eye(s))
    om = 1 - 2 * p
    nt = _t(n)  # nt[b, x, y] = N[b, y, x]
    da = eye[None] * (om * a)[:, :, None] + g * q[:, :, None] * a[:, None, :] * nt
    dqc = eye[None] * (om * qc - tau * q)[:, :, None] + g * q[:, :, None] * n * qc[:, None, :]
    # G[b, s, t] = a_t qc_s N_ts;  dG[b, s, t, k]
    term_a = da[:, None, :, :] * qc[:, :, None, None] * nt[:, :, :, None]
    term_b = a[:, None, :, None] * dqc[:, :, None, :] * nt[:, :, :, None]
    dn_st = g * q[:, None, None, :] * n[:, None, :, :] * nt[:, :, None, :]  # N_tk N_ks
    term_c = a[:, None, :, None] * qc[:, :, None, None] * dn_st
    dg = term_a + term_b + term_c
    dg_t = MR(np.swapaxes(dg.m, 1, 2), np.swapaxes(dg.r, 1, 2))
    dd = (-tau) * da - 2 * eye[None] * (q * w)[:, :, None] + om[:, :, None] * jm
    return g * (dg + dg_t) + eye[None, :, :, None] * dd[:, :, None, :]


def _q_of(p: MR) -> MR:
    """Tight enclosure of p (1 - p) (unimodal, maximum 1/4 at p = 1/2)."""
    lo, hi = np.clip(p.lo, 0, 1), np.clip(p.hi, 0, 1)
    qa, qb = lo * (1 - lo), hi * (1 - hi)
    qlo = np.minimum(qa, qb) * (1 - 8 * EPS)
    qhi = np.where((lo <= 0.5) & (hi >= 0.5), 0.25, np.maximum(qa, qb)) * (1 + 8 * EPS)
    return MR.from_bounds(qlo, qhi)


def _signs(s: int) -> np.ndarray:
    return np.array(list(product((-1.0, 1.0), repeat=s)))


def w_sum_upper(w: MR, jm: MR) -> np.ndarray:
    """Per box: an upper bound on sum_s |w_s|."""
    return w.mag.sum(axis=-1) * (1 + 8 * EPS)


def j_inf1_upper(w: MR, jm: MR) -> np.ndarray:
    """Per box: an upper bound on ||J||_{inf -> 1} = max over sign vectors of sigma^T J sigma'."""
    s = jm.m.shape[-1]
    signs = _signs(s)
    hi, lo = jm.hi, jm.lo
    e = signs[:, None, :, None] * signs[None, :, None, :]
    val = np.einsum("ijst,bst->bij", (1 + e) / 2, hi) + np.einsum("ijst,bst->bij", (1 - e) / 2,
                                                                  -lo)
    scale = np.abs(hi).sum(axis=(1, 2)) + np.abs(lo).sum(axis=(1, 2))
    return val.max(axis=(1, 2)) + 16 * EPS * scale + TINY


def j_spec_upper(w: MR, jm: MR) -> np.ndarray:
    """Per box: an upper bound on ||J||_2 (J symmetric, so ||J||_2 <= max row sum of |J|)."""
    return jm.mag.sum(axis=-1).max(axis=-1) * (1 + 8 * EPS)


OBJECTIVES = {"w_sum": w_sum_upper, "j_inf1": j_inf1_upper, "j_spec": j_spec_upper}


def point_values(d: TwoActionData, ps: np.ndarray) -> tuple[MR, MR, MR]:
    """Float (V, w, J) at policies ps (B, S) with 0 < p < 1 (lower estimates of suprema)."""
    ln_ratio = np.log(d.mu1 / d.mu0)
    x = np.log(ps) - np.log1p(-ps) - ln_ratio
    q = ps * (1 - ps)
    kl = ps * np.log(ps / d.mu1) + (1 - ps) * np.log((1 - ps) / d.mu0)
    return box_quantities(d, MR(ps), MR(q), MR(q * x), MR(kl))


def split_first(heap: list, batch: int, stop_at: float,
                room: int) -> tuple[np.ndarray, np.ndarray]:
    """Pop the first boxes of a heap of (key, counter, lo, hi) (at most ``batch / 2``, while
    key < ``stop_at`` and the two halves of each fit in ``room``) and bisect each along its
    widest side; the halves (lower then upper of each box) as arrays (2n, S) of lo and hi."""
    popped = []
    while heap and 2 * len(popped) < batch:
        key, _, lo, hi = heap[0]
        if key >= stop_at or 2 * len(popped) + 2 > room:
            break
        heapq.heappop(heap)
        popped.append((lo, hi))
    if not popped:
        return np.empty((0, 0)), np.empty((0, 0))
    return bisect_widest(np.array([x[0] for x in popped]), np.array([x[1] for x in popped]))


def bisect_widest(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bisect boxes [lo, hi] (arrays (n, S)) along their widest side (the first if tied);
    the halves, lower then upper of each box, as arrays (2n, S) of lo and hi."""
    rows = np.arange(len(lo))
    k = np.argmax(hi - lo, axis=1)
    m = 0.5 * (lo[rows, k] + hi[rows, k])
    left_hi, right_lo = hi.copy(), lo.copy()
    left_hi[rows, k] = m
    right_lo[rows, k] = m
    los = np.stack([lo, right_lo], axis=1).reshape(-1, lo.shape[1])
    his = np.stack([left_hi, hi], axis=1).reshape(-1, lo.shape[1])
    return los, his


@dataclass(frozen=True)
class BoxSup:
    """A certified upper bound of a supremum over a box of policies, with the best sample."""

    upper: Fraction
    sampled: float
    boxes: int


def box_supremum(d: TwoActionData, objective: str, p_lo: float, p_hi: float,
                 budget: int = 20000, rel_tol: float = 0.1, batch: int = 512,
                 centered: bool = False) -> BoxSup:
    """Branch and bound for sup over p in [p_lo, p_hi]^S of an objective of (w, J).

    Boxes are bisected along their widest side (in p) while their upper bound exceeds
    (1 + rel_tol) times the best sampled value; the answer is the largest upper bound over
    the final partition, an upper bound on the supremum for any budget.  ``centered``
    (needs 0 < p_lo, p_hi < 1) uses the mean-value form of :func:`centered_enclosure`.
    """
    fn = OBJECTIVES[objective]
    s = len(d.r0)
    pv = _PointValues(d.mu0, d.mu1)
    iv.prec = 80
    lr = iv.log(iv.mpf(d.mu1)) - iv.log(iv.mpf(d.mu0))
    ln_ratio = (_down(lr.a), _up(lr.b))
    best_low = 0.0
    heap: list[tuple[float, int, np.ndarray, np.ndarray]] = []
    counter = 0
    los, his = np.full((1, s), float(p_lo)), np.full((1, s), float(p_hi))
    evaluated = 0
    while len(los):
        if centered:
            w, jm = centered_enclosure(d, pv, ln_ratio, los, his)
        else:
            _, w, jm = box_quantities(d, *p_box_functions(pv, los, his, ln_ratio))
        up = fn(w, jm)
        up = np.where(np.isfinite(up), up, np.inf)
        mid = np.clip(0.5 * (los + his), 1e-300, 1 - 1e-16)
        _, wp, jp = point_values(d, mid)
        low = fn(MR(wp.m), MR(jp.m))
        best_low = max(best_low, float(np.nanmax(low)))
        evaluated += len(los)
        for i, u in enumerate(up.tolist()):
            heapq.heappush(heap, (-u, counter, los[i], his[i]))
            counter += 1
        # the heap key is -upper: split while upper > best_low (1 + rel_tol)
        los, his = split_first(heap, batch, -(best_low * (1 + rel_tol)), budget - evaluated)
    top = max(-h[0] for h in heap)
    return BoxSup(as_fraction(_up(top)) if np.isfinite(top) else None, best_low, evaluated)
