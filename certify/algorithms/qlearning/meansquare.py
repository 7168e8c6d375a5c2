"""Mean-square finite-time bounds for constant-step Q-learning (i.i.d. sampling, reward noise).

The error e_k = Q_k - Q* of asynchronous Q-learning with pairs i ~ d, next states
s' ~ P(.|i) and rewards R(i) + xi (xi = +-b with probability 1/2) obeys

    e_{k+1} = e_k + alpha 1_i (gamma h_k(s') - e_k(i) + eta),                          (1)
    h_k(s') = max_a Q_k(s', a) - max_a Q*(s', a) = e_k(s', sigma(s'))  (a convex selection),
    eta = xi + gamma (V*(s') - (P V*)(i)),    E[eta | i] = 0,  E[eta^2 | i] = b^2 + gamma^2 v_i,

v_i = Var_{s' ~ P(.|i)} V*(s') (docs/theory_finite_time.md, section 1).  Two Lyapunov routes
bound E||e_K||_inf^2 <= C1 beta^K + C2 with C2 proportional to alpha:

* :func:`second_moment_route` (small MDPs): a quadratic V(e) = e^T X e with, for every
  deterministic selection sigma, the *exact* conditional second moment of (1) dominated,

      E[V(e') | e] <= beta V(e) + N,   N = alpha^2 sum_i d_i X_ii ((1 + 1/eps) gamma^2 v_i + b^2),

  which is the linear matrix inequality beta X - M_sigma(X) >= 0 (section 2) found by SDP and
  accepted only after an exact LDL^T check in rationals; then
  ||e||_inf^2 <= V(e) max_i (X^-1)_ii.
* :func:`pnorm_route` (any size): f(e) = ||W^-1 e||_p^2, which is 2(p - 1)-smooth; the
  weighted max-norm certificate (w, rho) and the column sums c of W^-1 |A_sigma| W give
  ||A_sigma||_{p,w} <= c^(1/p) rho^(1 - 1/p) (Riesz-Thorin) (section 3).  The noise is
  affine in f(e) and is split with the almost-sure bound ||e_k||_inf <= 2 q_bar.

Every constant is a Fraction computed from the MDP's floats taken as exact rationals (rows of
P renormalised exactly to sum to 1), and rounded up at the end.  Q* enters only through an
enclosure: the float Q-hat of policy iteration and delta >= ||Q-hat - Q*||_inf from the exact
Bellman residual, delta = ||T Q-hat - Q-hat||_inf / (1 - gamma).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product

import numpy as np
from mpmath import iv
from mpmath.libmp import to_rational

from certify.argcheck import check_count
from certify.errors import InvalidInput
from certify.exact import as_fraction, ldl_definiteness, round_up_float
from certify.exact.intervals import sqrt_up
from certify.mdp.bellman import q_star as compute_q_star
from certify.mdp.finite import FiniteMDP
from certify.mdp.sampling import Sampling
from certify.solver_options import SolverOptions

SECOND_MOMENT_MAX_DIM = 12
"""The LMI route runs when |S||A| <= this ..."""
SECOND_MOMENT_MAX_POLICIES = 64
"""... and |A|^|S| <= this (one exact LDL^T check per deterministic selection)."""

F = Fraction


# ---------------------------------------------------------------------------------------------
# exact model data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExactModel:
    """The MDP, the sampling law and the noise as exact rationals, with an enclosure of Q*.

    Attributes
    ----------
    rows : list of list of (int, Fraction)
        rows[i] = [(s', P(s'|i))], each row renormalised exactly to sum to 1.
    d : list of Fraction
        Sampling probabilities (renormalised exactly).
    gamma, alpha, b2 : Fraction
        Discount, step size, E[xi^2] = b^2.
    q_hat : array (n,)
        Float Q* (policy iteration), state-major.
    delta : Fraction
        ||q_hat - Q*||_inf <= delta.
    v_up : list of Fraction
        v_i <= v_up[i], the variance of V*(s') under P(.|i).
    e_max : Fraction
        ||e_k||_inf <= e_max almost surely (2 q_bar, q_bar = max(||Q_0||, (R_max + b)/(1 - gamma))).
    """

    n_states: int
    n_actions: int
    rows: list
    d: list
    gamma: Fraction
    alpha: Fraction
    b2: Fraction
    q_hat: np.ndarray
    delta: Fraction
    v_up: list
    e_max: Fraction

    @property
    def n(self) -> int:
        return self.n_states * self.n_actions


def exact_model(mdp: FiniteMDP, sampling: Sampling, alpha: float, noise: float,
                q0: np.ndarray | None = None) -> ExactModel:
    """Build :class:`ExactModel` (see the module docstring for the enclosure of Q*)."""
    if not (0 < alpha <= 1):
        raise InvalidInput(f"alpha = {alpha!r}; expected a step size in (0, 1]")
    if not (noise >= 0 and math.isfinite(noise)):
        raise InvalidInput(f"noise = {noise!r}; expected a finite number >= 0")
    S, A = mdp.n_states, mdp.n_actions
    n = S * A
    P = mdp.P_matrix.tocsr()
    rows = []
    for i in range(n):
        lo, hi = P.indptr[i], P.indptr[i + 1]
        ent = [(int(P.indices[k]), F(float(P.data[k]))) for k in range(lo, hi) if P.data[k] != 0]
        tot = sum(p for _, p in ent)
        rows.append([(s, p / tot) for s, p in ent])
    dd = [F(float(x)) for x in sampling.d]
    dt = sum(dd)
    d = [x / dt for x in dd]
    gamma = F(mdp.gamma)
    r = [F(float(x)) for x in mdp.r_vector]
    q_hat, _ = compute_q_star(mdp)
    q_hat = np.asarray(q_hat, dtype=float).reshape(-1)
    qf = [F(float(x)) for x in q_hat]
    v_hat = [max(qf[s * A:(s + 1) * A]) for s in range(S)]
    resid = max(abs(r[i] + gamma * sum(p * v_hat[s] for s, p in rows[i]) - qf[i]) for i in range(n))
    delta = resid / (1 - gamma)
    # Var(V* | i) <= (1 + t) Var(V-hat | i) + (1 + 1/t) delta^2 (|V* - V-hat| <= delta)
    t = F(1, 10**6)
    v_up = []
    for i in range(n):
        m = sum(p * v_hat[s] for s, p in rows[i])
        var = sum(p * (v_hat[s] - m) ** 2 for s, p in rows[i])
        v_up.append(var if delta == 0 else (1 + t) * var + (1 + 1 / t) * delta**2)
    b = F(float(noise))
    q0_sup = F(0) if q0 is None else max(F(float(abs(x))) for x in np.asarray(q0).reshape(-1))
    q_bar = max(q0_sup, (F(float(mdp.r_max)) + b) / (1 - gamma))
    return ExactModel(S, A, rows, d, gamma, F(float(alpha)), b * b, q_hat, delta, v_up, 2 * q_bar)


def _initial_error(model: ExactModel, q0: np.ndarray | None) -> tuple[list, Fraction]:
    """(e0_hat, delta): e0 = Q_0 - Q* satisfies |e0_i - e0_hat_i| <= delta."""
    q0v = np.zeros(model.n) if q0 is None else np.asarray(q0, dtype=float).reshape(-1)
    if q0v.shape != (model.n,):
        raise InvalidInput(f"q0 has {q0v.size} entries; expected {model.n} (|S| x |A|)")
    return [F(float(a)) - F(float(b)) for a, b in zip(q0v, model.q_hat, strict=True)], model.delta


def pow_up(x: Fraction, k: int) -> Fraction:
    """A rational >= x^k for 0 <= x (interval arithmetic, outward rounding)."""
    if x <= 0:
        return F(0)
    iv.prec = 96
    y = (iv.mpf(x.numerator) / iv.mpf(x.denominator)) ** int(k)
    return F(*to_rational(y._mpi_[1]))


def _root_up(x: Fraction, p: int) -> Fraction:
    """A rational >= x^(1/p), x > 0."""
    iv.prec = 96
    y = iv.exp(iv.log(iv.mpf(x.numerator) / iv.mpf(x.denominator)) / p)
    return F(*to_rational(y._mpi_[1]))


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteBound:
    """One sound bound E||e_K||_inf^2 <= scale (rate^K a0 + floor_ms_unscaled (1 - rate^K)).

    ``bound_ms`` is the bound on E||e_K||_inf^2, ``floor`` its K -> infinity limit
    (the term proportional to alpha), ``transient`` the rest at K.
    """

    route: str
    rate: float
    floor: float
    transient: float
    bound_ms: float
    params: dict = field(default_factory=dict)
    c1: float = math.inf
    """E||e_k||^2 <= c1 rate^k + floor for every k (c1 = scale a0, rounded up)."""

    def bound_ms_at(self, k: int) -> Fraction:
        """The same certificate's bound on E||e_k||_inf^2 at another step k (exact)."""
        return F(self.c1) * pow_up(F(self.rate), k) + F(self.floor)

    def steps_to(self, eps: float) -> int | None:
        """The smallest k with sqrt(bound_ms_at(k)) <= eps (None if the floor is too high)."""
        target = F(eps) ** 2
        if F(self.floor) >= target:
            return None
        if F(self.c1) == 0 or self.bound_ms_at(0) <= target:
            return 0
        k = max(0, int(math.floor(math.log((eps**2 - self.floor) / self.c1) / math.log(self.rate))) - 2)
        while self.bound_ms_at(k) > target:
            k += 1
        return k

    @property
    def bound(self) -> float:
        """Certified upper bound on sqrt(E||e_K||_inf^2)."""
        return round_up_float(sqrt_up(F(self.bound_ms)))

    def to_dict(self) -> dict:
        return {"route": self.route, "rate": self.rate, "floor": self.floor,
                "transient": self.transient, "bound_mean_square": self.bound_ms,
                "bound": self.bound, "params": self.params}


def _route(name: str, beta: Fraction, scale: Fraction, a0: Fraction, noise_term: Fraction,
           steps: int, params: dict) -> RouteBound:
    """E||e_K||^2 <= scale (beta^K a0 + noise_term (1 - beta^K) / (1 - beta))."""
    bk = pow_up(beta, steps)
    floor = scale * noise_term / (1 - beta)
    trans = scale * bk * a0
    total = trans + floor  # (1 - beta^K) <= 1
    return RouteBound(name, round_up_float(beta), round_up_float(floor), round_up_float(trans),
                      round_up_float(total), params, round_up_float(scale * a0))


# ---------------------------------------------------------------------------------------------
# route 1: exact second-moment LMI (small MDPs)
# ---------------------------------------------------------------------------------------------


def _selections(S: int, A: int):
    return product(range(A), repeat=S)


def _lmi_pieces(model: ExactModel, sigma: tuple[int, ...], exact: bool):
    """L_sigma = D (gamma P Pi_sigma - I) and the n x n matrices G_i = E[g g^T | i] with
    g = gamma e_{(s', sigma(s'))} - e_i, as floats or Fractions."""
    n, A = model.n, model.n_actions
    conv = (lambda x: x) if exact else float
    zero = F(0) if exact else 0.0
    L = np.full((n, n), zero, dtype=object if exact else float)
    G = []
    g = conv(model.gamma)
    for i in range(n):
        di = conv(model.d[i])
        L[i, i] -= di
        Gi = np.full((n, n), zero, dtype=object if exact else float)
        for s, p in model.rows[i]:
            j = s * A + sigma[s]
            pv = conv(p)
            L[i, j] += di * g * pv
            # p (gamma e_j - e_i)(gamma e_j - e_i)^T
            Gi[j, j] += pv * g * g
            Gi[i, i] += pv
            Gi[i, j] -= pv * g
            Gi[j, i] -= pv * g
        G.append(Gi)
    return L, G


def exact_lmi_products(model: ExactModel, sigma: tuple, Xq: np.ndarray) -> tuple:
    """X L_sigma and sum_i d_i X_ii G_i,sigma in rationals (the two products in which the
    constant-step and diminishing-step LMIs of selection sigma differ only by coefficients)."""
    n = model.n
    L, G = _lmi_pieces(model, sigma, exact=True)
    XL = np.array([[sum(Xq[i, k] * L[k, j] for k in range(n) if L[k, j] != 0)
                    for j in range(n)] for i in range(n)], dtype=object)
    GX = np.full((n, n), F(0), dtype=object)
    for i in range(n):
        GX = GX + (model.d[i] * Xq[i, i]) * G[i]
    return XL, GX


def _noise_weights(model: ExactModel, eps: Fraction) -> list:
    """s_i = (1 + 1/eps) gamma^2 v_i + b^2 (Young on the cross term E[(g^T e) gamma c])."""
    return [(1 + 1 / eps) * model.gamma**2 * v + model.b2 for v in model.v_up]


def solve_augmented(M: list) -> list | None:
    """Gauss-Jordan on an augmented rational matrix M = [A | B] (n rows): the rows of
    A^-1 B, or None when A is singular."""
    n = len(M)
    M = [row[:] for row in M]
    for c in range(n):
        piv = next((r for r in range(c, n) if M[r][c] != 0), None)
        if piv is None:
            return None
        M[c], M[piv] = M[piv], M[c]
        pc = M[c][c]
        M[c] = [v / pc for v in M[c]]
        for r in range(n):
            if r != c and M[r][c] != 0:
                f = M[r][c]
                M[r] = [a - f * b for a, b in zip(M[r], M[c], strict=True)]
    return [row[n:] for row in M]


def _exact_inverse_diag(X: np.ndarray) -> list | None:
    """diag(X^-1) in rationals by Gauss-Jordan; None if X is singular."""
    n = X.shape[0]
    inv = solve_augmented([[F(X[i, j]) for j in range(n)] + [F(int(i == j)) for j in range(n)]
                           for i in range(n)])
    return None if inv is None else [inv[i][i] for i in range(n)]


def _quad_up(X: np.ndarray, e_hat: list, delta: Fraction) -> Fraction:
    """An upper bound on e^T X e over |e - e_hat|_inf <= delta (X >= 0):
    (1 + t) e_hat'X e_hat + (1 + 1/t) delta^2 sum |X_ij|, t = 10^-6."""
    n = len(e_hat)
    v = sum(e_hat[i] * X[i, j] * e_hat[j] for i in range(n) for j in range(n))
    if delta == 0:
        return v
    t = F(1, 10**6)
    return (1 + t) * v + (1 + 1 / t) * delta**2 * sum(abs(X[i, j]) for i in range(n) for j in range(n))


class ParametricLMI:
    """min <C, X> subject to I <= X <= 1e6 I and Z(X, L, G X, t) >= margin I for every piece
    (L, G) of the model, compiled once with the scalar t and the objective C as cvxpy
    parameters.  ``lmi(X, L, GX, t)`` builds Z; the float solution is only a candidate, accepted
    by an exact check elsewhere."""

    def __init__(self, model: ExactModel, pieces, lmi, options: SolverOptions,
                 margin: float = 1e-7) -> None:
        import cvxpy as cp

        n = model.n
        self.X = cp.Variable((n, n), symmetric=True)
        self.t = cp.Parameter(nonneg=True)
        self.C = cp.Parameter((n, n), symmetric=True)
        eye = np.eye(n)
        d = np.array([float(x) for x in model.d])
        X = self.X
        cons = [X >> eye, X << 1e6 * eye]
        for L, G in pieces:
            GX = sum(X[i, i] * (d[i] * G[i]) for i in range(n))
            Z = lmi(X, L, GX, self.t) - margin * eye
            cons.append((Z + Z.T) / 2 >> 0)
        self.problem = cp.Problem(cp.Minimize(cp.trace(self.C @ X)), cons)
        self.options = options

    def solve(self, t: float, C: np.ndarray) -> np.ndarray | None:
        self.t.value = t
        self.C.value = (C + C.T) / 2
        status = self.options.solve(self.problem)
        if status not in ("optimal", "optimal_inaccurate") or self.X.value is None:
            return None
        return np.asarray(self.X.value)


def _lmi_problem(model: ExactModel, pieces, eps: float, options: SolverOptions) -> ParametricLMI:
    """The SDP of route 1 for one eps: t = beta, Z = beta X - M_sigma(X) with
    M_sigma(X) = X + a (X L + L^T X) + a^2 (1 + eps) G X."""
    a = float(model.alpha)

    def lmi(X, L, GX, beta):
        # (beta X - M_sigma(X)) / alpha: every term is O(1) in alpha, so the solver's absolute
        # tolerance and the margin do not swamp a drift of order alpha when alpha is small
        return (beta - 1) / a * X - (X @ L + L.T @ X) - a * (1 + eps) * GX

    return ParametricLMI(model, pieces, lmi, options)


def _check_lmi(model: ExactModel, Xq: np.ndarray, beta: Fraction, eps: Fraction) -> bool:
    """Exact: X > 0 and beta X - M_sigma(X) >= 0 for every deterministic selection."""
    if not ldl_definiteness(Xq).pd:
        return False
    a = model.alpha
    coeff = a * a * (1 + eps)
    for sigma in _selections(model.n_states, model.n_actions):
        XL, GX = exact_lmi_products(model, sigma, Xq)
        M = Xq + a * (XL + XL.T) + coeff * GX
        if not ldl_definiteness(beta * Xq - M).psd:
            return False
    return True


def second_moment_route(model: ExactModel, steps: int, q0: np.ndarray | None = None,
                        options: SolverOptions | None = None,
                        eps_grid: tuple[float, ...] = (0.5,),
                        n_beta: int = 10, refine: int = 6) -> RouteBound | None:
    """Route 1 (docs/theory_finite_time.md, section 2); None when it does not apply or no
    candidate passes the exact check."""
    n = model.n
    e_hat, delta = _initial_error(model, q0)
    for beta_q, eps_q, Xq, inv_diag in checked_lmi_candidates(model, steps, q0, options, eps_grid,
                                                              n_beta, refine, tries=4):
        scale = max(inv_diag)
        s = _noise_weights(model, eps_q)
        N = model.alpha**2 * sum(model.d[i] * Xq[i, i] * s[i] for i in range(n))
        a0 = _quad_up(Xq, e_hat, delta)
        return _route("second-moment LMI (exact LDL^T)", beta_q, scale, a0, N, steps,
                      {"beta": float(beta_q), "eps": float(eps_q),
                       "max_diag_X_inverse": float(scale),
                       "policies": model.n_actions**model.n_states})
    return None


def checked_lmi_candidates(model: ExactModel, steps: int, q0: np.ndarray | None = None,
                           options: SolverOptions | None = None,
                           eps_grid: tuple[float, ...] = (0.5,), n_beta: int = 10,
                           refine: int = 6, tries: int = 4):
    """The SDP candidates of route 1, best first by their bound at ``steps``, that pass the
    exact check: yields (beta, eps, X, diag(X^-1)) as rationals, with X > 0 and
    beta X - M_sigma(X) >= 0 for every deterministic selection (checked by LDL^T).  At most
    ``tries`` candidates are checked; nothing is yielded when the route does not apply."""
    S, A, n = model.n_states, model.n_actions, model.n
    if n > SECOND_MOMENT_MAX_DIM or A**S > SECOND_MOMENT_MAX_POLICIES:
        return
    if model.alpha * max(model.d) > 1:
        return
    options = options or SolverOptions()
    pieces = [_lmi_pieces(model, sig, exact=False) for sig in _selections(S, A)]
    e_hat, delta = _initial_error(model, q0)
    e0 = np.array([float(x) for x in e_hat])
    a = float(model.alpha)
    d_min = float(min(model.d))
    # 1 - beta = alpha kappa, kappa on a geometric grid (the drift per unit step is at most
    # 2 d_min per coordinate; the certified contraction is of order d_min (1 - gamma))
    kappas = np.geomspace(2.0 * d_min, 1e-4 * d_min * (1 - float(model.gamma)), n_beta)
    d = np.array([float(x) for x in model.d])
    cands = []

    def objective(beta: float, eps: float) -> tuple[float, np.ndarray]:
        bk = beta**steps
        wn = a * a * (1 - bk) / (1 - beta)
        s = np.array([float(x) for x in _noise_weights(model, F(eps))])
        return bk, bk * np.outer(e0, e0) + wn * np.diag(d * s)

    for eps in eps_grid:
        lmi = _lmi_problem(model, pieces, eps, options)
        found = []
        for kap in kappas:
            beta = 1.0 - a * kap
            if not 0 < beta < 1:
                continue
            _, C = objective(beta, eps)
            X = lmi.solve(beta, C)
            if X is not None:
                found.append((float(np.sum(C * X)), kap, X))
        if not found:
            continue
        # refine around the best kappa (golden-section on log kappa)
        found.sort(key=lambda c: c[0])
        lo, hi = math.log(found[0][1]) - 0.35, math.log(found[0][1]) + 0.35
        for _ in range(refine):
            m1, m2 = lo + 0.382 * (hi - lo), lo + 0.618 * (hi - lo)
            vals = []
            for m in (m1, m2):
                beta = 1.0 - a * math.exp(m)
                _, C = objective(beta, eps)
                X = lmi.solve(beta, C) if 0 < beta < 1 else None
                vals.append(math.inf if X is None else float(np.sum(C * X)))
                if X is not None:
                    found.append((vals[-1], math.exp(m), X))
            if vals[0] <= vals[1]:
                hi = m2
            else:
                lo = m1
        for val, kap, X in found:
            cands.append((val, 1.0 - a * kap, eps, X))
    cands.sort(key=lambda c: c[0])
    for _val, beta, eps, X in cands[:tries]:
        Xq = _rational_symmetric(X)
        beta_q, eps_q = F(beta), F(eps)
        if not _check_lmi(model, Xq, beta_q, eps_q):
            continue
        inv_diag = _exact_inverse_diag(Xq)
        if inv_diag is None or min(inv_diag) <= 0:
            continue
        yield beta_q, eps_q, Xq, inv_diag


def _rational_symmetric(X: np.ndarray) -> np.ndarray:
    n = X.shape[0]
    out = np.empty((n, n), dtype=object)
    for i in range(n):
        for j in range(i, n):
            v = F(float((X[i, j] + X[j, i]) / 2)).limit_denominator(10**9)
            out[i, j] = out[j, i] = v
    return out


# ---------------------------------------------------------------------------------------------
# route 2: smooth p-norm (any size)
# ---------------------------------------------------------------------------------------------


def _float_up(t: Fraction) -> float:
    """The smallest double >= t."""
    f = float(t)
    return f if F(f) >= t else float(np.nextafter(f, math.inf))


def sum_up(terms) -> Fraction:
    """A rational >= the exact sum of the Fractions ``terms``: each term rounded up to a
    double, the doubles summed correctly rounded (``math.fsum``), the result moved one ulp up.
    Long exact sums of rationals with unrelated denominators cost a gcd per addition on ever
    longer integers; this costs one comparison per term.  Used only where a larger value is
    the safe side."""
    total = math.fsum(_float_up(t) for t in terms)
    return F(float(np.nextafter(total, math.inf)))


def maxnorm_rate(model: ExactModel, w: list) -> Fraction:
    """The exact rate of the weighted max-norm certificate w for the direct family:
    max_i ((1 - alpha d_i) w_i + alpha gamma d_i sum_s' P(s'|i) max_a w(s', a)) / w_i
    (needs alpha d_max <= 1: then every member is nonnegative)."""
    A, a, g = model.n_actions, model.alpha, model.gamma
    wbar = [max(w[s * A:(s + 1) * A]) for s in range(model.n_states)]
    return max(((1 - a * model.d[i]) * w[i] + a * g * model.d[i]
                * sum(p * wbar[s] for s, p in model.rows[i])) / w[i] for i in range(model.n))


def column_rate(model: ExactModel, w: list) -> Fraction:
    """max_j of the column sums of W^-1 |A_sigma| W over all selections:
    (1 - alpha d_j) + alpha gamma w_j sum_i d_i P(s_j | i) / w_i."""
    A, a, g = model.n_actions, model.alpha, model.gamma
    terms: list[list[Fraction]] = [[] for _ in range(model.n_states)]
    for i in range(model.n):
        for s, p in model.rows[i]:
            terms[s].append(model.d[i] * p / w[i])
    into = [sum(t, F(0)) if len(t) <= 64 else sum_up(t) for t in terms]  # rounded up if long
    return max((1 - a * model.d[j]) + a * g * w[j] * into[j // A] for j in range(model.n))


def pnorm_route(model: ExactModel, w_float: np.ndarray | None, steps: int,
                q0: np.ndarray | None = None,
                p_grid: tuple[int, ...] = (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192,
                                           256, 384, 512, 768, 1024, 2048, 4096),
                eps_grid: tuple[int, ...] = (1,), theta_grid: tuple[Fraction, ...] = (
                    F(0), F(1, 4), F(1, 2), F(3, 4), F(1))) -> RouteBound | None:
    """Route 2 (docs/theory_finite_time.md, section 3) with weights w (None: w = 1, the
    row-sum certificate).  None when no p gives a contraction."""
    n, A, a, g = model.n, model.n_actions, model.alpha, model.gamma
    if a * max(model.d) > 1:
        return None
    w = [F(1)] * n if w_float is None else [F(float(x)) for x in np.asarray(w_float).reshape(-1)]
    if min(w) <= 0:
        return None
    rho = maxnorm_rate(model, w)
    c = column_rate(model, w)
    if rho >= 1:
        return None
    w_max = max(w)
    wbar = [max(w[s * A:(s + 1) * A]) for s in range(model.n_states)]
    e_hat, delta = _initial_error(model, q0)
    e0w = max((abs(x) + delta) / wi for x, wi in zip(e_hat, w, strict=True))
    # long sums rounded up (sum_up): every one of them enters the bound on the safe side
    B0 = sum_up(model.d[i] * sum(p * (g * wbar[s] + w[i]) ** 2 for s, p in model.rows[i])
                / w[i] ** 2 for i in range(n))
    sure = sum_up(model.d[i] * ((1 + g) * model.e_max) ** 2 / w[i] ** 2 for i in range(n))
    best: RouteBound | None = None
    sig2_of = {eps: sum_up(model.d[i] * ((1 + 1 / F(eps)) * g * g * model.v_up[i] + model.b2)
                           / w[i] ** 2 for i in range(n)) for eps in eps_grid}
    for p in p_grid:
        rho_p = _root_up(c, p) * _root_up(rho, p) ** (p - 1) if c > 0 else rho
        rho_p = min(rho_p, max(c, rho))  # the Riesz-Thorin bound is <= max(c, rho)
        if rho_p >= 1:
            continue
        npow = _root_up(F(n), p) ** 2
        f0 = npow * e0w**2
        for eps in eps_grid:
            e = F(eps)
            sig2 = sig2_of[eps]
            for th in theta_grid:
                beta = 1 - 2 * (1 - rho_p) + (p - 1) * a * a * (1 + e) * th * B0
                beta = max(beta, F(0))
                if beta >= 1:
                    continue
                noise = (p - 1) * a * a * (sig2 + (1 + e) * (1 - th) * sure)
                cand = _route(f"smooth p-norm ({'certificate' if w_float is not None else 'row-sum'}"
                              " weights)", beta, w_max**2, f0, noise, steps,
                              {"p": p, "eps": eps, "theta": float(th), "rho_w": round_up_float(rho),
                               "column_rate": round_up_float(c), "rho_p": round_up_float(rho_p),
                               "weights": "certificate" if w_float is not None else "row-sum"})
                if best is None or cand.bound_ms < best.bound_ms:
                    best = cand
    return best


# ---------------------------------------------------------------------------------------------
# the combined bound
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeanSquareBound:
    """``finite_time.mean_square``: the minimum of the sound routes and the trivial bound.

    ``bound`` is a certified upper bound on sqrt(E||Q_K - Q*||_inf^2); ``floor`` is the
    K -> infinity limit of the mean-square bound of the chosen route (proportional to
    alpha), ``rate`` its per-step factor beta (E||e_K||^2 <= C1 beta^K + floor);
    ``trivial`` = 2 q_bar bounds ||e_k||_inf surely.  ``verdict`` is "certified" when some
    route is below ``trivial`` and "inconclusive" (the bound is vacuous) otherwise.
    """

    alpha: float
    noise: float
    steps: int
    trivial: float
    routes: tuple[RouteBound, ...]
    notes: tuple[str, ...] = ()
    sampling: str = "iid"
    """"iid" (pairs drawn from d) or "markov" (one behaviour trajectory, d its stationary law)."""

    @property
    def best(self) -> RouteBound | None:
        return min(self.routes, key=lambda r: r.bound_ms) if self.routes else None

    @property
    def bound(self) -> float:
        b = self.best
        return self.trivial if b is None else min(b.bound, self.trivial)

    @property
    def verdict(self) -> str:
        b = self.best
        return "certified" if b is not None and b.bound < self.trivial else "inconclusive"

    def to_dict(self) -> dict:
        b = self.best
        return {"rate": None if b is None else b.rate, "floor": None if b is None else b.floor,
                "bound": self.bound, "steps": self.steps, "trivial": self.trivial,
                "verdict": self.verdict, "alpha": self.alpha, "noise": self.noise,
                "route": None if b is None else b.route,
                "routes": [r.to_dict() for r in self.routes], "notes": list(self.notes),
                "sampling": self.sampling,
                "meaning": "bound >= sqrt(E||Q_K - Q*||_inf^2) for "
                           + ("i.i.d. sampling from d" if self.sampling == "iid" else
                              "Markovian sampling along one behaviour trajectory (any start)")
                           + " and reward noise +-noise; floor is the K -> infinity mean-square "
                             "limit"}


def mean_square_bound(mdp: FiniteMDP, sampling: Sampling, alpha: float, noise: float,
                      steps: int, q0: np.ndarray | None = None,
                      certificate_w: np.ndarray | None = None,
                      options: SolverOptions | None = None,
                      second_moment: bool | None = None) -> MeanSquareBound:
    """The mean-square bound of :class:`MeanSquareBound` (module docstring).

    ``certificate_w`` are the weights of an exactly checked weighted max-norm certificate
    (their rate is recomputed here exactly); ``second_moment`` forces (True) or skips
    (False) the LMI route (default: run it when the MDP is small enough).
    """
    steps = check_count(steps, "steps", 0)
    model = exact_model(mdp, sampling, alpha, noise, q0)
    routes: list[RouteBound] = []
    notes: list[str] = []
    if sampling.kind == "markov":
        return _markov_bound(mdp, sampling, model, alpha, noise, int(steps), q0, options)
    if second_moment is not False:
        r1 = second_moment_route(model, int(steps), q0, options)
        if r1 is not None:
            routes.append(r1)
        elif model.n <= SECOND_MOMENT_MAX_DIM and \
                model.n_actions**model.n_states <= SECOND_MOMENT_MAX_POLICIES:
            notes.append("second-moment LMI: no candidate passed the exact check (inconclusive)")
    for w in ([None] if certificate_w is None else [None, certificate_w]):
        r2 = pnorm_route(model, w, int(steps), q0)
        if r2 is not None:
            routes.append(r2)
    trivial = round_up_float(model.e_max)
    if not routes:
        notes.append("no route applies: only the trivial bound 2 q_bar holds")
    return MeanSquareBound(float(alpha), float(noise), int(steps), trivial, tuple(routes),
                           tuple(notes))


def _markov_bound(mdp: FiniteMDP, sampling: Sampling, model: ExactModel, alpha: float,
                  noise: float, steps: int, q0: np.ndarray | None,
                  options: SolverOptions | None) -> MeanSquareBound:
    """Markovian sampling: only the Poisson-corrected route 1
    (:mod:`certify.algorithms.qlearning.meansquare_markov`) is sound."""
    from certify.algorithms.qlearning.meansquare_markov import (
        exact_pair_chain,
        markov_second_moment_route,
    )

    trivial = round_up_float(model.e_max)
    notes: list[str] = []
    routes: list[RouteBound] = []
    if sampling.behaviour is None:
        notes.append("Markovian sampling without a behaviour policy: the pair chain (and its "
                     "Poisson solution) is unknown, so only the trivial bound 2 q_bar holds")
    elif model.n > SECOND_MOMENT_MAX_DIM or \
            model.n_actions**model.n_states > SECOND_MOMENT_MAX_POLICIES:
        notes.append(f"Markovian sampling: the Poisson-corrected LMI route needs |S||A| <= "
                     f"{SECOND_MOMENT_MAX_DIM} and |A|^|S| <= {SECOND_MOMENT_MAX_POLICIES}; "
                     "only the trivial bound 2 q_bar holds")
    else:
        try:
            chain = exact_pair_chain(model, sampling.behaviour)
        except InvalidInput as exc:
            chain = None
            notes.append(str(exc))
        if chain is not None:
            r = markov_second_moment_route(chain, steps, q0, options)
            if r is not None:
                routes.append(r)
            else:
                hmax = max(sum(abs(v) for v in row) for row in chain.h)
                notes.append(f"Markovian sampling: alpha = {alpha:g} is too large for the "
                             f"Poisson correction (max_x sum_i |h_i(x)| = {float(hmax):.4g}): "
                             "the drift margin 1 - beta - alpha^2 q2 is not positive "
                             "(inconclusive)")
    if not routes:
        notes.append("no route applies: only the trivial bound 2 q_bar holds")
    return MeanSquareBound(float(alpha), float(noise), int(steps), trivial, tuple(routes),
                           tuple(notes), "markov")


__all__ = ["ExactModel", "MeanSquareBound", "RouteBound", "column_rate", "exact_model",
           "maxnorm_rate", "mean_square_bound", "pnorm_route", "pow_up", "second_moment_route",
           "as_fraction"]
