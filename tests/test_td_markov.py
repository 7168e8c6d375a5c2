"""Markovian sampling in the gradient-TD simulator: one behaviour trajectory a run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from certify.algorithms.td.simulate import simulate_td
from certify.cli import main
from certify.mdp import load_problem
from certify.mdp.finite import FiniteMDP
from certify.mdp.problem import Problem
from certify.mdp.sampling import sampling_markov


def _cycle(n: int = 5) -> Problem:
    """Deterministic cycle s -> s+1 (mod n), reward 1, tabular features, one action."""
    P = np.zeros((n, 1, n))
    for s in range(n):
        P[s, 0, (s + 1) % n] = 1.0
    mdp = FiniteMDP(P, np.ones((n, 1)), 0.5, layout="SAS")
    beh = np.ones((n, 1))
    return Problem(mdp, sampling_markov(mdp, beh), features=np.eye(n), target=beh)


def test_markov_mode_follows_one_trajectory():
    # TD(0), 3 steps on a 5-cycle: Markov runs touch s0, s0+1, s0+2 (consecutive states),
    # i.i.d. runs touch three independent uniform states.
    p = _cycle()
    for mode, consecutive in (("markov", True), ("iid", False)):
        sim = simulate_td("td0", p, "1", runs=60, steps=3, seed=2, records=1, mode=mode)
        touched = [set(np.flatnonzero(th != 0)) for th in sim.theta_final]
        ok = [len(t) == 3 and any(t == {(s + j) % 5 for j in range(3)} for s in range(5))
              for t in touched]
        if consecutive:
            assert all(ok)
        else:  # P(all 60 i.i.d. runs look consecutive) = (5 * 3! / 5^3)^60 ~ 1e-38
            assert not all(ok)
    # values along the Markov path: theta(s0) = alpha_0 = 1, then theta(s0+1) = 1/2, ...
    sim = simulate_td("td0", p, "1", runs=1, steps=3, seed=2, records=1, mode="markov")
    assert sorted(sim.theta_final[0][sim.theta_final[0] != 0]) == [pytest.approx(1 / 3),
                                                                   pytest.approx(1 / 2), 1.0]


@pytest.mark.parametrize("mode", ["iid", "markov"])
def test_same_seed_same_runs_whatever_batch(mode):
    p = load_problem("random-walk-5")
    a = simulate_td("tdc-m4", p, "0.6,0.7,0.8,0.9", runs=3, steps=500, seed=9, mode=mode)
    b = simulate_td("tdc-m4", p, "0.6,0.7,0.8,0.9", runs=5, steps=500, seed=9, mode=mode,
                    batch=2)
    c = simulate_td("tdc-m4", p, "0.6,0.7,0.8,0.9", runs=5, steps=500, seed=9, mode=mode,
                    batch=1, records=7)
    np.testing.assert_array_equal(a.theta_final, b.theta_final[:3])
    np.testing.assert_array_equal(b.theta_final, c.theta_final)
    other = simulate_td("tdc-m4", p, "0.6,0.7,0.8,0.9", runs=3, steps=500, seed=10, mode=mode)
    assert not np.array_equal(a.theta_final, other.theta_final)


def test_markov_and_iid_both_approach_theta_star():
    p = load_problem("random-walk-5")
    runs = {m: simulate_td("gtd2-m3", p, "0.51,0.53,0.55", 1.0, (4.0, 4.0, 4.0), runs=10,
                           steps=100_000, seed=0, mode=m) for m in ("iid", "markov")}
    assert not np.array_equal(runs["iid"].theta_final, runs["markov"].theta_final)
    for sim in runs.values():
        d = np.linalg.norm(sim.theta_final - sim.theta_star, axis=1)
        assert np.median(d) < 0.1 * np.linalg.norm(sim.theta_star)


def test_cli_mode(capsys):
    assert main(["simulate", "gtd2-m4", "random-walk-5", "--runs", "3", "--steps", "200",
                 "--mode", "markov", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["mode"] == "markov" and doc["algorithm"] == "gtd2-m4"
    assert main(["simulate", "gtd2", "random-walk-5", "--mode", "batch"]) == 2  # usage error
    err = capsys.readouterr().err
    assert "--mode" in err and "Traceback" not in err
    assert main(["simulate", "tdc-m3", "random-walk-5", "--scales", "1,0,1"]) == 2
    err = capsys.readouterr().err
    assert "scales" in err and "Traceback" not in err


def test_bad_mode_raises():
    from certify.errors import InvalidInput

    with pytest.raises(InvalidInput, match="mode"):
        simulate_td("gtd2", load_problem("random-walk-5"), "0.6,0.8", mode="sync")


def test_crossval_command_markov_and_refused():
    from certify.commands import get_command

    cmd = get_command("sa_crossval")
    ok = cmd.run(algorithm="tdc-m3", problem="random-walk-5", exponents="0.51,0.53,0.55",
                 runs=4, steps=3000, mode="markov")
    assert ok["verdict"] == "consistent" and ok["mode"] == "markov"
    assert ok["mean_recursion_distance_end"] < ok["distance_start"]
    bad = cmd.run(algorithm="gtd2-m3", problem="boyan-chain", exponents="0.35,0.35,0.45",
                  w=0.1, runs=2, steps=300)
    assert bad["check"] == "inconclusive" and bad["verdict"] == "inconclusive"
