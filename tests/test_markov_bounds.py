"""Mixing constants of behaviour chains, the Markovian (Theorem 4 shape) bound, crossval --mode markov."""

from __future__ import annotations

import json

import numpy as np
import pytest

from certify.algorithms.qlearning.bounds import noise_constants
from certify.algorithms.qlearning.bounds_markov import markov_reference_bound
from certify.algorithms.qlearning.crossval import crossval_qlearning
from certify.algorithms.qlearning.mixing import behaviour_chain, behaviour_mixing, mixing_constants
from certify.cli import main
from certify.errors import InvalidInput
from certify.mdp import load_problem
from certify.mdp.sampling import sampling_markov


def _tv_to_stationary(P: np.ndarray, t: int) -> float:
    """Brute force: sup_s ||P^t(s, .) - mu||_TV with mu from the left eigenvector."""
    ev, vec = np.linalg.eig(P.T)
    mu = np.real(vec[:, np.argmin(np.abs(ev - 1))])
    mu = mu / mu.sum()
    return float(0.5 * np.abs(np.linalg.matrix_power(P, t) - mu).sum(axis=1).max())


def _poisson_sup(K: np.ndarray) -> float:
    """max_{x, i} |sum_t (K^t(x, i) - d_i)| from the fundamental matrix (I - K + 1 d^T)^-1."""
    ev, vec = np.linalg.eig(K.T)
    d = np.real(vec[:, np.argmin(np.abs(ev - 1))])
    d = d / d.sum()
    n = K.shape[0]
    Z = np.linalg.inv(np.eye(n) - K + np.outer(np.ones(n), d))
    return float(np.abs(Z - np.outer(np.ones(n), d)).max())


def test_two_state_chain_by_hand():
    # P = [[1-p, p], [q, 1-q]], p = 0.3, q = 0.2: delta(P^t) = |1 - p - q|^t = 0.5^t, and
    # sum_{u<m} 0.5^u / (1 - 0.5^m) = 2 for every m, so m = 1, C = 1, r = 0.5, H_state = 2.
    P = np.array([[0.7, 0.3], [0.2, 0.8]])
    mc = mixing_constants(P)
    assert mc.exact and mc.m == 1
    assert mc.deltas[:5] == (1.0, 0.5, 0.25, 0.125, 0.0625)
    assert mc.r == 0.5 and mc.C == 1.0
    assert mc.h_state == pytest.approx(2.0) and mc.h_pair == pytest.approx(3.0)
    # mu = (q, p) / (p + q) = (0.4, 0.6); from state 0 the distance is 0.6 * 0.5^t exactly
    for t in range(12):
        assert _tv_to_stationary(P, t) == pytest.approx(0.6 * 0.5**t, abs=1e-14)
        assert _tv_to_stationary(P, t) <= mc.tv_bound(t) + 1e-15
    assert mc.mixing_time(0.25) == 2  # 0.5^2 = 0.25


def test_periodic_chain_is_refused():
    with pytest.raises(InvalidInput, match="periodic"):
        mixing_constants(np.array([[0.0, 1.0], [1.0, 0.0]]))


def test_random_walk_constants_against_brute_force():
    p = load_problem("random-walk-5")
    Pb = behaviour_chain(p.mdp, p.sampling.behaviour)
    mc = behaviour_mixing(p.mdp, p.sampling.behaviour)
    assert mc.exact and 0 < mc.r < 1
    tvs = [_tv_to_stationary(Pb, t) for t in range(120)]
    assert all(tv <= mc.tv_bound(t) + 1e-12 for t, tv in enumerate(tvs))
    assert sum(tvs) <= mc.h_state + 1e-9
    # the pair chain K((s,a),(s',a')) = P(s'|s,a) beta(a'|s'): its Poisson solutions are below H_pair
    S, A = p.mdp.n_states, p.mdp.n_actions
    K = (p.mdp.P.reshape(S * A, S)[:, :, None] * p.sampling.behaviour[None, :, :]).reshape(S * A, S * A)
    assert _poisson_sup(K) <= mc.h_pair


@pytest.fixture(scope="module")
def sls_markov():
    p = load_problem("seed-sls")
    return p, sampling_markov(p.mdp, np.full((2, 2), 0.5))


def test_markov_bound_constants_by_hand(sls_markov):
    p, samp = sls_markov
    # P_beta = [[0.55, 0.45], [0.45, 0.55]]: delta_t = 0.1^t, mu = d-marginal (1/2, 1/2)
    mc = behaviour_mixing(p.mdp, samp.behaviour)
    assert mc.m == 1 and mc.r == pytest.approx(0.1) and mc.h_pair == pytest.approx(1 + 1 / 0.9)
    np.testing.assert_allclose(samp.d, 0.25)
    nc = noise_constants(p.mdp, 0.0, 0.0)  # q_bar = 10, td_bar = 1 + 1.9 * 10 = 20
    b = markov_reference_bound(p.mdp, samp.d, np.ones(4), 0.99, 0.5, nc, mc)
    H = 1 + 1 / 0.9
    base = 0.5 * 400 / (2 - 0.125)  # alpha td^2 / (2 - alpha d_i), the same for all 4 pairs
    fresh, poisson = np.sqrt(4 * base), H * np.sqrt(4 * base / 0.25)
    tele = 0.5 * H * 20 * (2 + 1.9 / 0.25)
    parts = b.to_dict()["Z_parts"]
    assert parts["fresh_noise"] == pytest.approx(fresh)
    assert parts["poisson_martingale"] == pytest.approx(poisson)
    assert parts["telescoping"] == pytest.approx(tele)
    assert b.z_inf == pytest.approx(fresh + poisson + tele)
    assert b.z(np.array([0]))[0] == 0.0
    c = 0.5 * 0.9 * 0.25  # w = 1: alpha gamma d_i
    assert b.c == pytest.approx(c)
    assert b.floor() == pytest.approx((fresh + poisson + tele) * (1 + c / 0.01))
    # at k = 0 the curve is ||e_0||_inf; Z_k increases to Z
    assert b.curve(np.array([0.0]), 3.0)[0] == pytest.approx(3.0)
    zk = b.z(np.arange(1, 2000, 50))
    assert np.all(np.diff(zk) >= 0) and zk[-1] <= b.z_inf


@pytest.fixture(scope="module")
def markov_results(sls_markov):
    p, samp = sls_markov
    good = crossval_qlearning(p, 0.5, samp, runs=40, steps=3000, noise=0.5, n_boot=40, mode="markov")
    bad = crossval_qlearning(p, 0.5, samp, runs=40, steps=3000, noise=0.5, n_boot=40, mode="markov",
                             claimed_rate=0.97)
    return good, bad


def test_markov_crossval_consistent(markov_results):
    good, _ = markov_results
    assert good.mode == "markov" and good.simulation.mode == "markov"
    assert good.verdict == "consistent", [(q.name, q.evidence) for q in good.predictions]
    names = {q.name for q in good.predictions}
    assert "Markovian reference-filter bound (certificate)" in names
    assert good.mixing["r"] == pytest.approx(0.1)


def test_markov_crossval_catches_wrong_rate(markov_results):
    _, bad = markov_results
    assert bad.verdict == "violated"
    by = {q.name: q for q in bad.predictions}
    assert by["transient rate"].verdict == "violated"
    assert by["mean recursion in the certificate norm"].verdict == "violated"


def test_markov_mode_needs_behaviour():
    with pytest.raises(InvalidInput, match="Markovian sampling model"):
        crossval_qlearning(load_problem("seed-sls"), 0.5, runs=2, steps=10, mode="markov")
    with pytest.raises(InvalidInput, match="mode"):
        crossval_qlearning(load_problem("seed-sls"), 0.5, runs=2, steps=10, mode="sync")


def test_cli_markov(tmp_path, capsys):
    f = tmp_path / "beh.json"
    f.write_text(json.dumps({"behaviour": [[0.5, 0.5], [0.5, 0.5]], "model": "markov"}))
    code = main(["crossval", "seed-sls", "--alpha", "0.5", "--mode", "markov", "--sampling", str(f),
                 "--runs", "20", "--steps", "2000", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verdict"] == "consistent" and doc["mode"] == "markov"
    assert doc["mixing"]["power_m"] == 1
    code = main(["crossval", "seed-sls", "--alpha", "0.5", "--mode", "markov", "--runs", "2",
                 "--steps", "10"])
    err = capsys.readouterr().err
    assert code == 2 and "Markovian sampling model" in err and "Traceback" not in err


def test_mixing_time_of_a_chain_that_mixes_in_one_step():
    # P = [[1/2, 1/2], [1/2, 1/2]]: delta_1 = 0, so r = 0; but at t = 0 the distance from a
    # point mass to mu = (1/2, 1/2) is 1/2 > 1/4, so the 1/4-mixing time is 1, not 0
    mc = mixing_constants(np.array([[0.5, 0.5], [0.5, 0.5]]))
    assert mc.r == 0.0 and mc.tv_bound(0) == 1.0
    assert _tv_to_stationary(np.array([[0.5, 0.5], [0.5, 0.5]]), 0) == 0.5
    assert mc.mixing_time(0.25) == 1
    assert mc.mixing_time(1.0) == 0


def test_mixing_constants_are_upper_bounds_in_exact_arithmetic():
    # r, C and H are stated as upper bounds: check r^m >= delta_m, C r^u >= delta_u (u < m) and
    # H_state >= sum_{u<m} delta_u / (1 - delta_m) with the floats read as exact rationals
    from fractions import Fraction

    rng = np.random.default_rng(5)
    for _ in range(30):
        S = int(rng.integers(3, 7))
        P = rng.dirichlet(np.ones(S) * 0.3, size=S)
        P = 0.9 * np.roll(np.eye(S), 1, axis=1) + 0.1 * P  # slow, nearly periodic: m > 1
        mc = mixing_constants(P)
        d = [Fraction(x) for x in mc.deltas]
        r, C = Fraction(mc.r), Fraction(mc.C)
        assert r ** mc.m >= d[mc.m]
        assert all(C * r**u >= d[u] for u in range(mc.m))
        assert Fraction(mc.h_state) >= sum(d[:mc.m]) / (1 - d[mc.m])
        assert Fraction(mc.h_pair) >= 1 + Fraction(mc.h_state)
