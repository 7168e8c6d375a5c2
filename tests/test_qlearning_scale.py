"""The main job's large-scale solvers (issue 15): Q* by Krylov policy iteration with its
residual bound, the direct family's Perron pair by shifted inverse iteration, GMRES, and the
vectorised exact extreme ratios, each against an independent computation."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from certify.algorithms.qlearning.analysis import analyze_qlearning
from certify.algorithms.qlearning.perron_direct import direct_perron
from certify.algorithms.qlearning.system import DirectFamily
from certify.errors import SolverError
from certify.families.selection import ExactRatios
from certify.jsr.policy_iteration import selection_jsr
from certify.krylov import gmres
from certify.mdp import load_problem
from certify.mdp import qstar as qstar_mod
from certify.mdp.qstar import action_gaps, solve_q_star
from certify.verdict import Verdict
from tests.helpers import random_mdp


def value_iteration(mdp, sweeps: int) -> np.ndarray:
    """Plain value iteration written out here (independent of certify.mdp.qstar)."""
    S, A = mdp.n_states, mdp.n_actions
    P = mdp.P_matrix
    q = np.zeros((S, A))
    for _ in range(sweeps):
        q = mdp.R + mdp.gamma * (P @ q.max(axis=1)).reshape(S, A)
    return q


def test_q_star_dense_matches_enumeration_of_policies():
    rng = np.random.default_rng(0)
    for _ in range(5):
        mdp = random_mdp(rng, 4, 3)
        S, A = 4, 3
        P = mdp.P.reshape(S * A, S)
        best = np.full(S, -np.inf)
        for pol in itertools.product(range(A), repeat=S):
            rows = np.arange(S) * A + np.array(pol)
            v = np.linalg.solve(np.eye(S) - mdp.gamma * P[rows], mdp.R.reshape(-1)[rows])
            best = np.maximum(best, v)  # V* is the pointwise max over deterministic policies
        res = solve_q_star(mdp)
        assert np.abs(res.q.max(axis=1) - best).max() < 1e-12
        assert res.error_bound < 1e-10


def test_q_star_krylov_path_against_value_iteration():
    mdp = load_problem("garnet:400:4:3:1").mdp  # above DENSE_STATES: the Krylov path
    res = solve_q_star(mdp)
    assert res.method.startswith("policy iteration (Krylov")
    # 600 sweeps of value iteration from 0: error <= 0.9^600 max|R| / (1 - 0.9) < 1e-25
    q_vi = value_iteration(mdp, 600)
    err = np.abs(res.q - q_vi).max()
    assert err <= res.error_bound + 1e-13
    assert res.error_bound < 1e-9
    # the certified states are those whose action gap exceeds twice the bound
    gaps = action_gaps(res.q, res.policy)
    assert res.certified_states == int((gaps > 2 * res.error_bound).sum())
    assert np.array_equal(res.policy[gaps > 2 * res.error_bound],
                          q_vi.argmax(axis=1)[gaps > 2 * res.error_bound])
    doc = res.to_dict()
    assert doc["policy_certified_optimal"] == (res.certified_states == 400)


def test_q_star_value_iteration_fallback(monkeypatch):
    mdp = load_problem("garnet:400:3:3:2").mdp

    def fail(*args, **kwargs):
        raise SolverError("forced failure")

    monkeypatch.setattr(qstar_mod, "_evaluate_krylov", fail)
    res = solve_q_star(mdp)
    assert res.method == "value iteration (fallback)" and res.notes
    assert np.abs(res.q - value_iteration(mdp, 600)).max() <= res.error_bound + 1e-13


def test_q_star_check_in_the_main_job():
    res = analyze_qlearning(load_problem("seed-sls"), 0.5, cqlf=False)
    chk = res.q_star_check
    # seed-sls: Q* = [[10, 9], [10, 9]], action gap 1 in both states
    assert np.allclose(res.q_star, [[10, 9], [10, 9]], atol=1e-12)
    assert chk["certified_states"] == 2 and chk["policy_certified_optimal"]
    assert abs(chk["min_action_gap"] - 1.0) < 1e-12
    assert set(res.timings) >= {"q_star_s", "direct_jsr_s", "lower_comparison_s"}
    assert res.to_dict()["q_star_check"] == chk


def test_gmres_solves_a_nonsymmetric_system():
    rng = np.random.default_rng(1)
    n = 300
    M = np.eye(n) + 0.3 * rng.standard_normal((n, n)) / np.sqrt(n)
    b = rng.standard_normal(n)
    x, ok, count = gmres(lambda v: M @ v, b, rtol=1e-12, restart=25, max_cycles=40)
    assert ok and count > 0
    assert np.linalg.norm(M @ x - b) <= 1e-11 * np.linalg.norm(b)
    assert np.abs(x - np.linalg.solve(M, b)).max() < 1e-9
    x0, ok0, _ = gmres(lambda v: M @ v, np.zeros(n))
    assert ok0 and not x0.any()


def test_direct_perron_against_dense_eigenvalues():
    pr = load_problem("garnet:130:5:4:3")  # n = 650 > DENSE_LIMIT: the iterative path
    fam = DirectFamily.from_mdp(pr.mdp, pr.sampling, 0.5)
    rng = np.random.default_rng(2)
    for _ in range(2):
        pi = rng.integers(0, 5, size=130)
        rho, x = direct_perron(fam.P, fam.d, fam.alpha, fam.gamma, fam.k, pi)
        dense = fam.member(pi).toarray()
        ev = np.linalg.eigvals(dense)
        assert abs(rho - ev.real.max()) < 1e-13
        assert (x > 0).all() and x.max() == 1.0
        ratios = (dense @ x) / x  # Collatz-Wielandt: min <= rho <= max
        assert ratios.max() - ratios.min() < 1e-13


def test_selection_jsr_certified_on_the_iterative_path():
    pr = load_problem("garnet:130:5:4:3")
    fam = DirectFamily.from_mdp(pr.mdp, pr.sampling, 0.5)
    res = selection_jsr(fam)
    assert res.verdict is Verdict.CERTIFIED
    assert res.lower <= res.upper and res.upper - res.lower < 1e-14
    # a dense eigen-solver is accurate to about n eps ||A||, less than the exact bracket
    rho = np.linalg.eigvals(fam.member(res.policy).toarray()).real.max()
    assert res.lower <= rho + 1e-12 and rho <= res.upper + 1e-12


def _extreme_by_fractions(num, den, exp, maximum):
    vals = [(Fraction(int(a), int(b)), i) for i, (a, b) in enumerate(zip(num, den, strict=True))
            if b > 0]
    best = max(v for v, _ in vals) if maximum else min(v for v, _ in vals)
    first = next(i for v, i in vals if v == best)
    return best * Fraction(2) ** exp, first


def test_exact_extreme_ratios_match_fractions():
    rng = np.random.default_rng(3)
    for trial in range(400):
        n = int(rng.integers(1, 9))
        num = [int(v) for v in rng.integers(-30, 30, n)]
        den = [int(v) for v in rng.integers(0, 5, n)]
        if trial % 3 == 0:  # integers beyond the float range, ties below float precision
            num = [(v << 1100) + int(rng.integers(0, 2)) for v in num]
            den = [v << 1100 for v in den]
        elif trial % 3 == 1:  # quotients beyond the float range (the exact fallback)
            num = [v << 1100 for v in num]
        if not any(d > 0 for d in den):
            den[0] = 1
        e = int(rng.integers(-60, 5))
        r = ExactRatios(np.array(num, dtype=object), np.array(den, dtype=object), e)
        for maximum in (True, False):
            got = r.max_ratio() if maximum else r.min_ratio()
            want_val, _ = _extreme_by_fractions(num, den, e, maximum)
            assert got[0] == want_val
            assert Fraction(num[got[1]], den[got[1]]) * Fraction(2) ** e == want_val


def test_exact_extreme_ratios_without_positive_entry():
    r = ExactRatios(np.array([1, 2], dtype=object), np.array([0, 0], dtype=object), 0)
    with pytest.raises(SolverError):
        r.max_ratio()
