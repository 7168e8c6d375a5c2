"""Smooth backups in the shared compiled simulator, and the delayed progress bar."""

from __future__ import annotations

import json

import numpy as np
import pytest

from certify.algorithms.qlearning.simulate import simulate_qlearning
from certify.cli import main
from certify.errors import InvalidInput, UnknownName
from certify.mdp import FiniteMDP, load_problem
from certify.mdp.bellman import bellman_optimality, smooth_fixed_point
from certify.simulate.progress import DelayedProgress, want_progress


def _deterministic_mdp() -> FiniteMDP:
    """3 states, 3 actions, P one-hot: a synchronous step with alpha = 1 is F_h(Q) exactly."""
    S, A = 3, 3
    P = np.zeros((S, A, S))
    for s in range(S):
        for a in range(A):
            P[s, a, (s + a + 1) % S] = 1.0
    R = np.arange(S * A, dtype=float).reshape(S, A) / 7.0
    return FiniteMDP(P, R, 0.9, layout="SAS")


@pytest.mark.parametrize("op,temp,mu", [("max", None, None), ("lse", 3.0, None), ("mellowmax", 0.7, None),
                                        ("boltzmann", 2.0, None), ("soft", 0.5, None),
                                        ("soft", 0.5, np.array([0.2, 0.3, 0.5]))])
def test_kernel_backup_equals_smooth_max(op, temp, mu):
    mdp = _deterministic_mdp()
    # large and spread values: the stable evaluation must neither overflow nor cancel
    q0 = np.array([[1e5, -3e4, 2.0], [0.5, 0.25, -1.0], [7e3, 7e3 + 1e-3, -2e5]])
    sim = simulate_qlearning(mdp, 1.0, runs=2, steps=1, mode="sync", q0=q0, times=[0, 1],
                             operator=op, temperature=temp, mu=mu, target=np.zeros((3, 3)))
    expected = bellman_optimality(mdp, q0, op, temp, mu).reshape(-1)
    np.testing.assert_allclose(sim.q_final[0], expected, rtol=1e-13, atol=1e-9)
    assert sim.errors[0, 1] == pytest.approx(np.abs(expected).max(), rel=1e-13)


def test_smooth_runs_converge_to_fixed_point_and_are_reproducible():
    p = load_problem("seed-sls")
    fp = smooth_fixed_point(p.mdp, "lse", 2.0)
    a = simulate_qlearning(p, 0.2, runs=30, steps=4000, seed=5, operator="lse", temperature=2.0)
    b = simulate_qlearning(p, 0.2, runs=30, steps=4000, seed=5, operator="lse", temperature=2.0,
                           batch=7, chunk=333)
    np.testing.assert_array_equal(a.errors, b.errors)
    np.testing.assert_allclose(a.q_star, fp)
    assert a.errors[:, -1].mean() < 0.05 * a.errors[:, 0].mean()
    assert a.to_dict()["operator"] == "lse"


def test_smooth_bad_inputs():
    p = load_problem("seed-sls")
    with pytest.raises(UnknownName, match="operator"):
        simulate_qlearning(p, 0.5, runs=1, steps=1, operator="softest", temperature=1.0)
    with pytest.raises(InvalidInput, match="temperature"):
        simulate_qlearning(p, 0.5, runs=1, steps=1, operator="lse", temperature=0.0)
    with pytest.raises(InvalidInput, match="temperature"):
        simulate_qlearning(p, 0.5, runs=1, steps=1, operator="lse")
    with pytest.raises(InvalidInput, match="mu"):
        simulate_qlearning(p, 0.5, runs=1, steps=1, operator="soft", temperature=1.0, mu=[0.5, 0.6])
    with pytest.raises(InvalidInput, match="target"):
        simulate_qlearning(p, 0.5, runs=1, steps=1, target=np.zeros(3))


def test_progress_does_not_change_results_and_stays_off_stdout(capsys):
    p = load_problem("seed-sls")
    a = simulate_qlearning(p, 0.5, runs=20, steps=3000, seed=2, noise=0.5)
    b = simulate_qlearning(p, 0.5, runs=20, steps=3000, seed=2, noise=0.5, progress=True)
    np.testing.assert_array_equal(a.errors, b.errors)
    assert capsys.readouterr().out == ""
    assert want_progress(as_json=True) is False
    assert want_progress() is False  # pytest's captured stdout is not a terminal


def test_delayed_progress_appears_only_after_delay():
    quick = DelayedProgress(100, delay=3600.0)
    quick.advance(100)
    assert not quick.shown and quick.done == 100
    slow = DelayedProgress(100, delay=0.0)
    slow.advance(10)
    assert slow.shown
    slow.stop()
    assert not slow.shown


def test_cli_smooth_uses_shared_simulator(capsys):
    code = main(["simulate", "smooth-qlearning", "seed-sls", "--operator", "boltzmann", "--temperature",
                 "4", "--alpha", "0.2", "--runs", "6", "--steps", "800", "--mode", "iid", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["operator"] == "boltzmann" and doc["target"] == "Q*"
    ref = simulate_qlearning(load_problem("seed-sls"), 0.2, runs=6, steps=800, operator="boltzmann",
                             temperature=4.0)
    assert doc["errors"]["mean"] == pytest.approx(ref.stats().mean.tolist(), rel=1e-12)
    code = main(["simulate", "smooth-qlearning", "seed-sls", "--operator", "lse", "--alpha", "0.2",
                 "--runs", "2", "--steps", "10"])
    err = capsys.readouterr().err
    assert code == 2 and "temperature" in err and "Traceback" not in err
