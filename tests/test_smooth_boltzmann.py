"""Boltzmann: certified enclosure of sup ||grad h_bz||_1 for m = 2..6 and its use in verdicts."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from certify.algorithms.smooth.analysis import analyze_smooth
from certify.algorithms.smooth.moduli import sup_norm_modulus
from certify.certificates.pnorm import check_boltzmann_bound
from certify.errors import InvalidInput
from certify.exact.boltzmann import boltzmann_grad_sup
from certify.mdp import FiniteMDP
from certify.mdp.bellman import smooth_max, smooth_max_grad
from certify.verdict import Verdict


def grad_l1(q):
    return float(np.abs(smooth_max_grad(np.asarray(q, dtype=float), "boltzmann", 1.0)).sum())


def test_two_actions_literature_value():
    enc = boltzmann_grad_sup(2)
    assert enc.upper - enc.lower < Fraction(1, 10 ** 12)
    assert Fraction("1.199678640255") <= enc.lower <= enc.upper <= Fraction("1.199678640265")
    # the maximiser x* solves g'(x) = 0 for g(x) = 1 + 2 (1 - s)(x s - 1): about 2.39936
    assert abs(float(enc.x_star) - 2.39936) < 1e-4


@pytest.mark.parametrize("m", [2, 3, 4, 5, 6])
def test_enclosure_against_independent_search(m):
    enc = boltzmann_grad_sup(m)
    assert 0 < enc.upper - enc.lower < Fraction(1, 10 ** 11)
    # the closed-form bound 1 + 2 (m - 1) e^-2 is never beaten by the enclosure
    assert float(enc.upper) <= 1 + 2 * (m - 1) * math.exp(-2)
    # independent: Nelder-Mead on the full m-dimensional q (no reduction) from random starts
    rng = np.random.default_rng(m)
    best = 0.0
    for _ in range(12):
        r = minimize(lambda q: -grad_l1(q), rng.normal(0, 3, m), method="Nelder-Mead",
                     options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000})
        best = max(best, -r.fun)
    assert best <= float(enc.upper) + 1e-12
    assert best >= float(enc.lower) - 1e-6
    # the witness point (x*, 0, ..., 0) reaches the lower end
    q = np.zeros(m)
    q[0] = float(enc.x_star)
    assert grad_l1(q) >= float(enc.lower) - 1e-12


def test_three_action_grid_is_below_the_enclosure():
    enc = boltzmann_grad_sup(3)
    x, y = np.meshgrid(np.linspace(-8, 8, 321), np.linspace(-8, 8, 321))
    q = np.stack([x, y, np.zeros_like(x)], axis=-1)
    vals = np.abs(smooth_max_grad(q, "boltzmann", 1.0)).sum(axis=-1)
    assert vals.max() <= float(enc.upper) + 1e-12
    assert vals.max() >= float(enc.lower) - 1e-3


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 6), st.lists(st.floats(-30, 30), min_size=6, max_size=6))
def test_random_points_never_exceed_the_upper_end(m, qs):
    assert grad_l1(qs[:m]) <= float(boltzmann_grad_sup(m).upper) + 1e-12


def test_values_for_three_to_six_actions():
    # reference values (independent Nelder-Mead, 200 restarts, full q): 1.3273290, 1.4224945, 1.4988153
    for m, ref in ((3, 1.327328986231), (4, 1.422494483078), (5, 1.498815270234)):
        assert abs(float(boltzmann_grad_sup(m).lower) - ref) < 1e-9
    assert boltzmann_grad_sup(1).upper == 1
    with pytest.raises(InvalidInput, match="m = 0"):
        boltzmann_grad_sup(0)


def test_check_bound_accepts_only_true_bounds():
    enc = boltzmann_grad_sup(3)
    assert check_boltzmann_bound(enc.upper, 3)
    assert not check_boltzmann_bound(enc.lower - Fraction(1, 10 ** 9), 3)
    assert check_boltzmann_bound(1 + Fraction(4) / Fraction(73890560989, 10 ** 10) + Fraction(1, 10 ** 6), 3)


def _mdp3(gamma):
    rng = np.random.default_rng(1)
    P = rng.dirichlet(np.ones(2), size=(2, 3))
    return FiniteMDP(P, rng.normal(size=(2, 3)), gamma, layout="SAS")


def test_sharp_modulus_certifies_what_the_closed_form_could_not():
    # gamma (1 + 4 e^-2) = 0.7 * 1.541 > 1, but gamma * 1.32733 = 0.929 < 1
    mod = sup_norm_modulus("boltzmann", 0.7, 3, 2.0)
    assert mod.verdict is Verdict.CERTIFIED and float(mod.upper) < 0.93
    res = analyze_smooth(_mdp3(0.7), "boltzmann", 2.0)
    assert res.p_norm.verdict is Verdict.CERTIFIED and res.p_norm.argument == "norm-equivalence"
    # hand: smallest even p with (0.7 * 1.3273290)^p * 6 < 1 -> p > ln 6 / -ln 0.92913 = 24.3 -> 26
    assert res.p_norm.p == 26
    doc = res.p_norm.certificate.to_dict()
    from certify.certificates.base import certificate_from_dict
    assert certificate_from_dict(doc).verify().certified
    doc["witness"]["grad_bound"] = "13/10"  # below the supremum 1.3273: not a bound, refused
    assert not certificate_from_dict(doc).verify().certified


def test_refusal_witness_for_three_actions():
    mod = sup_norm_modulus("boltzmann", 0.76, 3, 5.0)  # 0.76 * 1.32733 = 1.0088 > 1
    assert mod.verdict is Verdict.REFUTED
    q = np.array(mod.witness["q_row"])
    # independent: the gradient by central finite differences at the witness
    h = 1e-6
    fd = [(smooth_max(q + h * e, "boltzmann", 5.0) - smooth_max(q - h * e, "boltzmann", 5.0)) / (2 * h)
          for e in np.eye(3)]
    assert 0.76 * np.abs(fd).sum() > 1.008
    assert abs(mod.witness["jacobian_sup_norm_lower"] - 0.76 * np.abs(fd).sum()) < 1e-6
