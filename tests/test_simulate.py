"""Simulator: exact expectations, stationary laws, reproducibility, bad input."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from certify.algorithms.qlearning.simulate import simulate_qlearning
from certify.cli import main
from certify.errors import InvalidInput
from certify.mdp import FiniteMDP, load_problem, sampling_from_d
from certify.mdp.sampling import sampling_markov
from certify.simulate import StepSize, lemma6_policy, mean_recursion
from certify.simulate.mean import apply_switched


@pytest.fixture(scope="module")
def seed_sls():
    return load_problem("seed-sls")


def test_one_step_mean_equals_mean_recursion(seed_sls):
    # From Q_0 = 0 on seed-sls, one step: E[Q_1] = Q_0 + alpha D (T Q_0 - Q_0) = alpha d * R.
    mdp = seed_sls.mdp
    runs, alpha = 20_000, 0.5
    sim = simulate_qlearning(seed_sls, alpha, runs=runs, steps=1, seed=3, noise=0.5)
    d = seed_sls.sampling.d
    expected = alpha * d * mdp.r_vector  # hand computation: max Q_0 = 0
    # Q_1(i) = alpha (R_i + xi) w.p. d_i, else 0: variance alpha^2 (d_i (R_i^2 + b^2) - (d_i R_i)^2)
    var = alpha**2 * (d * (mdp.r_vector**2 + 0.25) - (d * mdp.r_vector) ** 2)
    tol = 5 * np.sqrt(var / runs)  # 5 standard errors
    assert np.all(np.abs(sim.q_final.mean(axis=0) - expected) <= tol)
    e, _ = mean_recursion(mdp, d, alpha, np.zeros((2, 2)), sim.q_star, 1)
    np.testing.assert_allclose(e[1] + sim.q_star.reshape(-1), expected, atol=1e-12)


def test_lemma6_switched_form_matches_mean_recursion(seed_sls):
    mdp, d = seed_sls.mdp, seed_sls.sampling.d
    q0 = np.array([[3.0, 12.0], [-4.0, 9.5]])
    from certify.mdp import q_star
    qs, _ = q_star(mdp)
    errs, sigmas = mean_recursion(mdp, d, 0.7, q0, qs, 50)
    for k in range(50):
        assert np.allclose(sigmas[k].sum(axis=1), 1.0) and (sigmas[k] >= 0).all()
        np.testing.assert_allclose(apply_switched(mdp, d, 0.7, sigmas[k], errs[k]), errs[k + 1],
                                   atol=1e-12)
    # lemma 6 on a hand example: Q = [[1, 0]], Q* = [[0, 2]]: max Q - max Q* = -1 =
    # lam e(s, 0) + (1 - lam) e(s, 1) = lam * 1 + (1 - lam)(-2)  =>  lam = 1/3
    sig = lemma6_policy(np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]]))
    np.testing.assert_allclose(sig, [[1 / 3, 2 / 3]])


def test_iid_sampler_matches_d(seed_sls):
    sim = simulate_qlearning(seed_sls, 0.5, runs=50, steps=4000, seed=1, count=True)
    freq = sim.counts.sum(axis=0) / (50 * 4000)
    d = seed_sls.sampling.d
    assert np.all(np.abs(freq - d) <= 5 * np.sqrt(d * (1 - d) / (50 * 4000)))


def test_markov_sampler_matches_stationary_law(seed_sls):
    mdp = seed_sls.mdp
    beh = np.array([[0.3, 0.7], [0.6, 0.4]])
    samp = sampling_markov(mdp, beh)
    sim = simulate_qlearning(seed_sls, 0.5, samp, runs=200, steps=5000, seed=2, mode="markov",
                             count=True)
    freq = sim.counts.sum(axis=0) / (200 * 5000)
    # by hand: P_beta(0, .) = 0.3 (0.9, 0.1) + 0.7 (0.2, 0.8) = (0.41, 0.59),
    # P_beta(1, .) = 0.6 (0.3, 0.7) + 0.4 (0.6, 0.4) = (0.42, 0.58); mu0 = 0.42 / (0.59 + 0.42)
    mu0 = 0.42 / 1.01
    d = np.array([mu0 * 0.3, mu0 * 0.7, (1 - mu0) * 0.6, (1 - mu0) * 0.4])
    np.testing.assert_allclose(samp.d, d, atol=1e-12)
    assert np.all(np.abs(freq - d) <= 0.01)  # 200 chains of 5000 steps, correlated: loose


def test_synchronous_noise_free_is_deterministic_value_iteration(seed_sls):
    # deterministic MDP: sync Q-learning with alpha = 1 is exactly value iteration
    P = np.zeros((2, 2, 2))
    P[0, 0, 0] = P[0, 1, 1] = P[1, 0, 0] = P[1, 1, 1] = 1.0
    mdp = FiniteMDP(P, [[1.0, 0.0], [0.0, 2.0]], 0.5, layout="SAS")
    sim = simulate_qlearning(mdp, 1.0, runs=3, steps=2, mode="sync", times=[0, 2])
    # V0 = 0 -> Q1 = R; V1 = (1, 2) -> Q2 = R + 0.5 * [[1, 2], [1, 2]]
    np.testing.assert_allclose(sim.q_final, np.tile([1.5, 1.0, 0.5, 3.0], (3, 1)))


def test_same_seed_same_trajectories_whatever_batch_or_chunk(seed_sls):
    a = simulate_qlearning(seed_sls, StepSize(0.9, 5.0, 0.7), runs=30, steps=700, seed=11, noise=0.3)
    b = simulate_qlearning(seed_sls, StepSize(0.9, 5.0, 0.7), runs=30, steps=700, seed=11, noise=0.3,
                           batch=7, chunk=13)
    c = simulate_qlearning(seed_sls, StepSize(0.9, 5.0, 0.7), runs=10, steps=700, seed=11, noise=0.3)
    assert np.array_equal(a.errors, b.errors) and np.array_equal(a.q_final, b.q_final)
    assert np.array_equal(a.q_final[:10], c.q_final)
    d = simulate_qlearning(seed_sls, StepSize(0.9, 5.0, 0.7), runs=30, steps=700, seed=12, noise=0.3)
    assert not np.array_equal(a.q_final, d.q_final)


def test_step_size_schedule():
    s = StepSize(2.0, 4.0, 0.5)
    assert s.alpha(0) == 1.0 and s.alpha(12) == 0.5


@pytest.mark.parametrize("kwargs, word", [
    ({"runs": 0}, "runs"), ({"steps": -3}, "steps"), ({"seed": 1.5}, "seed"),
    ({"seed": -1}, "seed"), ({"alpha": 0.0}, "c"), ({"noise": -1.0}, "noise")])
def test_bad_input(seed_sls, kwargs, word):
    args = {"alpha": 0.5, "runs": 2, "steps": 5, **kwargs}
    with pytest.raises(InvalidInput, match=word):
        simulate_qlearning(seed_sls, **args)


def test_bad_schedules():
    for c, k0, e, word in ((-1.0, 1.0, 0.5, "c"), (0.5, 0.0, 0.5, "k0"), (0.5, 1.0, -1.0, "e"),
                           (2.0, 1.0, 0.5, "alpha_0")):
        with pytest.raises(InvalidInput, match=word):
            StepSize(c, k0, e)


def test_zero_sampling_names_pairs(seed_sls):
    samp = sampling_from_d(seed_sls.mdp, [0.5, 0.0, 0.5, 0.0], positive=False)
    with pytest.raises(InvalidInput, match=r"state s0, action a1.*state s1, action a1"):
        simulate_qlearning(seed_sls, 0.5, samp, runs=1, steps=1)


@pytest.mark.parametrize("argv", [
    ["--runs", "0"], ["--steps", "-1"], ["--seed", "1.5"], ["--exponent", "-1"]])
def test_cli_bad_input_exit_2(argv, capsys):
    base = ["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--steps", "5"]
    try:
        code = main(base + argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_cli_json_end_to_end():
    out = subprocess.run([sys.executable, "-m", "certify", "simulate", "qlearning", "seed-sls",
                          "--alpha", "0.5", "--runs", "20", "--steps", "300", "--json"],
                         capture_output=True, text=True, check=True)
    import json
    doc = json.loads(out.stdout)
    assert doc["runs"] == 20 and doc["error"]["times"][0] == 0
    assert doc["error"]["mean"][0] == pytest.approx(10.0)  # |0 - Q*|_inf, Q* = [[10, 9], [10, 9]]
    assert len(doc["error"]["mean"]) == len(doc["error"]["times"])


@pytest.mark.parametrize("times", [[], [0, 2.5], [[0, 1]], ["a"]])
def test_bad_recorded_times_name_the_field(seed_sls, times):
    # an empty list crashed with IndexError and 2.5 was silently truncated to step 2
    with pytest.raises(InvalidInput, match="times"):
        simulate_qlearning(seed_sls, 0.5, runs=1, steps=5, times=times)
