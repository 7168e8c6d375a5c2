"""Cross-validation: consistent for the certified rate, catches a wrong certificate."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from certify.algorithms.qlearning.crossval import check_curve, crossval_qlearning, fit_transient_rate
from certify.cli import main
from certify.mdp import load_problem


def test_fit_recovers_known_rate():
    rng = np.random.default_rng(0)
    k = np.arange(0, 1200, 5)  # the last 20% sit on the floor 0.001
    runs = 0.98 ** k[None, :] * (1 + 0.01 * rng.standard_normal((50, k.size))) + 0.001
    fit = fit_transient_rate(k, runs)
    assert fit.rate == pytest.approx(0.98, abs=2e-4)
    assert fit.lo <= 0.98 + 2e-4 and fit.hi >= 0.98 - 2e-4


@pytest.fixture(scope="module")
def results():
    p = load_problem("seed-sls")
    good = crossval_qlearning(p, 0.5, runs=60, steps=3000, noise=0.5, n_boot=50)
    bad = crossval_qlearning(p, 0.5, runs=60, steps=3000, noise=0.5, claimed_rate=0.98, n_boot=50)
    return good, bad


def test_certified_rate_consistent(results):
    good, _ = results
    assert good.verdict == "consistent"
    assert good.rate == pytest.approx(0.99446837, abs=1e-7)  # exact direct JSR of seed-sls at 0.5
    assert good.fit.hi < good.rate  # empirically faster than the worst case


def test_wrong_certificate_is_caught(results):
    _, bad = results
    assert bad.verdict == "violated"
    by_name = {p.name: p for p in bad.predictions}
    assert by_name["transient rate"].verdict == "violated"
    mr = by_name["mean recursion in the certificate norm"]
    assert mr.verdict == "violated" and mr.observed["ratio"] > 1


def test_cli_json_and_exit_codes(tmp_path):
    out = subprocess.run([sys.executable, "-m", "certify", "crossval", "seed-sls", "--alpha", "0.5",
                          "--runs", "30", "--steps", "2000", "--noise", "0.5", "--json",
                          "--rate", "0.98", "--plot", str(tmp_path / "cv.png")],
                         capture_output=True, text=True)
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert doc["verdict"] == "violated"
    assert {"name", "predicted", "observed", "verdict", "evidence"} <= set(doc["predictions"][0])
    assert (tmp_path / "cv.png").stat().st_size > 1000


@pytest.mark.parametrize("argv", [["seed-sls", "--alpha", "0.5", "--runs", "0"],
                                  ["seed-sls", "--alpha", "0.5", "--seed", "x"],
                                  ["seed-sls"],
                                  ["no-such-mdp", "--alpha", "0.5"],
                                  ["seed-sls", "--alpha", "1.5"]])
def test_cli_bad_input_exit_2(argv, capsys):
    assert main(["crossval", *argv]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_qlearning_word_is_the_same_form(capsys):
    """`certify crossval qlearning MDP` (as `certify simulate qlearning MDP`) runs the form
    `certify crossval MDP`: the same JSON document, and the same usage errors."""
    argv = ["seed-sls", "--alpha", "0.5", "--runs", "4", "--steps", "300", "--json"]
    docs = []
    for prefix in ([], ["qlearning"]):
        main(["crossval", *prefix, *argv])
        docs.append(json.loads(capsys.readouterr().out))
    assert docs[0] == docs[1] and docs[0]["predictions"]
    assert main(["crossval", "qlearning", "seed-sls"]) == 2
    err = capsys.readouterr().err
    assert "--alpha" in err and "certify crossval qlearning" in err and "Traceback" not in err


def test_help_mentions_both_forms(capsys):
    code = main(["crossval", "--help"])  # in process: --help exits 0 through main's outcome
    out = capsys.readouterr().out
    assert code == 0 and "crossval [qlearning] MDP --alpha" in out and "crossval KEY" in out


def test_one_run_gives_no_confidence_interval():
    # bootstrap resamples of a single run are all that run: a zero-width "95% CI" is no interval
    k = np.arange(0, 1200, 5)
    one = (0.98 ** k + 0.001)[None, :]
    fit = fit_transient_rate(k, one)
    assert fit.rate == pytest.approx(0.98, abs=1e-3)
    assert np.isnan(fit.lo) and np.isnan(fit.hi)


def test_no_interval_is_inconclusive_not_a_verdict():
    p = load_problem("seed-sls")
    res = crossval_qlearning(p, 0.5, runs=1, steps=3000, noise=0.5, n_boot=20)
    by = {q.name: q for q in res.predictions}
    assert by["transient rate"].verdict == "inconclusive"
    # a claimed rate far too small still fails the sure (noise-free) check with one run
    bad = crossval_qlearning(p, 0.5, runs=1, steps=3000, noise=0.5, n_boot=20, claimed_rate=0.98)
    assert bad.verdict == "violated"
    assert {q.name: q for q in bad.predictions}["mean recursion in the certificate norm"].verdict \
        == "violated"


def test_one_run_above_an_expectation_bound_is_not_a_violation():
    # a bound on E||e_k|| says nothing about one sample: with one run (no standard error)
    # the check cannot conclude either way
    times = np.array([0, 1, 2])
    bound = np.array([1.0, 0.5, 0.25])
    one = np.array([[1.0, 0.6, 0.2]])
    assert check_curve("c", times, bound, one, 4.0, {}).verdict == "inconclusive"
    two = np.array([[1.0, 0.6, 0.2], [1.0, 0.6, 0.2]])  # sem 0 with two equal runs: a violation
    assert check_curve("c", times, bound, two, 4.0, {}).verdict == "violated"
    below = np.array([[1.0, 0.4, 0.2]])
    assert check_curve("c", times, bound, below, 4.0, {}).verdict == "consistent"
