"""Trade-off across p and cross-validation of the certified decay rate against the ODE."""

import itertools
import json

import numpy as np
import pytest

from certify.algorithms.smooth.analysis import analyze_smooth
from certify.algorithms.smooth.crossval import crossval_smooth
from certify.algorithms.smooth.decay import slow_modes
from certify.cli import main
from certify.mdp import load_problem
from certify.mdp.bellman import smooth_max_grad
from certify.verdict import Evidence


@pytest.fixture(scope="module")
def sls():
    return load_problem("seed-sls")


@pytest.fixture(scope="module")
def res(sls):
    return analyze_smooth(sls, "lse", 2.0)


def jacobian_rate(res):
    """Independent: -max Re eig of D (gamma P Pi_h - I) at the fixed point, built densely by hand."""
    mdp, d = res.mdp, np.asarray(res.sampling.d)
    S, A = mdp.n_states, mdp.n_actions
    g = smooth_max_grad(res.fixed_point, "lse", 2.0)
    J = np.zeros((S * A, S * A))
    for i in range(S * A):
        for s2 in range(S):
            for a2 in range(A):
                J[i, s2 * A + a2] = mdp.gamma * mdp.P[i // A, i % A, s2] * g[s2, a2]
    J = np.diag(d) @ (J - np.eye(S * A))
    return -np.linalg.eigvals(J).real.max()


def test_tradeoff_rows(res):
    tr = res.tradeoff
    assert [r.p for r in tr.rows] == [2, 4, 6, 8, 10, 12, 14]  # up to the plain threshold 14
    # young needs 0.9 (p + 1) < p, i.e. p >= 10 (hand); plain weights need 0.9^p * 4 < 1, p >= 14
    assert [r.p for r in tr.rows if r.best is not None] == [10, 12, 14]
    assert tr.default_p == res.p_norm.p == 10
    for r in tr.rows:
        if r.best is not None:
            cert = r.best.certificate
            assert cert.verify().certified and cert.p == r.p
            w = np.array([float(u) / float(d) for u, d in zip(cert.u, cert.d, strict=True)])
            assert r.best.sup_norm_constant == pytest.approx((w.sum() / w.min()) ** (1 / r.p))
    doc = res.to_dict()["p_tradeoff"]
    rates = {row["p"]: row["norm_decay_rate"] for row in doc["rows"]}
    assert rates[10] < rates[12] < rates[14] and doc["fastest_norm_rate_p"] == 14
    # at p = 14 both arguments certify; the table keeps the larger c
    row14 = doc["rows"][-1]["decay_rate_by_argument"]
    assert row14["young"] > row14["norm-equivalence"] > 0
    assert doc["rows"][-1]["decay_rate"] == row14["young"]


def test_worst_policy_matches_brute_force(res):
    mdp, d = res.mdp, np.asarray(res.sampling.d)
    modes = slow_modes(mdp, d, "lse", 2.0, res.fixed_point)
    S, A = mdp.n_states, mdp.n_actions
    best = None
    for pol in itertools.product(range(A), repeat=S):
        M = np.zeros((S * A, S * A))
        for i in range(S * A):
            for s2 in range(S):
                M[i, s2 * A + pol[s2]] = mdp.gamma * mdp.P[i // A, i % A, s2]
        rate = -np.linalg.eigvals(np.diag(d) @ (M - np.eye(S * A))).real.max()
        best = rate if best is None else min(best, rate)
    assert modes.worst_rate == pytest.approx(best, rel=1e-9)
    assert modes.linear_rate == pytest.approx(jacobian_rate(res), rel=1e-9)
    assert modes.worst_rate <= modes.linear_rate + 1e-12


def test_certified_rate_holds_from_adversarial_starts(res):
    cv = crossval_smooth(res, runs=0, starts=2)
    assert cv.verdict is Evidence.CONSISTENT
    starts = [c["start"] for c in cv.checks]
    assert sum("Perron vector of the worst policy" in s for s in starts) == 2
    assert sum("slowest mode" in s for s in starts) == 2 and len(starts) == 6
    mu = jacobian_rate(res)
    p = res.p_norm.p
    for c in cv.checks:
        assert c["points_checked"] > 100
        assert c["claimed_rate"] <= c["observed_rate"]
    # along the slowest mode, V can decay no faster than about p mu (linearisation at Q*)
    slow = [c for c in cv.checks if "slowest mode" in c["start"]]
    assert all(c["observed_rate"] <= 1.1 * p * mu for c in slow)


def test_wrong_rate_is_refuted(res):
    p = res.p_norm.p
    wrong = 1.2 * p * jacobian_rate(res)  # above the true asymptotic rate of V
    cv = crossval_smooth(res, runs=0, starts=0, rate=wrong)
    assert cv.verdict is Evidence.VIOLATED
    assert all(c["verdict"] == "violated" for c in cv.checks if "slowest mode" in c["start"])
    assert all(c["worst_excess"] > 1.0 for c in cv.checks if "slowest mode" in c["start"])


def test_cli_tradeoff_and_rate(capsys):
    assert main(["smooth", "seed-sls", "--operator", "lse", "--temperature", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["p_tradeoff"]["default_p"] == 10 and len(doc["p_tradeoff"]["rows"]) == 7
    assert main(["smooth", "seed-sls", "--operator", "lse", "--temperature", "2", "--no-tradeoff",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["p_tradeoff"] is None
    assert main(["smooth", "seed-sls", "--operator", "lse", "--temperature", "2"]) == 0
    assert "trade-off across p" in capsys.readouterr().out
    base = ["crossval", "smooth", "seed-sls", "--operator", "lse", "--temperature", "2", "--runs", "0",
            "--starts", "0"]
    assert main(base + ["--rate", "0.5", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["verdict"] == "violated"
    for bad in ("-1", "0", "nan"):
        assert main(base + ["--rate", bad]) == 2
        err = capsys.readouterr().err
        assert "rate" in err and "Traceback" not in err


def test_commands_registry_crossval():
    from certify.commands import get_command

    doc = get_command("smooth_crossval").run(mdp="seed-sls", operator="lse", temperature=2.0, runs=0,
                                             starts=0, rate=0.5)
    assert doc["verdict"] == "violated" and doc["analysis"]["p_norm"]["p"] == 10
