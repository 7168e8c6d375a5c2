"""``crossval sa`` for the built-ins of certify.algorithms.td.variants (issue 17).

The emphatic TD(0) limit on the two-state off-policy chain is the hand value of
tests/test_td_variants.py (A_E = -17/5, b_E = f_1 * 2 * 1 = 19, theta* = 95/17); TDC(0) is
TDC, so its theta* is TDC's.
"""

from __future__ import annotations

import json

import pytest

from certify.algorithms.td.crossval import crossval_sa
from certify.cli import main
from certify.mdp import load_problem
from tests.test_td_variants import two_state_off_policy

pytest.importorskip("numba")

FAST = ["--runs", "4", "--steps", "1500", "--seed", "0"]


def test_etd0_on_the_off_policy_chain_is_consistent_where_td0_is_refuted():
    p = two_state_off_policy()
    doc = crossval_sa("etd0", p, "0.9", runs=20, steps=5000, seed=0)
    assert doc["check"] == "certified" and doc["verdict"] == "consistent"
    assert doc["mode"] == "iid" and doc["diverged_runs"] == 0
    assert doc["distance_start"] == pytest.approx(95 / 17)
    assert doc["distance_end"] < 0.01 * doc["distance_start"]
    assert doc["mean_recursion_distance_end"] < 1e-8
    td0 = crossval_sa("td0", p, "0.9", runs=4, steps=500, seed=0)
    assert td0["check"] == "refuted" and td0["verdict"] == "inconclusive"


def test_lambda_variant_end_to_end_via_the_cli(capsys):
    assert main(["crossval", "sa", "tdc-lambda", "random-walk-5", "--exponents", "0.6,0.8",
                 "--lam", "0", *FAST, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["algorithm"] == "tdc-lambda" and doc["lambda"] == 0.0
    assert doc["mode"] == "markov" and doc["check"] == "certified"
    assert doc["verdict"] == "consistent" and doc["distance_end"] < doc["distance_start"]
    plain = crossval_sa("tdc", load_problem("random-walk-5"), "0.6,0.8", runs=2, steps=10)
    assert doc["distance_start"] == pytest.approx(plain["distance_start"], rel=1e-12)
    # lambda > 0: (A:2) is undecided (Markov noise), so nothing is certified to hold runs to
    assert main(["crossval", "sa", "gtd2-lambda", "random-walk-5", "--exponents", "0.6,0.8",
                 "--lam", "0.5", *FAST, "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["lambda"] == 0.5 and doc["check"] == "inconclusive"
    assert doc["verdict"] == "inconclusive" and doc["diverged_runs"] == 0


def test_gq0_runs_and_actor_critic_is_refused(capsys):
    assert main(["crossval", "sa", "gq0", "boyan-chain", "--exponents", "0.6,0.8", *FAST,
                 "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    # certified, but 1,500 steps close under 5 % of the distance to theta* (about 104 on
    # Boyan's chain): too short to show anything, so inconclusive rather than consistent
    assert doc["algorithm"] == "gq0" and doc["check"] == "certified"
    assert 0.9 * doc["distance_start"] < doc["distance_end"] < doc["distance_start"]
    assert doc["verdict"] == "inconclusive" and "too short" in doc["note"]
    assert main(["crossval", "sa", "actor-critic", "random-walk-5", "--exponents",
                 "0.6,0.8"]) == 2
    err = capsys.readouterr().err
    assert "actor-critic" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, needle", [
    (["gtd2-lambda", "random-walk-5", "--exponents", "0.6,0.8"], "--lam"),
    (["tdc", "random-walk-5", "--exponents", "0.6,0.8", "--lam", "0.5"], "trace"),
    (["etd0", "random-walk-5", "--exponents", "0.7", "--w", "0.5"], "momentum"),
    (["etd0", "random-walk-5", "--exponents", "0.7", "--mode", "markov"], "i.i.d."),
    (["tdc-lambda", "random-walk-5", "--exponents", "0.6,0.8", "--lam", "0.5", "--mode",
      "iid"], "markov"),
])
def test_bad_combinations_are_one_line_errors(argv, needle, capsys):
    assert main(["crossval", "sa", *argv, "--runs", "2", "--steps", "10"]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
