"""Mean-square finite-time bounds (certify.algorithms.qlearning.meansquare), ``certify qlearning --steps``
and ``certify stepsize``: the bounds are held against Monte-Carlo runs and closed forms."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify import load_problem
from certify.algorithms.qlearning.meansquare import (
    _check_lmi,
    _rational_symmetric,
    column_rate,
    exact_model,
    maxnorm_rate,
    mean_square_bound,
    pow_up,
)
from certify.algorithms.qlearning.simulate import simulate_qlearning
from certify.cli import main
from certify.mdp import sampling_from_d
from certify.mdp.sampling import uniform_sampling
from tests.helpers import random_d, random_mdp


def _seed_sls():
    p = load_problem("seed-sls")
    return p, p.sampling or uniform_sampling(p.mdp)


@pytest.fixture(scope="module")
def seed_sls_runs():
    """1000 runs of seed-sls with reward noise 0.5 at K = 20000, at two step sizes."""
    p, s = _seed_sls()
    out = {}
    for a in (0.02, 0.1):
        sim = simulate_qlearning(p, a, s, runs=1000, steps=20_000, seed=3, noise=0.5,
                                 times=np.array([0, 20_000]))
        out[a] = (sim.errors[:, -1], mean_square_bound(p.mdp, s, a, 0.5, 20_000))
    return out


@pytest.mark.parametrize("alpha", [0.02, 0.1])
def test_bound_holds_and_binds_on_seed_sls(seed_sls_runs, alpha):
    err, ms = seed_sls_runs[alpha]
    rms = float(np.sqrt((err**2).mean()))
    assert ms.verdict == "certified"
    assert ms.trivial == pytest.approx(30.0, rel=1e-12)  # 2 (R_max + b) / (1 - gamma) = 3 / 0.1
    assert rms <= ms.bound < ms.trivial
    # it binds: within 10x of the simulated mean error (measured 0.17 and 0.35)
    assert ms.bound <= 10 * float(err.mean())
    assert ms.best.route.startswith("second-moment LMI")


@pytest.mark.slow
def test_floor_halves_with_alpha_on_seed_sls():
    p, s = _seed_sls()
    f = [mean_square_bound(p.mdp, s, a, 0.5, 10**9).best.floor for a in (0.1, 0.05)]
    assert f[0] / f[1] == pytest.approx(2.0, rel=0.1)


def test_floor_halves_with_alpha_on_garnet():
    p = load_problem("garnet:50:4:3:0")
    s = p.sampling or uniform_sampling(p.mdp)
    f = [mean_square_bound(p.mdp, s, a, 0.5, 10**9).best.floor for a in (0.01, 0.005)]
    assert f[0] / f[1] == pytest.approx(2.0, rel=0.1)


def test_row_sum_rates_closed_form():
    # w = 1: the max-norm rate is the row-sum rate 1 - alpha d_min (1 - gamma), exactly
    p, s = _seed_sls()
    m = exact_model(p.mdp, s, 0.1, 0.0)
    assert maxnorm_rate(m, [Fraction(1)] * 4) == 1 - m.alpha * min(m.d) * (1 - m.gamma)
    # column sums of |A_sigma| are >= the row sums' complement: never below 1 - alpha d_max
    assert column_rate(m, [Fraction(1)] * 4) >= 1 - m.alpha * max(m.d)


def test_pow_up_is_an_upper_bound():
    x = Fraction(9999, 10000)
    assert pow_up(x, 50) >= x**50
    assert pow_up(x, 50) - x**50 < Fraction(1, 10**20)


def test_forged_lmi_is_refused():
    p, s = _seed_sls()
    m = exact_model(p.mdp, s, 0.1, 0.5)
    X = _rational_symmetric(np.eye(4))
    assert not _check_lmi(m, X, Fraction(1, 2), Fraction(1))  # beta = 1/2 is far too fast


def test_route_certificate_reused_at_other_steps():
    p, s = _seed_sls()
    ms = mean_square_bound(p.mdp, s, 0.05, 0.5, 5000)
    r = ms.best
    assert float(r.bound_ms_at(5000)) <= r.bound_ms * (1 + 1e-12)
    assert r.steps_to(1.0) is None  # the floor (about 1.34) is above 1.0^2
    k = r.steps_to(1.5)
    assert k is not None and r.bound_ms_at(k) <= Fraction(9, 4) < r.bound_ms_at(k - 1)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6))
def test_property_bound_above_simulation(seed):
    _property_case(seed)


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6))
def test_property_bound_above_simulation_50(seed):
    _property_case(seed)


def _property_case(seed: int) -> None:
    rng = np.random.default_rng(seed)
    S, A = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    mdp = random_mdp(rng, S, A, gamma=float(rng.uniform(0.5, 0.95)))
    samp = sampling_from_d(mdp, random_d(rng, S * A))
    a, b, K = float(rng.uniform(0.05, 0.8)), float(rng.uniform(0, 1)), int(rng.choice([200, 2000]))
    ms = mean_square_bound(mdp, samp, a, b, K)
    sim = simulate_qlearning(mdp, a, samp, runs=200, steps=K, seed=seed, noise=b,
                             times=np.array([0, K]))
    e = sim.errors[:, -1]
    sem = float(e.std(ddof=1) / np.sqrt(e.size))
    # the bound is on sqrt(E||e_K||^2) >= E||e_K||: the sample mean may exceed it only by noise
    assert float(e.mean()) <= ms.bound + 4 * sem
    assert ms.bound <= ms.trivial


def test_cli_qlearning_mean_square_json(tmp_path):
    q0 = tmp_path / "q0.json"
    q0.write_text(json.dumps([[1.0, 2.0], [0.0, 0.5]]))
    out = subprocess.run([sys.executable, "-m", "certify", "qlearning", "seed-sls", "--alpha",
                          "0.05", "--noise", "0.5", "--steps", "20000", "--q0", str(q0),
                          "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    ft = json.loads(out.stdout)["finite_time"]
    ms = ft["mean_square"]
    assert {"rate", "floor", "bound", "steps", "trivial", "verdict"} <= set(ms)
    assert ms["steps"] == 20000 and ms["verdict"] == "certified"
    assert 0.246 <= ms["bound"] < ms["trivial"]  # 0.246: simulated mean error from Q_0 = 0
    assert ft["max_norm"]["kind"] == "worst case (pathwise)"


@pytest.mark.parametrize("extra", [["--q0", "missing.json"], ["--noise", "-1"], ["--q0", "BAD"]])
def test_cli_qlearning_bad_input_exit_2(extra, capsys, tmp_path):
    if extra[-1] == "BAD":
        (tmp_path / "q0.txt").write_text("1 2 3\n")
        extra = ["--q0", str(tmp_path / "q0.txt")]
    assert main(["qlearning", "seed-sls", "--alpha", "0.1", "--steps", "10", *extra]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow
def test_cli_stepsize_json():
    out = subprocess.run([sys.executable, "-m", "certify", "stepsize", "seed-sls", "--steps",
                          "20000", "--noise", "0.5", "--target", "1.0", "--json"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    # the minimiser lies where the simulated error is smallest (alpha ~ 0.02: mean 0.17)
    assert 0.01 <= doc["alpha"] <= 0.05
    assert doc["bound"] <= 1.7 and doc["verdict"] == "certified"
    assert doc["steps_to_target"] is not None
    assert {r["reference"].split(",")[0] for r in doc["literature"]} >= {"Li", "Qu and Wierman"}
    assert all(r["note"].startswith("order only") for r in doc["literature"])


def test_diminishing_schedule_bound_holds_on_seed_sls():
    from certify.algorithms.qlearning.diminishing import diminishing_route
    from certify.simulate.schedule import StepSize

    p, s = _seed_sls()
    r = diminishing_route(p.mdp, s, 100.0, 2000.0, 0.5, 20_000)
    assert r is not None and r.params["alpha_max"] == 0.05
    sim = simulate_qlearning(p, StepSize(100.0, 2000.0, 1.0), s, runs=500, steps=20_000, seed=4,
                             noise=0.5, times=np.array([0, 20_000]))
    e = sim.errors[:, -1]
    rms = float(np.sqrt((e**2).mean()))  # measured 0.58
    assert rms <= r.bound < 30.0
    assert r.bound <= 10 * float(e.mean())
