"""Cross-validation that can reject: the two-sided late-window fit on seed-sls tells the
certified JSR from a too-fast rate (violated), a too-slow one (loose) and the row-sum rate."""

from __future__ import annotations

import numpy as np
import pytest

from certify import load_problem
from certify.algorithms.qlearning.crossval import RateFit, crossval_qlearning, fit_late_rate, rate_verdict


@pytest.fixture(scope="module")
def noise_free_01():
    return crossval_qlearning(load_problem("seed-sls"), 0.1, runs=200, steps=20_000, noise=0.0,
                              n_boot=100)


def test_noise_free_fit_excludes_row_sum_rate(noise_free_01):
    res = noise_free_01
    f = res.fit
    assert res.row_sum_rate == pytest.approx(0.999, abs=1e-12)  # 1 - 0.1 * 0.1 * (1 - 0.9)
    assert f.lo <= f.rate <= f.hi < 0.999  # the runs decay faster than the row-sum rate
    assert f.compare["row-sum rate"]["relation"].endswith("excluded")
    # the greedy runs follow rho(A_pi*) = 0.998834 (exact bracket); the fit finds it
    assert f.compare["lower comparison rho(A_pi*)"]["rate"] == pytest.approx(0.99883385, abs=1e-8)
    assert f.lo <= 0.99883385 <= f.hi
    assert res.verdict == "consistent"  # the certified JSR 0.998894 bounds every switching
    by = {p.name: p for p in res.predictions}
    assert by["transient rate"].verdict == "consistent"
    for name in ("reference-filter bound (certificate)", "mean-square bound (E||e|| <= sqrt(E||e||^2))"):
        obs = by[name].observed
        assert 0 < obs["worst_ratio"] <= 1 and "worst observed/bound ratio" in by[name].evidence


@pytest.mark.parametrize("rate, verdict", [(0.98, "violated"), (0.9999, "loose")])
def test_claimed_rates_at_alpha_05(rate, verdict):
    res = crossval_qlearning(load_problem("seed-sls"), 0.5, runs=100, steps=6000, noise=0.0,
                             claimed_rate=rate, n_boot=100)
    assert {p.name: p for p in res.predictions}["transient rate"].verdict == verdict
    assert res.verdict == verdict


def test_rate_verdict_closed_form():
    fit = RateFit(0.99, 0.989, 0.991, 0.0, (0, 100), 10)
    assert rate_verdict(fit, 0.95, 0.995)[0] == "violated"
    assert rate_verdict(fit, 0.99, 0.995)[0] == "consistent"
    assert rate_verdict(fit, 0.993, 0.995)[0] == "consistent"  # above the fit, below the JSR
    assert rate_verdict(fit, 0.999, 0.995)[0] == "loose"


def test_late_fit_recovers_a_known_rate():
    # m_k = 0.5^... : two modes, the slow one 0.995 dominates the late window
    k = np.arange(0, 4000, 20, dtype=float)
    rng = np.random.default_rng(0)
    runs = (0.995**k + 0.9**k)[None, :] * rng.uniform(0.9, 1.1, size=(50, 1))
    fit = fit_late_rate(k, runs, noise_free=True, n_boot=100)
    assert fit.rate == pytest.approx(0.995, abs=1e-6)
    assert fit.lo <= 0.995 <= fit.hi
