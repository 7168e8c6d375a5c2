"""Empirical NTKs of JAX Q-networks: the same kernels as the numpy MLP and PyTorch (1e-10 in
float64), multi-head rows, the expected DQN step.  Skipped when jax is not installed."""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.ntk.kernel import empirical_ntk
from certify.algorithms.ntk.mlp import MLP, flatten, unflatten
from certify.mdp import FiniteMDP

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


def apply(p, x):
    """A tanh MLP with parameters [(W_1, b_1), ..., (W_L, b_L)] (numpy MLP layout)."""
    h = x
    for i, (w, b) in enumerate(p):
        h = h @ w.T + b
        if i < len(p) - 1:
            h = jnp.tanh(h)
    return h


def test_jax_matches_numpy_mlp_and_step():
    from certify.algorithms.ntk.jax_model import JaxQModel

    net = MLP(5, 24, 2, "tanh", init="torch")
    params = net.init_params(3)
    x = np.random.default_rng(0).normal(size=(12, 5))
    k_np = empirical_ntk(net, params, x)
    jm = JaxQModel(apply, params)
    k_j = jm.kernel(x)
    assert np.abs(k_j - k_np).max() <= 1e-10 * max(1.0, np.abs(k_np).max())
    k_c = jm.kernel(x, chunk_bytes=1, max_jacobian_bytes=1)
    assert np.abs(k_c - k_np).max() <= 1e-10 * max(1.0, np.abs(k_np).max())
    c = np.linspace(-1, 1, 12)
    theta = flatten(params) + 0.3 * net.jacobian(params, x).T @ c
    jm.expected_step(x, c, 0.3)
    np.testing.assert_allclose(jm.outputs(x)[:, 0], net.forward(unflatten(theta, params), x), atol=1e-12)


def test_multi_head_jax_vs_torch_same_weights():
    torch = pytest.importorskip("torch")
    from certify.algorithms.ntk.jax_model import JaxQModel
    from certify.algorithms.ntk.torch_model import TorchQModel

    rng = np.random.default_rng(7)
    params = [(rng.normal(0, 0.5, (10, 4)), rng.normal(0, 0.3, 10)),
              (rng.normal(0, 0.3, (3, 10)), rng.normal(0, 0.3, 3))]
    seq = torch.nn.Sequential(torch.nn.Linear(4, 10), torch.nn.Tanh(), torch.nn.Linear(10, 3)).double()
    with torch.no_grad():
        for lin, (w, b) in zip((seq[0], seq[2]), params, strict=True):
            lin.weight.copy_(torch.tensor(w))
            lin.bias.copy_(torch.tensor(b))
    x = rng.normal(size=(5, 4))
    k_t = TorchQModel(seq).kernel(x)
    k_j = JaxQModel(apply, params).kernel(x)
    assert k_j.shape == (15, 15)
    assert np.abs(k_j - k_t).max() <= 1e-10 * np.abs(k_t).max()


def test_jax_source_single_head():
    """A linear model on [e_s, e_a]: K_ij = delta_ss' + delta_aa' + 1."""
    from certify.algorithms.ntk.model import check_q_network

    P = np.zeros((2, 2, 2))
    P[:, :, 1] = 1.0
    mdp = FiniteMDP(P, np.zeros((2, 2)), 0.9, name="two", layout="SAS")
    res = check_q_network((lambda p, x: x @ p[0].T + p[1], (np.zeros((1, 4)), np.zeros(1))),
                          alpha=0.1, mdp=mdp)
    s_idx, a_idx = np.divmod(np.arange(4), 2)
    want = (s_idx[:, None] == s_idx).astype(float) + (a_idx[:, None] == a_idx) + 1.0
    assert res.framework == "jax" and res.kind == "single-head"
    np.testing.assert_array_equal(res.kernel, want)


def test_cli_jax_pair_from_file(tmp_path, capsys):
    """`certify ntk model FILE.py:OBJECT` with OBJECT = (apply, params): one state, two heads,
    Q = W e + b with K = 2 I and rho = (1/2, 1/2): beta = 1 - alpha (1 - gamma) = 0.75."""
    import json

    from certify.cli import main

    (tmp_path / "m.py").write_text(
        "import numpy as np\n\n\ndef apply(p, x):\n    return x @ p[0].T + p[1]\n\n\n"
        "model = (apply, (np.full((2, 1), 0.5), np.zeros(2)))\n")
    (tmp_path / "one.yaml").write_text("name: one\ngamma: 0.5\nP: [[[1.0], [1.0]]]\nR: [[1.0, 1.0]]\n")
    code = main(["ntk", "model", f"{tmp_path}/m.py:model", "--mdp", str(tmp_path / "one.yaml"),
                 "--alpha", "0.5", "--train", "3", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["framework"] == "jax" and doc["beta_exact"] == "3/4"
    assert doc["training"]["steps_run"] == 3


def test_jax_ntk_vector_product_route():
    from certify.algorithms.ntk.jax_model import JaxQModel

    rng = np.random.default_rng(8)
    params = [(rng.normal(0, 0.5, (7, 3)), rng.normal(0, 0.3, 7)), (rng.normal(0, 0.3, (2, 7)), np.zeros(2))]
    jm = JaxQModel(apply, params)
    x = rng.normal(size=(5, 3))
    full = jm.kernel(x)
    k = jm.kernel(x, chunk_bytes=8 * jm.n_params * 3, method="ntvp")  # blocks of 3 columns
    assert np.abs(k - full).max() <= 1e-12 * np.abs(full).max()
