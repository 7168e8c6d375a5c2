"""The boundary shortcut of the local-rate concavity bound (certify.algorithms.pg.local_rate):
at a face p_s in {0, 1} of the policy cube row and column s of the value Hessian J vanish,
so no box meeting a face has -J >= mu I with mu > 0."""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.pg.local_rate import _ln_ratio, concavity, touches_boundary
from certify.algorithms.pg.structured import _PointValues, box_quantities, p_box_functions, two_action_data
from certify.algorithms.pg.tabular import policy_gradient
from certify.mdp import FiniteMDP


def random_mdp(rng, s):
    P = rng.dirichlet(np.ones(s), size=(s, 2))
    return FiniteMDP(P, rng.random((s, 2)), 0.9, name="random", layout="SAS")


def test_touches_boundary():
    assert touches_boundary(np.array([0.0, 0.2]), np.array([0.5, 0.6]))
    assert touches_boundary(np.array([0.1, 0.2]), np.array([1.0, 0.6]))
    assert not touches_boundary(np.array([0.1, 0.2]), np.array([0.9, 0.6]))


@pytest.mark.parametrize("seed", range(6))
def test_hessian_row_vanishes_on_a_face(seed):
    """The enclosure of J at a point with p_s = 0 or 1 has row and column s in a tiny
    interval around 0, and near the face the exact-gradient Hessian (central differences in
    x) tends to it: min eig(-J) <= 0 on any box meeting the face."""
    rng = np.random.default_rng(seed)
    s = int(rng.integers(2, 4))
    mdp = random_mdp(rng, s)
    mu, rho, tau = np.array([0.5, 0.5]), np.full(s, 1.0 / s), float(rng.uniform(0.2, 2.0))
    d = two_action_data(mdp, tau, mu, rho)
    pv = _PointValues(d.mu0, d.mu1)
    k = int(rng.integers(s))
    for face in (0.0, 1.0):
        p = rng.uniform(0.2, 0.8, size=s)
        p[k] = face
        _, _, jm = box_quantities(d, *p_box_functions(pv, p[None], p[None], _ln_ratio(d)))
        assert jm.mag[0, k].max() < 1e-12 and jm.mag[0, :, k].max() < 1e-12
    # brute force near the face: x_k -> -inf drives row k of the Hessian to 0
    x = rng.uniform(-1, 1, size=s)
    x[k] = -30.0
    th = np.zeros((s, 2))
    h = 1e-5

    def grad(xx):
        th[:, 1] = xx
        return policy_gradient(mdp, th, tau, mu, rho)[0][:, 1]

    jac = np.array([(grad(x + h * e) - grad(x - h * e)) / (2 * h) for e in np.eye(s)])
    assert np.abs(jac[k]).max() < 1e-6


def test_concavity_is_none_on_a_box_meeting_the_boundary():
    rng = np.random.default_rng(3)
    mdp = random_mdp(rng, 2)
    d = two_action_data(mdp, 1.0, np.array([0.5, 0.5]), np.array([0.5, 0.5]))
    assert concavity(d, np.array([0.0, 0.3]), np.array([0.4, 0.6]), budget=200) is None
