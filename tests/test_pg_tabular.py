"""Exact softmax policy gradient and Mei et al.'s linear rate."""

import math

import numpy as np
import pytest

from certify.algorithms.pg.tabular import policy_gradient, run_tabular, smoothness_bound, softmax_policy
from certify.errors import InvalidInput
from certify.mdp import FiniteMDP, builtin_problem
from certify.verdict import Verdict


def test_gradient_matches_finite_differences():
    mdp = builtin_problem("garnet:4:3:2:2").mdp
    rng = np.random.default_rng(0)
    theta = rng.standard_normal((4, 3))
    mu, rho, tau = np.array([0.2, 0.5, 0.3]), np.array([0.1, 0.4, 0.3, 0.2]), 0.7
    grad, _ = policy_gradient(mdp, theta, tau, mu, rho)
    h = 1e-6
    fd = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        e = np.zeros_like(theta)
        e[idx] = h
        fd[idx] = (policy_gradient(mdp, theta + e, tau, mu, rho)[1]
                   - policy_gradient(mdp, theta - e, tau, mu, rho)[1]) / (2 * h)
    np.testing.assert_allclose(grad, fd, atol=1e-7)


def test_smoothness_bound_hand_value():
    mdp = FiniteMDP(np.ones((1, 2, 1)), [[1.0, 0.0]], 0.0, layout="SAS")
    b = smoothness_bound(mdp, 0.5, np.array([0.5, 0.5]))
    assert float(b) == pytest.approx(8 + 0.5 * (4 + 8 * math.log(2)), rel=1e-12)
    assert float(b) >= 8 + 0.5 * (4 + 8 * math.log(2))


def test_rate_on_small_mdp():
    mdp = builtin_problem("garnet:3:2:2:0").mdp
    res = run_tabular(mdp, 0.5, steps=300)
    assert res.step_ok and res.verdict is Verdict.CERTIFIED and res.violations == 0
    assert res.measured_rate <= res.rate < 1.0
    # the gap is non-increasing along the exact-gradient run at Mei's step
    assert np.all(np.diff(res.gaps) <= 1e-12)
    doc = res.to_dict()
    assert {"q_star", "v_star", "pi_star", "rate", "verdict"} <= set(doc)


def test_large_step_is_inconclusive_but_converges_to_closed_form():
    r, mu, tau = np.array([1.0, 0.2, 0.0]), np.array([0.3, 0.3, 0.4]), 0.5
    mdp = FiniteMDP(np.ones((1, 3, 1)), r[None, :], 0.0, layout="SAS")
    res = run_tabular(mdp, tau, eta=1.0, steps=400, mu=mu)
    assert res.verdict is Verdict.INCONCLUSIVE and res.rate is None
    w = mu * np.exp(r / tau)
    assert res.gaps[-1] == pytest.approx(0.0, abs=1e-10)
    np.testing.assert_allclose(res.soft.pi[0], w / w.sum(), rtol=1e-12)


def test_softmax_policy_reference_measure():
    pi = softmax_policy(np.zeros((2, 3)), np.array([0.2, 0.3, 0.5]))
    np.testing.assert_allclose(pi, [[0.2, 0.3, 0.5]] * 2)


@pytest.mark.parametrize("kw, field", [({"eta": 0.0}, "eta"), ({"eta": -0.1}, "eta"),
                                       ({"steps": 0}, "steps"), ({"rho": [0.5, 0.5]}, "rho")])
def test_bad_input(kw, field):
    mdp = builtin_problem("garnet:3:2:2:0").mdp
    with pytest.raises(InvalidInput, match=field):
        run_tabular(mdp, 0.5, **kw)
