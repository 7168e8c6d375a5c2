"""U3 on finite MDPs: fixed point, Lipschitz ratio vs beta, Theorem 3, training, divergence."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.algorithms.ntk.mlp import MLP
from certify.algorithms.ntk.network import analyze_ntk_network
from certify.algorithms.ntk.operator import empirical_lipschitz, product_bound, u3
from certify.algorithms.ntk.theorem2 import analyze_ntk
from certify.algorithms.ntk.training import train_expected
from certify.mdp import FiniteMDP, builtin_problem, q_star
from certify.mdp.ordering import flatten
from certify.verdict import Verdict


def _problem():
    p = builtin_problem("seed-sls")
    return p.mdp, p.sampling.d


def test_q_star_is_fixed_point_of_u3():
    mdp, rho = _problem()
    qs = flatten(q_star(mdp)[0])
    k = np.random.default_rng(0).normal(size=(4, 4))
    assert np.allclose(u3(mdp, k @ k.T, rho, 0.3, qs), qs, atol=1e-12)


@given(st.integers(0, 10_000), st.floats(0.0, 0.2), st.floats(0.05, 2.0))
@settings(max_examples=25, deadline=None)
def test_empirical_ratio_never_exceeds_certified_beta(seed, off, alpha):
    mdp, rho = _problem()
    rng = np.random.default_rng(seed)
    c = rng.uniform(-off, off, (4, 4))
    k = np.diag(rng.uniform(1.0, 3.0, 4)) + (c + c.T) / 2 * (1 - np.eye(4))
    res = analyze_ntk(k, rho, mdp.gamma, alpha)
    lip = empirical_lipschitz(mdp, k, rho, alpha, n_pairs=40, seed=seed)
    # the ratio is a float difference quotient: its rounding error grows like
    # eps * |Q| / ||Q1 - Q2||_inf (close adversarial pairs of large Q-tables)
    scale = 0.0
    if lip.pair is not None:
        q1, q2 = lip.pair
        scale = max(np.abs(q1).max(), np.abs(q2).max(), 1.0) / np.abs(q1 - q2).max()
    assert lip.ratio <= float(res.beta) * (1 + 1e-12) + 64 * np.finfo(float).eps * scale
    if res.verdict is Verdict.CERTIFIED:
        assert lip.ratio < 1
        qs = flatten(q_star(mdp)[0])
        pb = product_bound(mdp, [k] * 20, [float(res.beta)] * 20, rho, alpha,
                           rng.normal(0, 5, 4), qs)
        assert pb.holds and pb.errors[-1] < pb.errors[0]


def test_adversarial_probe_attains_tabular_modulus():
    # K = I on seed-sls: U3 = (I - alpha D) + alpha D T; with one greedy policy the linear part
    # has row sums 1 - alpha d_i (1 - gamma): the adversarial probe attains the max exactly.
    mdp, rho = _problem()
    lip = empirical_lipschitz(mdp, np.eye(4), rho, 0.5, n_pairs=20, seed=1)
    assert lip.ratio == pytest.approx(1 - 0.5 * 0.1 * (1 - 0.9), rel=1e-9)


def _chain():
    # the classic "w -> 2w" example: s0 -> s1, s1 -> s1, one action, no reward, features 1 and 2
    P = np.array([[[0.0, 1.0]], [[0.0, 1.0]]])
    return FiniteMDP(P, np.zeros((2, 1)), 0.9, name="two-state-chain", layout="SAS")


def test_divergence_example_linear_features():
    mdp = _chain()
    k = np.array([[1.0, 2.0], [2.0, 4.0]])  # Phi Phi^T with phi = (1, 2)
    rho = np.array([0.9, 0.1])
    res = analyze_ntk(k, rho, 0.9, 0.1)
    assert res.verdict is Verdict.INCONCLUSIVE and not res.condition_17.holds
    q = np.array([1.0, 2.0])
    for _ in range(10):
        q = u3(mdp, k, rho, 0.1, q)
    # each step multiplies Q by 1 + 0.1 (0.9 * 0.8 - 0.1 * 0.2 * 2) = 1.068 (hand computation)
    assert q == pytest.approx(1.068 ** 10 * np.array([1.0, 2.0]), rel=1e-12)
    lip = empirical_lipschitz(mdp, k, rho, 0.1, n_pairs=20)
    assert lip.ratio > 1


def test_training_linearisation_gap_is_second_order():
    mdp, rho = _problem()
    net = MLP(4, 64, 1, "tanh")
    params = net.init_params(0)
    g1 = train_expected(mdp, net, params, rho, 0.02, 3).linearisation_gap[0]
    g2 = train_expected(mdp, net, params, rho, 0.01, 3).linearisation_gap[0]
    assert g1 / g2 == pytest.approx(4.0, rel=0.1)


def test_training_theorem3_bound_on_recorded_kernels():
    mdp, rho = _problem()
    net = MLP(4, 64, 2, "relu")
    params = net.init_params(1)
    rec = train_expected(mdp, net, params, rho, 0.01, 15)
    assert rec.betas.shape == (15,) and len(rec.kernels) == 15
    from certify.algorithms.ntk.kernel import q_table

    pb = product_bound(mdp, rec.kernels, rec.betas, rho, 0.01, q_table(mdp, net, params), rec.q_opt)
    assert pb.holds
    assert np.array_equal(pb.bounds, rec.product_bound)


def test_network_analysis_consistent():
    p = builtin_problem("seed-sls")
    res = analyze_ntk_network(p, p.sampling.d, 0.05, width=32, depth=1, activation="tanh", probes=40,
                          iterations=10)
    assert res.lipschitz.ratio <= float(res.theorem.beta) * (1 + 1e-12)
    assert res.iteration.holds
    assert not any("inconsistency" in n for n in res.notes)
    doc = res.to_dict()
    for key in ("condition_16", "condition_17", "beta", "row_ratio", "verdict"):
        assert key in doc
