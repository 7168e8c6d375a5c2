"""Bellman operators, Q*, and the comparison systems."""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.qlearning.system import comparison_systems
from certify.mdp import bellman_optimality, load_problem, q_star, smooth_fixed_point
from certify.mdp.bellman import policy_q_values
from tests.helpers import direct_member_dense, random_mdp


@pytest.mark.parametrize("seed", range(5))
def test_q_star_is_the_fixed_point(seed):
    rng = np.random.default_rng(seed)
    mdp = random_mdp(rng, 6, 3, 0.95)
    q, pi = q_star(mdp)
    assert np.max(np.abs(bellman_optimality(mdp, q) - q)) < 1e-10
    # value iteration, written out independently with the dense P
    v = np.zeros((6, 3))
    for _ in range(2000):
        v = mdp.R + 0.95 * np.einsum("sat,t->sa", mdp.P, v.max(axis=1))
    assert np.allclose(q, v, atol=1e-9)
    assert np.array_equal(pi, q.argmax(axis=1))


def test_policy_evaluation_closed_form():
    """One state, one action: Q = r / (1 - gamma)."""
    from certify.mdp import FiniteMDP

    mdp = FiniteMDP([[[1.0]]], [[2.0]], 0.75, layout="SAS")
    assert policy_q_values(mdp, np.array([0]))[0, 0] == pytest.approx(8.0, abs=1e-12)


def test_smooth_fixed_point_of_max_is_q_star():
    mdp = load_problem("garnet:20:3:2:0").mdp
    q, _ = q_star(mdp)
    assert np.allclose(smooth_fixed_point(mdp, "max"), q, atol=1e-9)


def test_comparison_systems():
    pr = load_problem("seed-sls")
    q, pi = q_star(pr.mdp)
    cs = comparison_systems(pr.mdp, pr.sampling, 0.5, q, pi)
    assert np.allclose(cs["lower_matrix"].toarray(),
                       direct_member_dense(pr.mdp, pr.sampling.d, 0.5, pi), atol=1e-15)
    # b_pi = alpha gamma D P (Pi_pi - Pi_pi*) Q* <= 0, and = 0 for pi = pi*
    for other in ([0, 0], [0, 1], [1, 0], [1, 1]):
        b = cs["b"](np.array(other))
        assert (b <= 1e-15).all()
    assert np.allclose(cs["b"](pi), 0.0)
    b11 = cs["b"](np.array([1, 1]))
    # by hand: Q*(s,1) - Q*(s,0) = -1 in both states, so b = -alpha gamma d
    assert np.allclose(b11, -0.5 * 0.9 * pr.sampling.d)


def test_lower_comparison_system_rate():
    """rho(A_{pi*}) is bracketed exactly, lies below the JSR, and its certificate re-checks
    from JSON (the fixed-policy family keeps the parent's exact entries)."""
    import json

    from certify import analyze_qlearning, certificate_from_dict
    from certify.verdict import Verdict

    pr = load_problem("seed-sls")
    res = analyze_qlearning(pr, 0.5, cqlf=False)
    lc = res.lower_comparison
    q, pi = q_star(pr.mdp)
    dense = direct_member_dense(pr.mdp, pr.sampling.d, 0.5, pi)
    rho = max(abs(np.linalg.eigvals(dense)))
    assert lc.lower <= rho + 1e-15 and rho - 1e-15 <= lc.upper
    assert lc.upper <= res.direct.upper + 1e-15
    doc = json.loads(json.dumps(lc.upper_certificate.to_dict()))
    assert certificate_from_dict(doc).verify().verdict is Verdict.CERTIFIED
    assert res.to_dict()["comparison"]["lower_system"]["verdict"] == "certified"
