"""Mean-field PG: drift, C2 / L bounds against sampled values, coupled contraction."""

import math

import numpy as np
import pytest

from certify.algorithms.pg.constants import (
    bound_constants,
    sampled_c2,
    sampled_lipschitz,
    w1_empirical,
    w2_empirical,
)
from certify.algorithms.pg.coupling import coupled_run
from certify.algorithms.pg.meanfield import (
    drift_weights,
    initial_particles,
    make_meanfield,
    unit_outputs,
    value_drift,
)
from certify.errors import InvalidInput
from certify.mdp import FiniteMDP, builtin_problem
from certify.verdict import Verdict


def bandit_mf(kappa=50.0, width=2):
    mdp = FiniteMDP(np.ones((1, 3, 1)), [[1.0, 0.5, 0.0]], 0.0, name="bandit", layout="SAS")
    return make_meanfield(mdp, 0.1, 1.0, kappa, width)


def garnet_mf():
    return make_meanfield(builtin_problem("garnet:3:2:2:0").mdp, 0.2, 1.0, 1.0, 2,
                          mu=[0.3, 0.7], rho=[0.2, 0.3, 0.5])


def test_drift_is_gradient_of_first_variation():
    mf = garnet_mf()
    rng = np.random.default_rng(1)
    nu = initial_particles(mf, 16, rng)
    w, _ = drift_weights(mf, nu)
    point = rng.standard_normal((1,) + mf.particle_shape)

    def first_variation(p):  # dV/dnu(nu, theta) = sum_i W_i f(i, theta)
        psi, h = unit_outputs(mf, p)
        return float(np.einsum("nk,nki,i->", psi, h, w))

    g = value_drift(mf, w, point).reshape(-1)
    flat, hstep = point.reshape(-1), 1e-6
    fd = [(first_variation((flat + e).reshape(point.shape))
           - first_variation((flat - e).reshape(point.shape))) / (2 * hstep)
          for e in np.eye(flat.size) * hstep]
    np.testing.assert_allclose(g, fd, atol=1e-8)


def test_bound_constants_hand_values():
    c = bound_constants(bandit_mf())
    delta = 1.0 + 2 * 0.1 * 2  # span R + 2 tau K (gamma = 0)
    assert float(c.delta) == pytest.approx(delta, rel=1e-12)
    assert float(c.lip) == pytest.approx(6 * (delta + delta / 2 + 0.2), rel=1e-12)  # 3K, K = 2
    s2 = 4 * math.sqrt(3) / 9
    h2 = np.linalg.eigvalsh([[s2, math.sqrt(3)], [math.sqrt(3), 3 * s2]]).max()
    assert float(c.c2) == pytest.approx(delta / 2 * h2, rel=1e-12)
    assert float(c.c2) >= delta / 2 * h2 * (1 - 1e-15)
    assert c.verdict is Verdict.CERTIFIED and float(c.beta) == pytest.approx(
        25 - float(c.c2) - float(c.lip), rel=1e-12)


@pytest.mark.parametrize("make", [bandit_mf, garnet_mf])
def test_bounds_exceed_sampled_values(make):
    mf = make()
    c = bound_constants(mf)
    rng = np.random.default_rng(2)
    for scale in (0.5, 1.0, 3.0):
        nu = scale * initial_particles(mf, 24, rng)
        nu2 = scale * initial_particles(mf, 24, rng, 0.3)
        pts = scale * initial_particles(mf, 3, rng)
        w, _ = drift_weights(mf, nu)
        assert np.abs(w).sum() <= float(c.weight_l1)
        assert 0 < sampled_c2(mf, nu, pts) <= float(c.c2)
        assert 0 < sampled_lipschitz(mf, nu, nu2, pts) <= float(c.lip)


def test_empirical_wasserstein_on_known_configuration():
    a = np.array([[0.0], [1.0]]).reshape(2, 1, 1)
    b = np.array([[1.0], [3.0]]).reshape(2, 1, 1)
    assert w1_empirical(a, b) == pytest.approx(1.5)  # pairing 0->1, 1->3
    assert w2_empirical(a, b) == pytest.approx(math.sqrt((1 + 4) / 2))


def test_coupled_contraction_against_exp_beta_t():
    mf = bandit_mf()
    res = coupled_run(mf, 32, 0.001, 200, seed=3)
    beta = float(res.constants.beta)
    assert beta > 0 and res.verdict == "consistent" and res.violations == 0
    bound = res.distance[0] * np.exp(-beta * res.times)
    assert np.all(res.distance <= bound * (1 + 1e-12))
    assert np.all(res.w2 <= res.distance[:: max(1, 200 // 20)][: len(res.w2)] + 1e-12)
    assert res.empirical_rate >= beta


def test_coupling_inconclusive_when_beta_not_positive():
    res = coupled_run(garnet_mf(), 32, 0.01, 5, seed=0)
    assert float(res.constants.beta) <= 0 and res.verdict == "inconclusive"


def test_few_particles_warn():
    with pytest.warns(UserWarning, match="too few"):
        coupled_run(bandit_mf(), 4, 0.001, 2)


@pytest.mark.parametrize("kw, field", [({"sigma": 0.0}, "sigma"), ({"kappa": -1.0}, "kappa"),
                                       ({"tau": 0.0}, "tau"), ({"width": 0}, "width")])
def test_bad_input(kw, field):
    args = {"tau": 0.1, "sigma": 1.0, "kappa": 1.0, "width": 2} | kw
    with pytest.raises(InvalidInput, match=field):
        make_meanfield(builtin_problem("garnet:3:2:2:0").mdp, **args)


def test_grad_f_sq_bound_is_the_exact_supremum():
    """sup |grad f|^2 = 3K: never exceeded on random particles, approached at c -> inf, u = 0."""
    from certify.algorithms.pg.meanfield import unit_outputs

    mf = garnet_mf()
    bound = float(bound_constants(mf).grad_f_sq)
    assert bound == 3 * mf.width
    rng = np.random.default_rng(3)
    theta = 3 * rng.standard_normal((400,) + mf.particle_shape)
    p, h = unit_outputs(mf, theta)
    y_sq = (mf.features ** 2).sum(axis=1)  # |y(s, a)|^2 = 3
    g2 = ((1 - p**2)[..., None] ** 2 * h**2 + (p**2)[..., None] * (1 - h**2) ** 2 * y_sq).sum(1)
    assert g2.max() <= bound
    extreme = np.zeros((1,) + mf.particle_shape)
    extreme[..., 0] = 20.0  # psi(c) = 1 to double precision, z = 0 so h = 0
    p, h = unit_outputs(mf, extreme)
    g2 = ((1 - p**2)[..., None] ** 2 * h**2 + (p**2)[..., None] * (1 - h**2) ** 2 * y_sq).sum(1)
    assert g2.max() == pytest.approx(bound, rel=1e-12)
