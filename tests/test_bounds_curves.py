"""Bound curves against hand-computed constants on the 2x2 seed-sls instance."""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.qlearning.bounds import (
    MaxNormBound,
    noise_constants,
    quadratic_curve,
    reference_filter_bound,
    row_sum_reference_bound,
)
from certify.mdp import load_problem


@pytest.fixture(scope="module")
def sls():
    return load_problem("seed-sls")


def test_noise_constants_by_hand(sls):
    # R_max = 1, b = 0.5, gamma = 0.9: q_bar = 1.5 / 0.1 = 15, td_bar = 1.5 + 1.9 * 15 = 30
    nc = noise_constants(sls.mdp, 0.0, 0.5)
    assert nc.q_bar == pytest.approx(15.0) and nc.td_bar == pytest.approx(30.0)
    assert nc.w_inf == pytest.approx(60.0) and nc.W == pytest.approx(900.0)


def test_row_sum_reference_bound_by_hand(sls):
    d = sls.sampling.d  # (0.1, 0.2, 0.3, 0.4)
    alpha, nc = 0.5, noise_constants(sls.mdp, 0.0, 0.5)
    b = row_sum_reference_bound(sls.mdp, d, 0.995, alpha, nc)
    # w = 1: c = max alpha gamma d_i = 0.5 * 0.9 * 0.4 = 0.18
    assert b.c == pytest.approx(0.18)
    # Z^2 = sum alpha td^2 / (2 - alpha d_i) = 450 * (1/1.95 + 1/1.9 + 1/1.85 + 1/1.8)
    z2 = 450 * (1 / 1.95 + 1 / 1.9 + 1 / 1.85 + 1 / 1.8)
    assert b.z_inf == pytest.approx(np.sqrt(z2))
    assert b.floor() == pytest.approx(np.sqrt(z2) * (1 + 0.18 / 0.005))
    # at k = 0 the curve is w_max ||e_0||_w = ||e_0||_inf (Z_0 = 0)
    assert b.curve(np.array([0]), 10.0)[0] == pytest.approx(10.0)
    # at k = 1: Z_1^2 = sum alpha td^2 (1 - (1 - alpha d)^2)/(2 - alpha d) = sum alpha^2 d td^2
    k1 = b.curve(np.array([1]), 10.0)[0]
    z1 = np.sqrt(0.25 * 900 * d.sum())
    assert k1 == pytest.approx(0.995 * 10 + z1 + 0.18 * np.sqrt(z2))


def test_reference_filter_bound_weighted(sls):
    w = np.array([1.0, 0.5, 0.8, 0.4])
    nc = noise_constants(sls.mdp)
    b = reference_filter_bound(sls.mdp, sls.sampling.d, w, 0.99, 0.5, nc)
    # (P max_a w)(s, a): max_a w = (1.0, 0.8); P rows (0.9, 0.1), (0.2, 0.8), (0.3, 0.7), (0.6, 0.4)
    pw = np.array([0.98, 0.84, 0.86, 0.92])
    c = np.max(0.45 * sls.sampling.d * pw / w)
    assert b.c == pytest.approx(c) and b.w_min == 0.4 and b.w_max == 1.0


def test_quadratic_curve_identity_matrix(sls):
    nc = noise_constants(sls.mdp)  # td_bar = 1 + 1.9 * 10 = 20, W = 400
    qc = quadratic_curve(np.eye(4), 0.9, 0.5, nc)
    assert qc.floor() == pytest.approx(np.sqrt(0.25 * 400 / 0.19))
    assert qc.curve(np.array([0]), 4.0)[0] == pytest.approx(2.0)


def test_existing_max_norm_bound_unchanged():
    b = MaxNormBound(0.5, 2.0, 0.1, 3.0)
    assert b.floor() == pytest.approx(0.1 * 2 * 3 / 0.5)
    assert b.curve(np.array([1.0]), 4.0)[0] == pytest.approx(2 * 0.5 * 4 + 0.1 * 2 * 3 * 0.5 / 0.5)


def test_stored_constants_are_rounded_up():
    # the constants are printed and stored as bounds: read as exact rationals they must be >=
    # the exact value of their formula on the same floats (round-to-nearest can land below)
    from fractions import Fraction as F

    from certify.algorithms.qlearning.bounds import max_norm_bound
    from certify.mdp import FiniteMDP

    rng = np.random.default_rng(1)
    low = {"q_bar": 0, "td_bar": 0, "kappa": 0, "floor": 0}
    for _ in range(300):
        gamma = float(rng.uniform(0.1, 0.99))
        R = rng.uniform(-3, 3, size=(2, 2))
        mdp = FiniteMDP(np.full((2, 2, 2), 0.5), R, gamma, layout="SAS")
        b = float(rng.uniform(0, 1))
        nc = noise_constants(mdp, 0.0, b)
        r_max = F(mdp.r_max) + F(b)
        q_bar = r_max / (1 - F(gamma))
        td_bar = r_max + (1 + F(gamma)) * q_bar
        low["q_bar"] += F(nc.q_bar) < q_bar
        low["td_bar"] += F(nc.td_bar) < td_bar
        assert F(nc.w_inf) >= 2 * F(nc.td_bar) and F(nc.W) >= F(nc.td_bar) ** 2
        w = rng.uniform(0.1, 3, size=4)
        rho, alpha = float(rng.uniform(0.5, 0.999)), float(rng.uniform(0.01, 1))
        mb = max_norm_bound(w, rho, alpha, nc)
        kappa = F(float(w.max())) / F(float(w.min()))
        low["kappa"] += F(mb.kappa) < kappa
        low["floor"] += F(mb.floor()) < F(alpha) * F(mb.kappa) * F(mb.w_inf) / (1 - F(rho))
    assert low == {"q_bar": 0, "td_bar": 0, "kappa": 0, "floor": 0}
