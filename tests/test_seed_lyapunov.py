"""Seed 002's V_eps and C_eps (certify.algorithms.qlearning.seed_lyapunov) against closed forms:
one state (a scalar family) and one action (a single matrix, where V is the quadratic form of
the Stein equation), and the Theorem 2 field of ``certify qlearning --steps``."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg as sla

from certify.algorithms.qlearning.seed_lyapunov import c_eps_bounds, seed_theorem2, v_eps
from certify.cli import main
from certify.errors import InvalidInput
from certify.mdp.finite import FiniteMDP
from certify.mdp.sampling import sampling_from_d, uniform_sampling


def test_one_state_one_action_closed_form():
    # A = 1 - alpha (1 - gamma) = 0.95; V(x) = x^2 / (1 - (A / rho)^2) exactly
    mdp = FiniteMDP(np.ones((1, 1, 1)), np.ones((1, 1)), 0.9)
    s = uniform_sampling(mdp)
    A, rho = 0.95, Fraction(97, 100)
    exact = 1 / (1 - (Fraction(A) / rho) ** 2)
    lo, up, _ = c_eps_bounds(mdp, s, 0.5, rho, A, np.ones(1))
    assert lo <= exact <= up
    assert float(up) == pytest.approx(float(exact), rel=1e-8)  # 24.5026...
    assert float(exact) == pytest.approx(24.502604166666, rel=1e-12)
    assert v_eps(mdp, s.d, 0.5, 0.97, np.array([2.0]), 5000) == pytest.approx(4 * float(exact))


def _single_matrix():
    rng = np.random.default_rng(0)
    P = rng.random((3, 1, 3))
    P /= P.sum(axis=2, keepdims=True)
    mdp = FiniteMDP(P, rng.random((3, 1)), 0.9)
    d = np.array([0.2, 0.3, 0.5])
    Am = np.eye(3) + np.diag(d) @ (0.9 * P[:, 0, :] - np.eye(3))  # alpha = 1
    return mdp, sampling_from_d(mdp, d), Am


def test_single_matrix_family_stein_equation():
    """One action: V(x) = x^T X x with X = sum_k (A^T)^k A^k / rho^(2k), the solution of the
    Stein equation A^T X A / rho^2 - X + I = 0, and C_eps = lambda_max(X)."""
    mdp, s, Am = _single_matrix()
    ev, vec = np.linalg.eig(Am)
    r = float(np.max(np.abs(ev)))
    u = np.abs(np.real(vec[:, np.argmax(np.abs(ev))]))
    rho = (r + 1) / 2
    X = sla.solve_discrete_lyapunov(Am.T / rho, np.eye(3))
    c_exact = float(np.linalg.eigvalsh(X).max())  # 38.416
    lo, up, _ = c_eps_bounds(mdp, s, 1.0, Fraction(rho), r * (1 - 1e-9), u)
    assert float(lo) <= c_exact <= float(up)
    assert float(up) <= 3 * c_exact  # measured 104.0 vs 38.4
    for x in (np.array([1.0, 2.0, 0.5]), np.array([0.0, 1.0, 0.0])):
        assert v_eps(mdp, s.d, 1.0, rho, x, 5000) == pytest.approx(float(x @ X @ x), rel=1e-9)
    # a signed vector: V(x) <= V(|x|) (the construction's domination)
    x = np.array([1.0, -2.0, 0.5])
    assert float(x @ X @ x) <= v_eps(mdp, s.d, 1.0, rho, x, 5000) + 1e-9


def test_theorem2_shape_and_refusals():
    mdp, s, Am = _single_matrix()
    ev, vec = np.linalg.eig(Am)
    r = float(np.max(np.abs(ev)))
    u = np.abs(np.real(vec[:, np.argmax(np.abs(ev))]))
    up = r * (1 + 1e-9)
    t = seed_theorem2(mdp, s, 1.0, 0.0, 100, r * (1 - 1e-9), up, u)
    assert t.rho == pytest.approx((up + 1) / 2)
    assert t.bound == pytest.approx(t.transient + t.floor, rel=1e-12)
    # floor = alpha sqrt(C W) / (1 - rho)
    assert t.floor >= np.sqrt(t.c_eps * t.W) / (1 - t.rho) * (1 - 1e-12)
    with pytest.raises(InvalidInput, match="eps"):
        seed_theorem2(mdp, s, 1.0, 0.0, 100, r, up, u, eps=1.0)


def test_cli_prints_seed_theorem2_beside_ours(capsys):
    rc = main(["qlearning", "seed-sls", "--alpha", "0.1", "--noise", "0.5", "--steps", "20000",
               "--cqlf", "no", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0
    st, ms = doc["finite_time"]["seed_theorem2"], doc["finite_time"]["mean_square"]
    # measured: C_eps in [903.6, 3568], seed bound 3.2e5 against our 1.66
    assert 900 <= st["C_eps_lower"] <= st["C_eps"] <= 4000
    assert st["bound"] > 1e4 * ms["bound"]
    assert "Theorem 2" in st["source"]
