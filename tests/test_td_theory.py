"""Linear-TD quantities, step-size verdicts and Hurwitz thresholds for seed 003."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.algorithms.td.algorithms import ALGORITHMS, W, assemble, expected_mats
from certify.algorithms.td.analysis import analyze_sa
from certify.algorithms.td.conditions import _augment, nested_schur
from certify.algorithms.td.hurwitz import hurwitz_exact, hurwitz_range
from certify.algorithms.td.linear import chain_quantities, from_problem
from certify.algorithms.td.stepsizes import step_conditions
from certify.errors import InvalidInput
from certify.mdp import load_problem


def test_random_walk_by_hand():
    # continuing 5-state walk, restart in C, gamma = 9/10, uniform policy, tabular features.
    # Stationary law of the state chain by hand: mu = (1, 2, 3, 2, 1) / 9.
    P = [[F(0)] * 5 for _ in range(5)]
    for s in range(5):
        P[s][s - 1 if s > 0 else 2] += F(1, 2)
        P[s][s + 1 if s < 4 else 2] += F(1, 2)
    r = [F(0)] * 4 + [F(1, 2)]
    mu = [F(x, 9) for x in (1, 2, 3, 2, 1)]
    g = F(9, 10)
    A = sp.Matrix(5, 5, lambda i, j: mu[i] * (g * P[i][j] - (1 if i == j else 0)))
    b = sp.Matrix([mu[i] * r[i] for i in range(5)])
    C = sp.diag(*mu)
    td = from_problem(load_problem("random-walk-5"))
    assert td.A_exact == A and td.b_exact == b and td.C_exact == C
    np.testing.assert_allclose(td.A, np.array(A, dtype=float), atol=1e-15)
    # tabular: theta* is the value function V = (I - gamma P)^{-1} r, solved independently
    V = (sp.eye(5) - g * sp.Matrix(P)).LUsolve(sp.Matrix(r))
    assert td.theta_star_exact() == V
    assert V[0] == V[1]  # from A and B the walk restarts in C or moves to B: same value
    np.testing.assert_allclose(td.theta_star, np.array(V, dtype=float).ravel(), rtol=1e-12)
    assert td.mspbe(td.theta_star) == pytest.approx(0.0, abs=1e-20)


def test_boyan_episodic_fixed_point_gamma_one():
    # episodic Boyan chain, states 1..12 transient, terminal 0 removed; V(s) = -2 s exactly
    S = 12
    P = np.zeros((S, S))
    r = np.zeros(S)
    for s in range(1, S + 1):
        if s >= 2:
            P[s - 1, s - 2] += 0.5
            if s - 2 >= 1:
                P[s - 1, s - 3] += 0.5
            r[s - 1] = -3.0
        else:
            r[0] = -2.0
    anchors = [12, 8, 4, 0]
    phi = np.array([[max(0.0, 1 - abs(s - c) / 4) for c in anchors] for s in range(1, S + 1)])
    td = chain_quantities(P, r, phi, 1.0, np.full(S, 1.0 / S))
    assert list(td.theta_star_exact()) == [-24, -16, -8, 0]
    np.testing.assert_allclose(phi @ td.theta_star, -2.0 * np.arange(1, S + 1), atol=1e-9)


@pytest.mark.parametrize("e, square", [("0.49", False), ("0.5", False), ("0.51", True), ("1", True)])
def test_square_summability_both_sides_of_half(e, square):
    facts = {f.name: f.holds for f in step_conditions((F(e),))}
    assert facts["sum a_1(n)^2 < inf"] is square
    assert facts["sum a_1(n) = inf"] is True


def test_failed_step_conditions_are_inconclusive_not_refuted():
    facts = {f.name: f.holds for f in step_conditions((F("0.6"), F("0.6"), F("0.7")))}
    assert facts["a_2(n)/a_1(n) -> 0"] is False and facts["a_3(n)/a_2(n) -> 0"] is True
    res = analyze_sa("gtd2-m3", load_problem("boyan-chain"), "0.35,0.35,0.45", 0.1)
    # (A:3) is a sufficient condition: its failure is no witness against convergence
    assert res.verdict.value == "inconclusive"
    assert "(A:3) sum a_1(n)^2 < inf" in res.failing
    assert all(not n.startswith(("(B", "(C")) for n in res.failing)


def test_certified_example_and_limit():
    res = analyze_sa("tdc-m4", load_problem("random-walk-5"), "0.6,0.7,0.8,0.9", 1.0)
    assert res.verdict.value == "certified"
    td = from_problem(load_problem("random-walk-5"))
    assert [sp.Rational(x) for x in res.limit_exact] == list(td.theta_star_exact())


@pytest.mark.parametrize("name", ["gtd2-m3", "tdc-m3", "gtd2-m4", "tdc-m4"])
def test_hurwitz_threshold_in_w_against_eigenvalues(name):
    td = from_problem(load_problem("boyan-chain"))
    algo = ALGORITHMS[name]
    res = analyze_sa(name, load_problem("boyan-chain"), ",".join(["0.6", "0.7", "0.8", "0.9"][
        :algo.n_timescales]), 1.0)
    ranges = [lv["w_range"] for lv in res.levels]
    for i, rng in enumerate(ranges):
        for w, inside in ((1e-3, True), (-1e-3, False)):
            H, c = assemble(algo, expected_mats(td.A, td.b, td.C), w)
            levels, _ = nested_schur(_augment(H, c, "numpy"), td.k, algo.n_timescales)
            stable = bool(np.max(np.linalg.eigvals(levels[i]).real) < 0)
            assert stable is (inside or rng == "all w"), (i, w, rng)
    # the theta level is -(1/w) A^T C^{-1} A (closed form, seed 003 Theorem 5.1)
    H, c = assemble(algo, expected_mats(td.A, td.b, td.C), 0.7)
    levels, _ = nested_schur(_augment(H, c, "numpy"), td.k, algo.n_timescales)
    np.testing.assert_allclose(levels[-1], -td.A.T @ np.linalg.solve(td.C, td.A) / 0.7,
                               rtol=1e-9, atol=1e-12)


def test_routh_threshold_nontrivial():
    # det(sI - M) = (s+1)(s+w)(s+2) - 2: Hurwitz iff w > 1
    M = sp.Matrix([[-1, 2, 0], [0, -W, 1], [1, 0, -2]])
    rng, _ = hurwitz_range(M, W)
    assert rng == sp.Interval.open(1, sp.oo)
    for w, ok in ((1 + 1e-6, True), (1 - 1e-6, False)):
        m = np.array(M.subs(W, w), dtype=float)
        assert bool(np.max(np.linalg.eigvals(m).real) < 0) is ok


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=16, max_size=16))
def test_routh_matches_eigenvalues(entries):
    m = sp.Matrix(4, 4, entries)
    ev = np.linalg.eigvals(np.array(m, dtype=float)).real.max()
    if abs(ev) < 1e-6:
        return  # on the boundary floats cannot decide; Routh still can, but we compare
    assert hurwitz_exact(m).hurwitz is bool(ev < 0)


def test_bad_inputs_raise():
    p = load_problem("random-walk-5")
    for args in (("gtd2", "0.6"), ("gtd2", "0,0.6"), ("gtd2", "0.6,1.5"), ("td0", "x")):
        with pytest.raises(InvalidInput):
            analyze_sa(args[0], p, args[1])
    with pytest.raises(InvalidInput, match="contradicts"):
        analyze_sa("gtd2", p, "0.6,0.7", order="theta,u")
    with pytest.raises(InvalidInput, match="rank 7 < 8"):
        analyze_sa("gtd2", load_problem("baird-star"), "0.6,0.7")
