"""s.m.p. candidates read off the dual of the quadratic Lyapunov program.

The common quadratic Lyapunov program at rate gamma (B_i = A_i / gamma),

    minimise lam  subject to  P >= 0,  tr P = 1,  P - B_i^T P B_i + lam I >= 0  (all i),

has optimal lam > 0 when gamma is below the quadratic bound (always the case at gamma =
JSR unless an ellipsoidal norm is extremal).  Its dual variables Y_i >= 0 (one per mode)
satisfy sum_i B_i Y_i B_i^T >= sum_i Y_i - lam-terms: they are the second moments of
"occupation measures" of a trajectory that does not decay at rate gamma, Y_i the mass of
the states where mode i is used.  B. Legat, P. A. Parrilo and R. M. Jungers read a
switching sequence off such measures ("Certifying unstability of switched systems using
sum of squares programming", SIAM J. Control Optim., 2020 (volume and pages unconfirmed);
the ``sosbuildsequence`` routine of SwitchOnSafety.jl): backwards from a quadratic form Q_0 = I, the
next mode is the one whose measure weighs the pulled-back form most,

    i_k = argmax_i  < Y_i, B_i^T Q_k B_i >,   Q_(k+1) = B_(i_k)^T Q_k B_(i_k) / trace,

and the modes, in the order they act, form a long sequence whose windows are s.m.p.
candidates: every window w of length <= ``max_length`` is scored by rho(A_w)^(1/|w|)
(float), and the best primitive words are returned.  Nothing here is a bound: the driver
certifies a candidate's rate by an exact product-word certificate, and its exactness by
the polytope methods.
"""

from __future__ import annotations

import time

import numpy as np

from certify.jsr.products import _lyndon_rotation, word_product

MAX_DIM = 40


def _svec(m: np.ndarray) -> np.ndarray:
    """Upper triangle, column by column, off-diagonal entries times sqrt(2) (the scaled
    vectorisation of Clarabel's PSD triangle cone, an isometry)."""
    n = m.shape[0]
    return np.array([m[i, j] * (1.0 if i == j else np.sqrt(2.0)) for j in range(n) for i in range(j + 1)])


def _smat(z: np.ndarray, n: int) -> np.ndarray:
    """The inverse of :func:`_svec`."""
    m = np.zeros((n, n))
    k = 0
    for j in range(n):
        for i in range(j + 1):
            m[i, j] = m[j, i] = z[k] / (1.0 if i == j else np.sqrt(2.0))
            k += 1
    return m


def quadratic_duals(mats: list[np.ndarray], gamma: float) -> list[np.ndarray] | None:
    """The dual matrices Y_i of the quadratic program above at rate ``gamma`` (or None).

    Solved with Clarabel directly (variables: the upper triangle of P, and lam; cones: one
    equality, then the PSD triangle cones of P and of the m Lyapunov constraints); a solver
    failure gives None (a search aid only)."""
    import clarabel
    from scipy import sparse

    n = mats[0].shape[0]
    B = [a / gamma for a in mats]
    pairs = [(a, b) for b in range(n) for a in range(b + 1)]
    basis = []
    for a, b in pairs:
        e = np.zeros((n, n))
        e[a, b] = e[b, a] = 1.0
        basis.append(e)
    nv = len(pairs) + 1  # p_ab, then lam
    t = n * (n + 1) // 2
    rows = [np.array([[1.0 if a == b else 0.0 for a, b in pairs] + [0.0]])]  # trace P = 1
    rows.append(-np.column_stack([_svec(e) for e in basis] + [np.zeros(t)]))  # P >= 0
    for b in B:
        cols = [_svec(e - b.T @ e @ b) for e in basis] + [_svec(np.eye(n))]
        rows.append(-np.column_stack(cols))
    A = sparse.csc_matrix(np.vstack(rows))
    rhs = np.zeros(A.shape[0])
    rhs[0] = 1.0
    q = np.zeros(nv)
    q[-1] = 1.0
    cones = [clarabel.ZeroConeT(1)] + [clarabel.PSDTriangleConeT(n)] * (1 + len(B))
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    try:
        sol = clarabel.DefaultSolver(sparse.csc_matrix((nv, nv)), q, A, rhs, cones, settings).solve()
    except Exception:  # noqa: BLE001 - any solver failure: no candidates
        return None
    if str(sol.status) not in ("Solved", "AlmostSolved"):
        return None
    z = np.asarray(sol.z)
    return [_smat(z[1 + t * (k + 1):1 + t * (k + 2)], n) for k in range(len(B))]


def dual_sequence(mats: list[np.ndarray], duals: list[np.ndarray], gamma: float,
                  steps: int = 60) -> list[int]:
    """The mode sequence built backwards from the dual measures, in the order modes act."""
    n = mats[0].shape[0]
    B = [a / gamma for a in mats]
    Q = np.eye(n)
    seq: list[int] = []
    for _ in range(steps):
        pulled = [b.T @ Q @ b for b in B]
        scores = [float(np.sum(y * q)) for y, q in zip(duals, pulled, strict=True)]
        i = int(np.argmax(scores))
        seq.insert(0, i)  # the newest mode acts first
        t = np.trace(pulled[i])
        if not np.isfinite(t) or t <= 0:
            break
        Q = pulled[i] / t
    return seq


def lifted(mats: list[np.ndarray], degree: int) -> list[np.ndarray]:
    """The degree-d Veronese lifts A_i^[d] (float), so that the quadratic program on them is
    the SOS program of degree 2d on the A_i (Parrilo and Jadbabaie 2008)."""
    if degree == 1:
        return list(mats)
    from fractions import Fraction

    from certify.exact.lifting import lift_matrix

    out = []
    for a in mats:
        q = np.array([[Fraction(float(x)) for x in row] for row in a], dtype=object)
        out.append(np.array(lift_matrix(q, degree), dtype=float))
    return out


def dual_sos_candidates(mats: list[np.ndarray], gamma: float, max_length: int = 16,
                        steps: int = 60, top: int = 3, degree: int = 1,
                        deadline: float | None = None) -> list[tuple[tuple[int, ...], float]]:
    """s.m.p. candidates (word, float rate), best first, from the quadratic dual at ``gamma``.

    Parameters
    ----------
    mats : list of (n, n) arrays
    gamma : float
        A rate at or below the quadratic bound (the best product rate known).
    max_length : int
        Longest window of the dual sequence scored.
    steps : int
        Length of the dual sequence.
    top : int
        How many distinct primitive words to return.
    degree : int
        d: the program is the quadratic one on the degree-d lifts (SOS of degree 2d).
    """
    if not mats or not gamma > 0:
        return []
    lift = lifted(mats, degree)
    if lift[0].shape[0] > MAX_DIM:
        return []
    duals = quadratic_duals(lift, gamma ** degree)
    if duals is None:
        return []
    seq = dual_sequence(lift, duals, gamma ** degree, steps)
    best: dict[tuple[int, ...], float] = {}
    for length in range(1, min(max_length, len(seq)) + 1):
        for a in range(len(seq) - length + 1):
            if deadline is not None and time.perf_counter() > deadline:
                break
            w = _lyndon_rotation(tuple(seq[a:a + length]))
            if w in best:
                continue
            ev = np.linalg.eigvals(word_product(mats, w))
            best[w] = float(np.max(np.abs(ev))) ** (1.0 / len(w))
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], len(kv[0])))
    return ranked[:top]


__all__ = ["dual_sequence", "dual_sos_candidates", "lifted", "quadratic_duals"]
