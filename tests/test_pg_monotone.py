"""Monotone increase of the objective along the noiseless particle flow."""

import json

import numpy as np
import pytest

from certify.algorithms.pg.meanfield import full_drift, initial_particles, make_meanfield
from certify.algorithms.pg.monotone import check_increase, flow_monotonicity, objective
from certify.cli import main
from certify.errors import InvalidInput
from certify.mdp import FiniteMDP, builtin_problem


def garnet_mf(sigma=1.0, kappa=1.0):
    return make_meanfield(builtin_problem("garnet:3:2:2:0").mdp, 0.2, sigma, kappa, 2,
                          mu=[0.3, 0.7], rho=[0.2, 0.3, 0.5])


def test_drift_is_n_times_gradient_of_objective():
    """grad_{theta_n} G_N = D_n / N, by central finite differences of G_N."""
    mf = garnet_mf()
    theta = initial_particles(mf, 5, np.random.default_rng(0))
    drift, _ = full_drift(mf, theta)

    def g(t):
        return objective(mf, full_drift(mf, t)[1], t)

    h = 1e-6
    for idx in [(0, 0, 0), (2, 1, 3), (4, 0, 6), (1, 1, 0)]:
        e = np.zeros_like(theta)
        e[idx] = h
        fd = (g(theta + e) - g(theta - e)) / (2 * h)
        assert fd == pytest.approx(drift[idx] / 5, abs=1e-8)


def test_objective_hand_value():
    mdp = FiniteMDP(np.ones((1, 2, 1)), [[1.0, 0.0]], 0.0, layout="SAS")
    mf = make_meanfield(mdp, 0.5, 2.0, 3.0, 1)
    theta = np.ones((2, 1, 6))  # mean |theta|^2 = 6
    assert objective(mf, 0.25, theta) == pytest.approx(0.25 - 4 * 3 / 4 * 6)


@pytest.mark.parametrize("sigma, kappa", [(1.0, 1.0), (0.1, 1.0)])
def test_noiseless_flow_meets_the_ascent_lemma(sigma, kappa):
    mf = garnet_mf(sigma, kappa)
    res = flow_monotonicity(mf, 32, 5e-5, 60, seed=1)
    assert res.verdict == "consistent" and res.decreases == 0 and res.shortfalls == 0
    inc = np.diff(res.objectives)
    assert np.all(inc >= res.guaranteed - 1e-10 * (1 + np.abs(res.objectives[:-1])))
    assert np.all(res.guaranteed > 0) and res.objectives[-1] > res.objectives[0]
    # first-order check: the increase is close to eta mean|D|^2 for so small a step
    assert inc[0] == pytest.approx(res.guaranteed[0] / (1 - res.eta * res.lam / 2), rel=0.2)


def test_step_beyond_two_over_lam_is_inconclusive():
    mf = garnet_mf()
    res = flow_monotonicity(mf, 32, 0.01, 5)
    assert res.eta * res.lam >= 2 and res.verdict == "inconclusive"


def test_check_increase_detects_violations():
    g = np.array([0.0, 1.0, 0.5, 0.7])
    gu = np.array([0.5, 0.1, 0.3])
    decreases, short, worst = check_increase(g, gu)
    assert (decreases, short) == (1, 2) and worst == pytest.approx(0.6)
    assert check_increase(np.array([0.0, 1.0]), np.array([0.5]))[:2] == (0, 0)


def test_bad_input_and_few_particles():
    mf = garnet_mf()
    with pytest.raises(InvalidInput, match="eta"):
        flow_monotonicity(mf, 32, 0.0, 5)
    with pytest.warns(UserWarning, match="too few"):
        flow_monotonicity(mf, 4, 1e-5, 2)


def test_crossval_cli_reports_both_checks(tmp_path, capsys):
    mdp = tmp_path / "bandit.yaml"
    mdp.write_text("gamma: 0.0\nP: [[[1.0], [1.0]]]\nR: [[1.0, 0.0]]\n")
    code = main(["crossval", "pg", str(mdp), "--tau", "0.1", "--sigma", "1", "--kappa", "50",
                 "--width", "2", "--particles", "32", "--steps", "50", "--flow-steps", "50",
                 "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verdict"] == "consistent"
    assert doc["checks"] == {"coupled_w2": "consistent", "monotone_objective": "consistent"}
    mono = doc["monotone"]
    assert mono["eta"] * mono["lam_bound"] == pytest.approx(1.0, rel=1e-12)  # default 1/Lam
    assert np.all(np.diff(mono["objective"]) >= -1e-12)
    assert main(["crossval", "pg", str(mdp), "--tau", "0.1", "--sigma", "1", "--kappa", "50",
                 "--flow-eta", "-1"]) == 2
