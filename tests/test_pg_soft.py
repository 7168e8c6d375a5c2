"""Soft Bellman fixed point, soft-optimal policy and bad input."""

import numpy as np
import pytest
from scipy.special import logsumexp

from certify.algorithms.pg.soft import occupancy, regularised_value, soft_optimal
from certify.errors import InvalidInput
from certify.mdp import FiniteMDP, builtin_problem


def bandit(r, gamma=0.0):
    r = np.asarray(r, dtype=float)
    return FiniteMDP(np.ones((1, len(r), 1)), r[None, :], gamma, name="bandit", layout="SAS")


def test_bandit_closed_form():
    r, mu, tau = np.array([1.0, 0.5, 0.0]), np.array([0.2, 0.3, 0.5]), 0.3
    sol = soft_optimal(bandit(r), tau, mu)
    w = mu * np.exp(r / tau)
    np.testing.assert_allclose(sol.pi[0], w / w.sum(), rtol=1e-12)
    np.testing.assert_allclose(sol.v[0], tau * np.log(w.sum()), rtol=1e-12)
    np.testing.assert_allclose(sol.q[0], r, rtol=1e-12)


def test_soft_fixed_point_matches_independent_value_iteration():
    mdp = builtin_problem("garnet:6:3:2:1").mdp
    tau, mu = 0.4, np.array([0.5, 0.3, 0.2])
    sol = soft_optimal(mdp, tau, mu)
    v = np.zeros(mdp.n_states)
    for _ in range(3000):  # gamma = 0.9 (garnet default): 0.9^3000 is far below 1e-12
        q = mdp.R + mdp.gamma * np.einsum("sat,t->sa", mdp.P, v)
        v = tau * logsumexp(q / tau, b=mu, axis=1)
    np.testing.assert_allclose(sol.v, v, atol=1e-9)
    # evaluating pi* by a linear solve gives V* back (soft policy evaluation)
    v_pi, q_pi = regularised_value(mdp, sol.pi, tau, mu)
    np.testing.assert_allclose(v_pi, sol.v, atol=1e-9)
    np.testing.assert_allclose(q_pi, sol.q, atol=1e-9)


def test_occupancy_is_a_distribution_and_solves_the_flow_equation():
    mdp = builtin_problem("garnet:5:2:2:3").mdp
    pi = np.full((5, 2), 0.5)
    rho = np.array([0.1, 0.2, 0.3, 0.2, 0.2])
    d = occupancy(mdp, pi, rho)
    p_pi = np.einsum("sa,sat->st", pi, mdp.P)
    # d = (1 - gamma) rho + gamma d P_pi, summed series checked by hand-rolled power series
    series = sum((1 - mdp.gamma) * mdp.gamma**t * rho @ np.linalg.matrix_power(p_pi, t)
                 for t in range(400))
    np.testing.assert_allclose(d, series, atol=1e-12)
    assert d.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("tau", [0.0, -1.0, float("nan"), "x"])
def test_bad_tau(tau):
    with pytest.raises(InvalidInput, match="tau"):
        soft_optimal(bandit([1.0, 0.0]), tau)


@pytest.mark.parametrize("mu, what", [([0.5, 0.6], "sums to"), ([1.2, -0.2], "negative"),
                                      ([1.0], "shape"), ([1.0, 0.0], "zero")])
def test_bad_reference_measure(mu, what):
    with pytest.raises(InvalidInput, match=what):
        soft_optimal(bandit([1.0, 0.0]), 0.5, mu)
