"""The algebra behind the Markovian mean-square bound (certify.algorithms.qlearning.meansquare_markov).

(1) Poisson equation of a pair chain (symbolic 2-state chain K = [[1 - a, a], [b, 1 - b]],
    stationary d = (b, a) / (a + b)): h_i(x) = Z(x, i) - d_i with Z = (I - K + 1 d^T)^-1
    satisfies h_i - K h_i = 1_i - d_i and sum_i h_i(x) = 0, so for any psi,
    U = sum_i h_i psi_i obeys U - K U = psi - (d . psi) 1  (docs/theory_finite_time.md, 2c).
(2) The corrected drift: from E[V'] = V + psi(x) = V + psi_bar + U(x) - (K U)(x) and
    E[U(e, x')] = (K U)(x), E[V' + U(e', x')] = W + psi_bar + Delta with W = V + U(x).
(3) The scalar recursion: with W <= (1 + a u1) V + a^2 u0 and c >= 0,
    (1 - beta') W - c V - c a^2 u0 / (1 + a u1) = c (W - a^2 u0 - (1 + a u1) V) / (1 + a u1) <= 0,
    beta' = 1 - c / (1 + a u1); so W - c V + M <= beta' W + M + c a^2 u0 / (1 + a u1).
(4) Young for the cross term: (tau r^2 + 1/tau)/2 - r = (sqrt(tau) r - 1/sqrt(tau))^2 / 2 >= 0.
"""

from __future__ import annotations

import sympy as sp

from ._lemma import run


def steps():
    yield from _poisson()
    yield from _drift()
    yield from _recursion()
    yield from _young_tau()


def _poisson():
    a, b = sp.symbols("a b", positive=True)
    K = sp.Matrix([[1 - a, a], [b, 1 - b]])
    d = sp.Matrix([[b / (a + b), a / (a + b)]])
    one = sp.ones(2, 1)
    stationary = sp.simplify(d * K - d) == sp.zeros(1, 2)
    Z = (sp.eye(2) - K + one * d).inv()
    H = sp.simplify(Z - one * d)  # H[x, i] = h_i(x)
    poisson = sp.simplify(H - K * H - (sp.eye(2) - one * d)) == sp.zeros(2, 2)
    rows_zero = all(sp.simplify(sum(H[x, i] for i in range(2))) == 0 for x in range(2))
    psi = sp.Matrix(sp.symbols("psi0 psi1", real=True))
    U = H * psi
    corrected = sp.simplify(U - K * U - (psi - one * (d * psi)[0, 0])) == sp.zeros(2, 1)
    yield "d K = d for the symbolic 2-state chain", stationary
    yield "h_i - K h_i = 1_i - d_i (Poisson equation of the indicators)", poisson
    yield "sum_i h_i(x) = 0 for every x", rows_zero
    yield "U - K U = psi - psi_bar for U = sum_i h_i psi_i", corrected


def _drift():
    V, psi_bar, Ux, KUx, Delta = sp.symbols("V psi_bar U_x KU_x Delta", real=True)
    EV = V + psi_bar + Ux - KUx  # E[V(e') | F] via psi(x) = psi_bar + U(x) - (KU)(x)
    EU = KUx + Delta  # E[U(e', x') | F] = (K U(e, .))(x) + Delta
    W = V + Ux
    yield "E[W'] = W + psi_bar + Delta", sp.simplify(EV + EU - (W + psi_bar + Delta)) == 0


def _recursion():
    W, V, c, a, u1, u0 = sp.symbols("W V c a u1 u0", real=True)
    bp = 1 - c / (1 + a * u1)
    lhs = (1 - bp) * W - c * V - c * a**2 * u0 / (1 + a * u1)
    rhs = c * (W - a**2 * u0 - (1 + a * u1) * V) / (1 + a * u1)
    yield "(1 - beta') W - c V - c a^2 u0/(1 + a u1) = c (W - a^2 u0 - (1 + a u1) V)/(1 + a u1)", \
        sp.simplify(lhs - rhs) == 0


def _young_tau():
    tau = sp.symbols("tau", positive=True)
    r = sp.symbols("r", real=True)
    yield "(tau r^2 + 1/tau)/2 - r = (sqrt(tau) r - 1/sqrt(tau))^2 / 2", \
        sp.simplify((tau * r**2 + 1 / tau) / 2 - r - (sp.sqrt(tau) * r - 1 / sp.sqrt(tau)) ** 2 / 2) == 0


if __name__ == "__main__":
    run("algebra of the Markovian mean-square bound (Poisson correction)", steps)
