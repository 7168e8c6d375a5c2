"""Real networks: a certified Theorem 2 case, a divergence, and PreQN against the plain update."""

from __future__ import annotations

import json
from fractions import Fraction as F

import numpy as np
import pytest

from certify.algorithms.ntk.kernel import network_kernel, pair_features
from certify.algorithms.ntk.mlp import MLP
from certify.algorithms.ntk.network import analyze_ntk_network
from certify.algorithms.ntk.preqn import train_preqn
from certify.algorithms.ntk.theorem2 import analyze_ntk
from certify.algorithms.ntk.training import train_expected
from certify.certificates import certificate_from_dict
from certify.certificates.ntk import NTKContractionCertificate
from certify.cli import main
from certify.errors import InvalidInput
from certify.mdp import FiniteMDP, builtin_problem
from certify.verdict import Verdict

# the two-state chain 0 -> 1 -> 1, zero reward, gamma 0.9: Q* = 0; replay mass on state 0
CHAIN = FiniteMDP(np.array([[[0.0, 1.0]], [[0.0, 1.0]]]), np.zeros((2, 1)), 0.9, name="chain", layout="SAS")
CHAIN_RHO = np.array([0.9, 0.1])
CHAIN_X = np.array([[1.0], [2.0]])  # one feature per pair: Q(1) is "twice" Q(0)


@pytest.mark.parametrize("seed", [0, 3])
def test_sin_network_with_scaled_inputs_is_certified(seed):
    # sin MLP (width 256, depth 1) on one-hot inputs scaled by 256: the first layer puts
    # 256^2 |delta_1|^2 ~ 3e4 on the diagonal and nothing off it, so (16) and (17) hold.
    p = builtin_problem("seed-sls")
    res = analyze_ntk_network(p, p.sampling.d, 5e-5, 256, 1, "sin", seed, "onehot", probes=100,
                          iterations=30, input_scale=256.0)
    t = res.theorem
    assert t.verdict is Verdict.CERTIFIED and res.verdict is Verdict.CERTIFIED
    assert t.condition_16.holds and t.condition_17.holds and t.beta < 1
    # U3's empirical Lipschitz ratio never exceeds the certified beta, and the adversarial
    # probe comes within 1e-3 of it
    assert res.lipschitz.ratio <= float(t.beta)
    assert res.lipschitz.ratio > float(t.beta) - 1e-3
    assert res.iteration.holds
    # independent float re-evaluation of beta from its row formula
    k = network_kernel(p.mdp, MLP(4, 256, 1, "sin"), MLP(4, 256, 1, "sin").init_params(seed),
                       input_scale=256.0)
    rho, g, a = p.sampling.d, p.mdp.gamma, 5e-5
    rows = np.abs(np.eye(4) - a * k * rho) + a * g * np.abs(k) * rho
    assert float(t.beta) == pytest.approx(rows.sum(axis=1).max(), rel=1e-12)
    # the certificate of this kernel round-trips through JSON and re-verifies
    cert = NTKContractionCertificate(k, rho, F(g), F(a), t.beta)
    doc = json.loads(json.dumps(cert.to_dict()))
    assert certificate_from_dict(doc).verify().verdict is Verdict.CERTIFIED
    # forged: a bound just below the exact beta, or a symmetric off-diagonal pair raised so
    # that (17) fails on row 0, is refused
    low = json.loads(json.dumps(doc))
    low["witness"]["bound"] = str(t.beta - F(1, 10**12))
    assert certificate_from_dict(low).verify().verdict is Verdict.INCONCLUSIVE
    forged = json.loads(json.dumps(doc))
    big = float(k[0, 0]) * 0.05
    forged["witness"]["K"][0][3] = forged["witness"]["K"][3][0] = big
    res2 = certificate_from_dict(forged).verify()
    assert res2.verdict is Verdict.INCONCLUSIVE and "(17) fails on row 0" in res2.reason


@pytest.mark.parametrize("activation, scale", [("sin", 1.0), ("relu", 256.0), ("tanh", 256.0)])
def test_unscaled_or_other_activations_are_not_certified(activation, scale):
    # scale 1: the biases and the output layer make K far from diagonal; relu is positively
    # homogeneous, so scaling the inputs scales every layer's contribution alike; tanh
    # saturates and the first layer's gradients vanish.
    p = builtin_problem("seed-sls")
    net = MLP(4, 256, 1, activation)
    k = network_kernel(p.mdp, net, net.init_params(0), input_scale=scale)
    res = analyze_ntk(k, p.sampling.d, p.mdp.gamma, 1e-6)
    assert not res.condition_17.holds and res.verdict is Verdict.INCONCLUSIVE


def test_relu_network_diverges_where_theorem2_fails_badly():
    net = MLP(1, 64, 1, "relu")
    params = net.init_params(0)
    rec = train_expected(CHAIN, net, params, CHAIN_RHO, 0.001, 400, CHAIN_X)
    assert rec.diverged and rec.q_norms[-1] > 1e12
    assert not rec.certified.any() and rec.betas.min() > 1.2
    # the NTK view predicts the growth: the linear part of U3 at step 0 (greedy policy is
    # trivial, one action) is M = I - alpha K D (I - gamma P); its spectral radius > 1
    k0 = rec.kernels[0]
    m = np.eye(2) - 0.001 * k0 @ np.diag(CHAIN_RHO) @ (np.eye(2) - 0.9 * np.array([[0, 1], [0, 1.0]]))
    rad = max(abs(np.linalg.eigvals(m)))
    assert rad > 1.03
    # ||Q_k|| grows at least at that rate over the first 30 steps (the kernel grows too)
    assert rec.q_norms[30] / rec.q_norms[0] >= 0.9 * rad**30
    # (17) fails badly: K_01 is about 2 K_00 (features 1 and 2)
    r = analyze_ntk(k0, CHAIN_RHO, 0.9, 0.001)
    assert float(r.condition_17.margin) < -0.5 * float(k0[0, 0])


def test_preqn_converges_where_plain_update_diverges():
    net = MLP(1, 64, 1, "relu")
    params = net.init_params(0)
    alpha = 0.5
    rec = train_preqn(CHAIN, net, params, alpha, 150, CHAIN_X)
    assert not rec.diverged
    # PreQN identity at every step: the linearised change is alpha times the TD error
    assert rec.identity_residual.max() < 1e-9
    assert rec.kernel_rank.min() == 2
    # the network's own iterates obey e_{k+1} <= (1 - alpha (1 - gamma)) e_k + gap_k + resid_k
    c = 1 - alpha * (1 - 0.9)
    tds = np.maximum(rec.q_norms[:-1] * 1.9, 0.0)  # ||T*Q - Q|| <= (1 + gamma) ||Q|| here
    slack = rec.linearisation_gap + rec.identity_residual * alpha * tds
    assert np.all(rec.errors[1:] <= c * rec.errors[:-1] + slack + 1e-12)
    assert rec.errors[-1] < 1e-2 * rec.errors[0]  # 0.95^150 = 5e-4
    plain = train_expected(CHAIN, net, params, CHAIN_RHO, 0.001, 400, CHAIN_X)
    assert plain.diverged


def test_preqn_on_seed_sls_tracks_the_tabular_rate():
    p = builtin_problem("seed-sls")
    net = MLP(4, 64, 2, "relu")
    rec = train_preqn(p.mdp, net, net.init_params(0), 0.5, 40)
    assert rec.identity_residual.max() < 1e-9
    # the tabular rate 0.95^k brings 10.5 down to 10.5 * 0.95^40 = 1.36
    assert rec.tabular_bound[-1] == pytest.approx(rec.errors[0] * 0.95**40)
    assert rec.errors[-1] <= 1.1 * rec.tabular_bound[-1]


def test_preqn_bad_alpha():
    net = MLP(2, 8, 1, "tanh")
    with pytest.raises(InvalidInput, match="alpha = 1.5"):
        train_preqn(CHAIN, net, net.init_params(0), 1.5, 3, np.eye(2))


@pytest.mark.parametrize("scale, words", [(0.0, "input_scale = 0.0"), (-2.0, "expected a finite number > 0"),
                                          (float("inf"), "input_scale")])
def test_bad_input_scale(scale, words):
    with pytest.raises(InvalidInput, match=None) as info:
        pair_features(CHAIN, "onehot", scale)
    assert words in str(info.value)


def test_given_features_shape_checked():
    with pytest.raises(InvalidInput, match=r"features: expected shape \(2, \*\)"):
        pair_features(CHAIN, np.ones((3, 1)))
    assert np.array_equal(pair_features(CHAIN, CHAIN_X, 2.0), [[2.0], [4.0]])


def test_cli_network_input_scale(capsys):
    code = main(["ntk", "network", "seed-sls", "--alpha", "5e-5", "--width", "256", "--depth", "1",
                 "--activation", "sin", "--input-scale", "256", "--probes", "40", "--iterations", "5",
                 "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verdict"] == "certified" and doc["network"]["input_scale"] == 256.0
    assert doc["empirical_lipschitz"]["ratio"] <= doc["beta"]
    code = main(["ntk", "network", "seed-sls", "--alpha", "5e-5", "--input-scale", "-1"])
    err = capsys.readouterr().err
    assert code == 2 and "input_scale = -1.0" in err and "Traceback" not in err


def test_registry_ntk_network():
    from certify.commands import get_command

    doc = get_command("ntk_network").run(mdp="seed-sls", alpha=5e-5, width=256, depth=1,
                                          activation="sin", probes=20, iterations=3,
                                          input_scale=256.0)
    assert doc["verdict"] == "certified" and doc["condition_17"]["holds"]


def test_example_runs(capsys):
    import runpy
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "ntk_deep_q.py"
    runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    assert "contraction (certified)" in out and "diverged: True" in out
