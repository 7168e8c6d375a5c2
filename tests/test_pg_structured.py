"""Problem-specific Hessian enclosures for two-action softmax PG (certify.algorithms.pg.structured) and
the tabular step / local rate built on them (certify.algorithms.pg.local_rate)."""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.pg.local_rate import smoothness
from certify.algorithms.pg.structured import (
    _PointValues,
    box_quantities,
    box_supremum,
    p_box_functions,
    point_values,
    two_action_data,
)
from certify.algorithms.pg.tabular import policy_gradient, run_tabular
from certify.mdp import FiniteMDP, builtin_problem


def random_mdp(rng, s):
    P = rng.dirichlet(np.ones(s), size=(s, 2))
    return FiniteMDP(P, rng.random((s, 2)), 0.9, name="random", layout="SAS")


def values_at(mdp, tau, mu, rho, x):
    """Float (V, w, J) at logit differences x, J by central differences of the gradient."""
    def grad(xx):
        th = np.zeros((mdp.n_states, 2))
        th[:, 1] = xx
        g, v = policy_gradient(mdp, th, tau, mu, rho)
        return g[:, 1], v
    w, v = grad(x)
    h = 1e-6
    jac = np.array([(grad(x + h * e)[0] - grad(x - h * e)[0]) / (2 * h)
                    for e in np.eye(len(x))]).T
    return v, w, jac


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_closed_forms_match_the_exact_gradient(seed):
    rng = np.random.default_rng(seed)
    s = 2 + seed % 2
    mdp = random_mdp(rng, s)
    mu, rho, tau = np.array([0.3, 0.7]), rng.dirichlet(np.ones(s)), 0.2 + rng.random()
    d = two_action_data(mdp, tau, mu, rho)
    x = rng.normal(0, 2, s)
    p = mu[1] * np.exp(x) / (mu[0] + mu[1] * np.exp(x))
    v, w, jm = point_values(d, p[None])
    v_ref, w_ref, j_ref = values_at(mdp, tau, mu, rho, x)
    np.testing.assert_allclose(w.m[0], w_ref, atol=1e-12)
    assert v.m[0] == pytest.approx(v_ref, abs=1e-10)
    np.testing.assert_allclose(jm.m[0], j_ref, atol=1e-6)


@pytest.mark.parametrize("seed", [3, 4])
def test_box_enclosures_contain_every_sampled_value(seed):
    rng = np.random.default_rng(seed)
    s = 3
    mdp = random_mdp(rng, s)
    mu, rho, tau = np.array([0.5, 0.5]), np.ones(s) / s, 0.3
    d = two_action_data(mdp, tau, mu, rho)
    pv = _PointValues(0.5, 0.5)
    for width in (0.3, 0.05, 0.0):
        lo = rng.uniform(0, 1 - width, (4, s))
        hi = lo + width
        p, q, qx, kl = p_box_functions(pv, lo, hi, (0.0, 0.0))
        v, w, jm = box_quantities(d, p, q, qx, kl)
        for _ in range(20):
            pts = np.clip(lo + rng.random(lo.shape) * (hi - lo), 1e-9, 1 - 1e-9)
            vp, wp, jp = point_values(d, pts)
            assert np.all(v.lo <= vp.m) and np.all(vp.m <= v.hi)
            assert np.all(w.lo <= wp.m) and np.all(wp.m <= w.hi)
            assert np.all(jm.lo <= jp.m) and np.all(jp.m <= jm.hi)


def test_enclosures_of_boundary_functions():
    """q x and KL over boxes touching p = 0 and p = 1, and around the extrema of
    h(p) = p (1 - p) ln(p / (1 - p)) (min -0.22385 at p = 0.1779)."""
    pv = _PointValues(0.25, 0.75)
    lo = np.array([[0.0, 0.15, 0.8, 0.999]])
    hi = np.array([[0.01, 0.2, 0.9, 1.0]])
    ln_ratio = np.log(3.0)
    p, q, qx, kl = p_box_functions(pv, lo, hi, (ln_ratio - 1e-15, ln_ratio + 1e-15))
    grid = np.linspace(0, 1, 200001)[1:-1]
    for j in range(4):
        pts = grid[(grid >= lo[0, j]) & (grid <= hi[0, j])]
        qxs = pts * (1 - pts) * (np.log(pts / (1 - pts)) - ln_ratio)
        kls = pts * np.log(pts / 0.75) + (1 - pts) * np.log((1 - pts) / 0.25)
        assert qx.lo[0, j] <= qxs.min() and qxs.max() <= qx.hi[0, j]
        assert kl.lo[0, j] <= kls.min() and kls.max() <= kl.hi[0, j]


@pytest.mark.parametrize("objective", ["w_sum", "j_inf1", "j_spec"])
def test_supremum_bounds_exceed_samples_on_random_problems(objective):
    rng = np.random.default_rng(7)
    mdp = random_mdp(rng, 2)
    d = two_action_data(mdp, 0.5, np.array([0.5, 0.5]), np.array([0.4, 0.6]))
    res = box_supremum(d, objective, 0.01, 0.99, budget=3000)
    pts = rng.uniform(0.01, 0.99, (3000, 2))
    _, w, jm = point_values(d, pts)
    if objective == "w_sum":
        sampled = np.abs(w.m).sum(axis=1)
    elif objective == "j_spec":
        sampled = np.abs(np.linalg.eigvalsh(jm.m)).max(axis=1)
    else:
        signs = np.array([[a, b] for a in (-1, 1) for b in (-1, 1)], dtype=float)
        sampled = np.einsum("is,bst,jt->bij", signs, jm.m, signs).max(axis=(1, 2))
    assert float(res.upper) >= sampled.max() and float(res.upper) >= res.sampled


def test_seed_sls_step_and_local_rate():
    """seed-sls, tau = 1: the problem-specific beta is ~4700x below Mei's, and from the
    first iterate on a per-step factor well below 1 - 1e-4 is certified."""
    mdp = builtin_problem("seed-sls").mdp
    beta, sampled = smoothness(mdp, 1.0, np.array([0.5, 0.5]), np.array([0.5, 0.5]),
                               budget=10000)
    assert 3.47 < sampled <= float(beta) < 5.1
    res = run_tabular(mdp, 1.0, steps=40, smoothness_budget=10000)
    assert res.eta == pytest.approx(1 / float(beta), rel=1e-12) and res.step_ok
    assert res.smoothness["mei_beta_s"] > 17000
    assert res.verdict.value == "certified" and res.violations == 0
    loc = res.local
    assert loc is not None and loc["violations"] == 0
    assert loc["factor"] < 1 - 1e-4 and loc["factor"] < 0.99
    assert res.measured_rate < loc["factor"]


def test_problem_specific_step_certificate_round_trip_and_forgery():
    import json

    from certify.certificates import certificate_from_dict
    from certify.certificates.pg import TabularStepCertificate

    mdp = builtin_problem("seed-sls").mdp
    mu, rho = np.array([0.5, 0.5]), np.array([0.5, 0.5])
    beta, _ = smoothness(mdp, 1.0, mu, rho, budget=2000)
    cert = TabularStepCertificate.from_problem(mdp, 1.0, mu, 1 / float(beta) * (1 - 1e-12),
                                               rho, beta, 2000)
    data = json.loads(json.dumps(cert.to_dict(cert.verify())))
    assert certificate_from_dict(data).verify().verdict.value == "certified"
    data["witness"]["beta_s_bar"] = str(float(beta) / 2)  # below the recomputed bound
    res = certificate_from_dict(data).verify()
    assert res.verdict.value == "inconclusive" and "below the recomputed" in res.reason


@pytest.mark.parametrize("seed", [0, 1])
def test_structured_meanfield_bounds_exceed_sampled_constants(seed):
    """Problem-specific C2 and L on random two-action problems: above every sampled value
    (bound >= sample, always), and never above the closed forms after combining."""
    from certify.algorithms.pg.constants import bound_constants, sampled_c2, sampled_lipschitz
    from certify.algorithms.pg.meanfield import drift_weights, initial_particles, make_meanfield

    rng = np.random.default_rng(10 + seed)
    mdp = random_mdp(rng, 2)
    mf = make_meanfield(mdp, 0.3, 1.0, 1.0, 1, mu=[0.4, 0.6], rho=[0.3, 0.7])
    closed = bound_constants(mf)
    c = bound_constants(mf, structured_budget=1500)
    sc = c.structured
    assert sc is not None and c.c2 == min(closed.c2, sc.c2) and c.lip == min(closed.lip, sc.lip)
    for scale in (0.5, 2.0, 4.0):
        nu = scale * initial_particles(mf, 24, rng)
        nu2 = scale * initial_particles(mf, 24, rng, 0.3)
        pts = scale * initial_particles(mf, 3, rng)
        w, _ = drift_weights(mf, nu)
        assert np.abs(w).sum() <= 2 * float(sc.w_sum)
        assert 0 < sampled_c2(mf, nu, pts) <= float(sc.c2)
        assert 0 < sampled_lipschitz(mf, nu, nu2, pts) <= float(sc.lip)


@pytest.mark.slow
def test_structured_margin_certificate_round_trip():
    import json

    from certify.algorithms.pg.constants import bound_constants
    from certify.algorithms.pg.meanfield import make_meanfield
    from certify.certificates import certificate_from_dict
    from certify.certificates.pg import MeanFieldMarginCertificate

    mdp = builtin_problem("seed-sls").mdp
    mf = make_meanfield(mdp, 1.0, 1.0, 200.0, 1)
    c = bound_constants(mf, structured_budget=1500)
    cert = MeanFieldMarginCertificate.from_meanfield(mf, c)
    assert cert.P is not None and cert.c2_bar == c.c2
    data = json.loads(json.dumps(cert.to_dict(cert.verify())))
    back = certificate_from_dict(data)
    assert back.verify().verdict is cert.verify().verdict
    data["witness"]["l_bar"] = str(float(c.lip) / 2)
    res = certificate_from_dict(data).verify()
    assert res.verdict.value == "inconclusive" and "below the recomputed" in res.reason


@pytest.mark.slow
def test_garnet_margin_certified_at_kappa_200():
    """The issue's target: beta > 0 on garnet:3:2:2:0, tau = 0.1, gamma = 0.9, K = 4,
    sigma = 1 with kappa = 200 (closed forms need kappa > 66,690).  About 4 CPU minutes."""
    from certify.algorithms.pg.constants import bound_constants
    from certify.algorithms.pg.meanfield import make_meanfield

    mf = make_meanfield(builtin_problem("garnet:3:2:2:0").mdp, 0.1, 1.0, 200.0, 4)
    closed = bound_constants(mf)
    c = bound_constants(mf, structured_budget=300000)
    assert closed.beta < -30000 and c.verdict.value == "certified"
    assert 0 < float(c.beta) and float(c.c2) < 20 and float(c.lip) < 75
    assert c.structured.w_sum_sampled <= float(c.structured.w_sum)
    assert c.structured.j_norm_sampled <= float(c.structured.j_norm)
