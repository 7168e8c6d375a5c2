"""Empirical NTK of numpy MLPs: Jacobians vs finite differences, K = Phi Phi^T, PreQN."""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.ntk.kernel import empirical_ntk, kernel_from_jacobian, pair_features
from certify.algorithms.ntk.mlp import MLP, flatten, unflatten
from certify.algorithms.ntk.preqn import preqn_step
from certify.errors import InvalidInput, UnknownName
from certify.mdp import builtin_problem


@pytest.mark.parametrize("activation", ["relu", "tanh", "sin", "linear"])
@pytest.mark.parametrize("depth", [0, 1, 3])
def test_jacobian_matches_central_differences(activation, depth):
    rng = np.random.default_rng(1)
    net = MLP(3, 5, depth, activation)
    params = net.init_params(2)
    params = [(w, rng.normal(0, 0.3, b.shape)) for w, b in params]  # non-zero biases
    x = rng.normal(size=(4, 3))
    jac = net.jacobian(params, x)
    theta = flatten(params)
    assert jac.shape == (4, net.n_params) == (4, theta.size)
    h = 1e-6
    fd = np.empty_like(jac)
    for p in range(theta.size):
        e = np.zeros_like(theta)
        e[p] = h
        fd[:, p] = (net.forward(unflatten(theta + e, params), x)
                    - net.forward(unflatten(theta - e, params), x)) / (2 * h)
    assert np.max(np.abs(jac - fd)) < 1e-6


def test_kernel_layerwise_equals_jacobian_product():
    net = MLP(6, 16, 2, "tanh")
    params = net.init_params(3)
    x = np.random.default_rng(4).normal(size=(9, 6))
    k1 = empirical_ntk(net, params, x, block_rows=4)
    k2 = kernel_from_jacobian(net.jacobian(params, x))
    assert np.allclose(k1, k2, rtol=1e-12, atol=1e-12)
    assert np.array_equal(k1, k1.T)


def test_linear_model_kernel_is_phi_phi_t_plus_one():
    # depth 0: Q = w . x + b, grad = (x, 1), so K = Phi Phi^T + 1 (summed, not averaged).
    phi = np.array([[1.0, 0.0], [1.0, 2.0], [-1.0, 3.0]])
    net = MLP(2, 1, 0, "linear")
    k = empirical_ntk(net, net.init_params(0), phi)
    assert np.allclose(k, phi @ phi.T + 1.0)
    assert k[1, 2] == pytest.approx(1 * -1 + 2 * 3 + 1)  # = 6


def test_pair_features_state_major():
    mdp = builtin_problem("seed-sls").mdp
    f = pair_features(mdp, "state-action")
    # row s*A + a is [e_s, e_a]
    assert f[3].tolist() == [0, 1, 0, 1]
    assert f[2].tolist() == [0, 1, 1, 0]
    assert pair_features(mdp).shape == (4, 4)
    with pytest.raises(UnknownName):
        pair_features(mdp, "pixels")


def test_init_variances():
    net = MLP(400, 400, 1, "relu", "he")
    w = net.init_params(0)[0][0]
    assert w.var() == pytest.approx(2 / 400, rel=0.02)
    w2 = MLP(400, 400, 1, "tanh", "glorot").init_params(0)[0][0]
    assert w2.var() == pytest.approx(2 / 800, rel=0.02)


def test_bad_architecture():
    with pytest.raises(UnknownName, match="activation 'gelu'"):
        MLP(2, 4, 1, "gelu")
    with pytest.raises(InvalidInput, match="width = 0"):
        MLP(2, 0, 1)
    with pytest.raises(InvalidInput, match=r"expected shape \(\*, 2\)"):
        MLP(2, 4, 1).forward(MLP(2, 4, 1).init_params(), np.ones((3, 5)))


def test_preqn_identity_nonlinear_network():
    net = MLP(4, 32, 2, "tanh")
    params = net.init_params(5)
    x = np.random.default_rng(6).normal(size=(6, 4))
    td = np.array([1.0, -2.0, 0.5, 0.0, 3.0, -1.0])
    step = preqn_step(net.jacobian(params, x), td, 0.1)
    assert step.kernel_rank == 6
    # J (theta' - theta) = alpha K Z = alpha td
    assert np.allclose(step.linearised_change, 0.1 * td, atol=1e-9)
    # the actual change is alpha td up to second order in the step
    q0 = net.forward(params, x)
    q1 = net.forward(unflatten(flatten(params) + step.delta_theta, params), x)
    assert np.max(np.abs(q1 - q0 - 0.1 * td)) < 0.1 * np.abs(td).max() * 0.2


def test_preqn_exact_for_linear_model():
    # Q linear in theta: the actual change equals alpha td exactly (to rounding).
    phi = np.random.default_rng(7).normal(size=(3, 5))
    net = MLP(5, 1, 0, "linear")
    params = net.init_params(0)
    td = np.array([0.3, -0.7, 1.1])
    step = preqn_step(net.jacobian(params, phi), td, 0.5)
    q1 = net.forward(unflatten(flatten(params) + step.delta_theta, params), phi)
    assert np.allclose(q1 - net.forward(params, phi), 0.5 * td, atol=1e-12)
    assert step.residual < 1e-12


def test_preqn_bad_input():
    with pytest.raises(InvalidInput, match="td"):
        preqn_step(np.ones((3, 4)), np.ones(2), 0.1)
