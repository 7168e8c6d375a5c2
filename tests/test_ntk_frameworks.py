"""Empirical NTKs of PyTorch Q-networks: agreement with the numpy MLP (1e-10, float64), finite
differences, state-major (state, head) rows, chunking, the expected DQN step, and Theorem 2 on
closed-form kernels.  Skipped when torch is not installed (JAX: tests/test_ntk_jax.py)."""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.ntk.kernel import empirical_ntk
from certify.algorithms.ntk.mlp import MLP, flatten, unflatten
from certify.mdp import FiniteMDP
from certify.mdp.ordering import pair_index

torch = pytest.importorskip("torch")
torch.set_num_threads(1)  # tiny networks: a second thread only waits (and the machine is shared)

ACTS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}


def torch_mlp(params, activation):
    """nn.Sequential with the numpy MLP's weights (float64)."""
    layers = []
    for i, (w, b) in enumerate(params):
        lin = torch.nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(w))
            lin.bias.copy_(torch.tensor(b))
        layers.append(lin)
        if i < len(params) - 1:
            layers.append(ACTS[activation]())
    return torch.nn.Sequential(*layers)


def random_params(sizes, seed):
    rng = np.random.default_rng(seed)
    return [(rng.normal(0, 1 / np.sqrt(a), (b, a)), rng.normal(0, 0.3, b))
            for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_torch_matches_numpy_mlp(activation):
    from certify.algorithms.ntk.torch_model import TorchQModel

    net = MLP(5, 24, 2, activation, init="torch")
    params = net.init_params(3)
    x = np.random.default_rng(0).normal(size=(12, 5))
    k_np = empirical_ntk(net, params, x)
    k_t = TorchQModel(torch_mlp(params, activation)).kernel(x)
    assert np.abs(k_t - k_np).max() <= 1e-10 * max(1.0, np.abs(k_np).max())


def test_multi_head_torch_vs_jax_and_finite_differences():
    """A 3-head tanh network: K over (state, head) pairs, rows s * 3 + a; J by central
    differences of the Q-values in the parameters gives the same K (error O(h^2))."""
    from certify.algorithms.ntk.torch_model import TorchQModel

    params = random_params([4, 10, 3], 7)
    x = np.random.default_rng(1).normal(size=(5, 4))
    tm = TorchQModel(torch_mlp(params, "tanh"))
    k_t = tm.kernel(x)
    assert k_t.shape == (15, 15)

    def q_values(theta):
        p = unflatten(theta, params)
        h = np.tanh(x @ p[0][0].T + p[0][1])
        return (h @ p[1][0].T + p[1][1]).reshape(-1)  # state-major: row s * 3 + a

    theta = flatten(params)
    h = 1e-5
    jac = np.empty((15, theta.size))
    for j in range(theta.size):
        e = np.zeros(theta.size)
        e[j] = h
        jac[:, j] = (q_values(theta + e) - q_values(theta - e)) / (2 * h)
    np.testing.assert_allclose(k_t, jac @ jac.T, rtol=0, atol=1e-7)
    # row pair_index(s, a) is the gradient of head a at state s
    s, a = 3, 2
    np.testing.assert_allclose(k_t[pair_index(s, a, 3), pair_index(s, a, 3)],
                               jac[s * 3 + a] @ jac[s * 3 + a], atol=1e-7)


def test_chunked_kernel_equals_full():
    from certify.algorithms.ntk.torch_model import TorchQModel

    params = random_params([3, 8, 8, 2], 2)
    x = np.random.default_rng(2).normal(size=(7, 3))
    tm = TorchQModel(torch_mlp(params, "relu"))
    full = tm.kernel(x)
    chunked = tm.kernel(x, chunk_bytes=1, max_jacobian_bytes=1)  # one input per chunk, recomputed
    assert np.abs(full - chunked).max() <= 1e-12 * np.abs(full).max()
    jac = tm.jacobian(x)
    np.testing.assert_allclose(full, jac @ jac.T, atol=1e-12)


def test_expected_step_matches_numpy():
    """theta' = theta + alpha J^T c moves the outputs as the numpy MLP's update does."""
    from certify.algorithms.ntk.torch_model import TorchQModel

    net = MLP(4, 9, 1, "tanh")
    params = net.init_params(5)
    x = np.random.default_rng(3).normal(size=(6, 4))
    c = np.linspace(-1, 1, 6)
    theta = flatten(params) + 0.3 * net.jacobian(params, x).T @ c
    want = net.forward(unflatten(theta, params), x)
    tm = TorchQModel(torch_mlp(params, "tanh"))
    tm.expected_step(x, c, 0.3)
    np.testing.assert_allclose(tm.outputs(x)[:, 0], want, atol=1e-12)


def _linear_dqn(n_states, n_actions):
    lin = torch.nn.Linear(n_states, n_actions).double()
    with torch.no_grad():
        lin.weight.copy_(torch.arange(n_states * n_actions, dtype=torch.float64).reshape(n_actions, -1) / 10)
        lin.bias.zero_()
    return lin


def test_theorem2_linear_multi_head_closed_form():
    """Q = W e_s + b: K[(s,a),(s',a')] = [a = a'] (delta_ss' + 1), i.e. (I + 11^T) (x) I_A;
    uniform rho = 1/n gives a_i = 2/n, o_i = (S - 1)/n and
    beta = |1 - 2 alpha/n| + 2 alpha gamma/n + (1 + gamma) alpha (S - 1)/n."""
    from certify.algorithms.ntk.model import check_q_network

    S, A, g, alpha = 3, 2, 0.5, 0.5
    P = np.zeros((S, A, S))
    P[:, :, 0] = 1.0
    mdp = FiniteMDP(P, np.ones((S, A)), g, name="line", layout="SAS")
    res = check_q_network(_linear_dqn(S, A), alpha=alpha, mdp=mdp)
    np.testing.assert_array_equal(res.kernel, np.kron(np.eye(S) + 1, np.eye(A)))
    n = S * A
    beta = abs(1 - 2 * alpha / n) + 2 * alpha * g / n + (1 + g) * alpha * (S - 1) / n
    assert float(res.theorem.beta) == pytest.approx(beta, abs=1e-15)
    assert res.kind == "multi-head" and res.verdict.value == "inconclusive"
    # (17): (1 + g)(S - 1) <= (1 - g) 2 fails (3 > 1); dominance ratio 3 on every row
    assert all(r["dominance_ratio"] == pytest.approx(3.0) for r in res.worst_rows)
    # one state: K = 2 I_A, rho = 1/A: (16), (17) hold and beta = 1 - alpha (1 - g) 2/A
    one = FiniteMDP(np.ones((1, A, 1)), np.ones((1, A)), g, name="one", layout="SAS")
    res1 = check_q_network(_linear_dqn(1, A), alpha=alpha, mdp=one, train=30)
    assert res1.verdict.value == "certified"
    assert float(res1.theorem.beta) == pytest.approx(1 - alpha * (1 - g) * 2 / A, abs=1e-15)
    tr = res1.training
    assert not tr.diverged and tr.errors[-1] < 1e-3 * tr.errors[0]  # Q* = 2 on both heads


def test_single_head():
    """A single-head linear model on [e_s, e_a]: K_ij = delta_ss' + delta_aa' + 1."""
    from certify.algorithms.ntk.model import check_q_network

    S, A = 2, 2
    P = np.zeros((S, A, S))
    P[:, :, 1] = 1.0
    mdp = FiniteMDP(P, np.zeros((S, A)), 0.9, name="two", layout="SAS")
    lin = torch.nn.Linear(S + A, 1).double()
    res = check_q_network(lin, alpha=0.1, mdp=mdp)
    s_idx, a_idx = np.divmod(np.arange(S * A), A)
    want = (s_idx[:, None] == s_idx).astype(float) + (a_idx[:, None] == a_idx) + 1.0
    assert res.kind == "single-head"
    np.testing.assert_array_equal(res.kernel, want)


def test_bad_models():
    from certify.algorithms.ntk.model import check_q_network
    from certify.errors import InvalidInput

    mdp = FiniteMDP(np.ones((1, 2, 1)), np.ones((1, 2)), 0.5, name="one", layout="SAS")
    with pytest.raises(InvalidInput, match="neither shape"):
        check_q_network(torch.nn.Linear(7, 5), alpha=0.1, mdp=mdp)
    with pytest.raises(InvalidInput, match="expected a torch.nn.Module"):
        check_q_network(42, alpha=0.1, mdp=mdp)
    with pytest.raises(InvalidInput, match="exactly one"):
        check_q_network(torch.nn.Linear(1, 2), alpha=0.1)
    with pytest.raises(InvalidInput, match="gamma is required"):
        check_q_network(torch.nn.Linear(1, 2), alpha=0.1, env="FrozenLake-v1")


def test_training_diverges_on_the_classic_chain():
    """Q = w x with x = (1, 2), both states move to state 1, R = 0, rho = (0.9, 0.1), gamma = 0.9:
    the expected update is w <- w (1 + alpha (0.9 (1.8 - 1) + 0.1 (1.8 - 2) 2)) = 1.68 w for
    alpha = 1, so ||Q_k|| = 2 * 1.68^k passes 1e12 at k = 52."""
    from certify.algorithms.ntk.model import check_q_network

    chain = FiniteMDP(np.array([[[0.0, 1.0]], [[0.0, 1.0]]]), np.zeros((2, 1)), 0.9, name="chain")
    lin = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        lin.weight.fill_(1.0)
    res = check_q_network(lin, alpha=1.0, mdp=chain, rho=np.array([0.9, 0.1]),
                          state_features=np.array([[1.0], [2.0]]), train=500)  # kind found: 1 action
    np.testing.assert_array_equal(res.kernel, [[1, 2], [2, 4]])
    assert res.kind == "multi-head"
    tr = res.training
    assert tr.diverged and tr.q_norms.size - 1 == 52
    np.testing.assert_allclose(tr.q_norms, 2 * 1.68 ** np.arange(53), rtol=1e-12)
    assert res.verdict.value == "inconclusive" and not res.theorem.condition_17.holds


def test_ntk_vector_product_route():
    """method="ntvp" (vjp then jvp, no Jacobian) gives the same K, multi-head and in blocks."""
    from certify.algorithms.ntk.torch_model import TorchQModel

    params = random_params([3, 8, 8, 2], 4)
    x = np.random.default_rng(5).normal(size=(6, 3))
    tm = TorchQModel(torch_mlp(params, "tanh"))
    full = tm.kernel(x)
    for chunk in (1, 10**9):  # one column per block; all columns at once
        k = tm.kernel(x, chunk_bytes=chunk, method="ntvp")
        assert np.abs(k - full).max() <= 1e-12 * np.abs(full).max()
