"""Smooth Q-learning: moduli, p-norm certificates, symbolic check, ODE, invariant set."""

import json
import math
from fractions import Fraction

import numpy as np
import pytest

from certify.algorithms.smooth.analysis import analyze_smooth
from certify.algorithms.smooth.moduli import boltzmann_sup_two_actions, sup_norm_modulus
from certify.algorithms.smooth.ode import simulate_ode, simulate_stochastic
from certify.algorithms.smooth.pnorm import plain_threshold_p, young_threshold_p
from certify.algorithms.smooth.symbolic import symbolic_decay_check
from certify.certificates.base import certificate_from_dict
from certify.certificates.pnorm import check_boltzmann_bound
from certify.errors import InvalidInput, UnknownName
from certify.mdp import FiniteMDP, load_problem
from certify.mdp.bellman import q_star, smooth_fixed_point
from certify.verdict import Evidence, Verdict


@pytest.fixture(scope="module")
def sls():
    return load_problem("seed-sls")


@pytest.fixture(scope="module")
def lse_res(sls):
    return analyze_smooth(sls, "lse", 2.0)


def test_plain_threshold_hand_computed():
    # 0.9^16 * 6 = 1.1118 >= 1, 0.9^18 * 6 = 0.9006 < 1
    assert plain_threshold_p(6, Fraction(9, 10)) == 18
    assert plain_threshold_p(6, 0.9) == 18
    # n = 4, gamma = 0.9: 0.9^12*4 = 1.13, 0.9^14*4 = 0.915
    assert plain_threshold_p(4, Fraction(9, 10)) == 14
    assert plain_threshold_p(4, 1.0) is None


def test_young_threshold_hand_computed():
    # gamma (p - 1 + |A|) < p: 0.9 (p + 1) < p  <=>  p > 9
    assert young_threshold_p(0.9, 2) == 10
    # |A| = 3: 0.9 (p + 2) < p <=> p > 18 -> 20
    assert young_threshold_p(0.9, 3) == 20


def test_boltzmann_sup_value_and_refusal():
    x, g = boltzmann_sup_two_actions()
    assert abs(g - 1.19968) < 1e-4 and abs(x - 2.3994) < 1e-3
    # g(x) = 1 + 2 (1 - s)(x s - 1) by hand at the maximiser
    s = 1 / (1 + math.exp(-x))
    assert abs(g - (1 + 2 * (1 - s) * (x * s - 1))) < 1e-14
    for lam in (0.5, 3.0, 40.0):  # temperature-free value, scaled witness
        m = sup_norm_modulus("boltzmann", 0.9, 2, lam)
        assert m.verdict is Verdict.REFUTED
        assert abs(m.value - 0.9 * g) < 1e-9
        assert abs(m.witness["q_row"][0] * lam - x) < 1e-9
        assert m.witness["jacobian_sup_norm_lower"] > 1
    # small gamma: gamma (1 + 2/e^2) < 1 -> contraction certified
    assert sup_norm_modulus("boltzmann", 0.7, 2, 1.0).verdict is Verdict.CERTIFIED


def test_boltzmann_bound_checked_exactly():
    assert check_boltzmann_bound(Fraction(12708, 10000), 2)      # 1 + 2/e^2 = 1.27067
    assert check_boltzmann_bound(Fraction(11997, 10000), 2)      # the sharp sup 1.1996786...
    assert not check_boltzmann_bound(Fraction(11996, 10000), 2)


def test_simplex_moduli_are_gamma():
    for op in ("max", "lse", "mellowmax", "soft"):
        m = sup_norm_modulus(op, 0.95, 3, 1.0)
        assert m.value == 0.95 and m.verdict is Verdict.CERTIFIED


def test_lse_certificate_verifies_and_round_trips(lse_res):
    pn = lse_res.p_norm
    assert pn.verdict is Verdict.CERTIFIED and pn.p == 10 and pn.certificate.c > 0
    assert lse_res.p_norm_plain.p == 14 and lse_res.p_norm_plain.verdict is Verdict.CERTIFIED
    doc = json.loads(json.dumps(pn.certificate.to_dict()))
    back = certificate_from_dict(doc)
    assert back.verify().certified


def test_tampered_certificates_refused(lse_res):
    doc = json.loads(json.dumps(lse_res.p_norm.certificate.to_dict()))
    doc["witness"]["c"] = str(Fraction(doc["witness"]["c"]) * 2)
    assert certificate_from_dict(doc).verify().verdict is Verdict.INCONCLUSIVE
    doc = json.loads(json.dumps(lse_res.p_norm.certificate.to_dict()))
    doc["witness"]["p"] = 8  # below the young threshold 10
    assert not certificate_from_dict(doc).verify().certified
    doc["witness"]["p"] = 11
    assert "even" in certificate_from_dict(doc).verify().reason
    doc = json.loads(json.dumps(lse_res.p_norm.certificate.to_dict()))
    doc["witness"]["operator"] = "boltzmann"  # young needs grad h in the simplex
    assert not certificate_from_dict(doc).verify().certified
    plain = json.loads(json.dumps(lse_res.p_norm_plain.certificate.to_dict()))
    plain["witness"]["p"] = 12
    assert not certificate_from_dict(plain).verify().certified


def test_symbolic_dvdt_on_2x2(lse_res):
    chk = lse_res.symbolic
    assert chk is not None and chk.verdict is Verdict.CERTIFIED and chk.policies_checked == 4
    assert chk.min_slack >= 0
    # a certificate with c too large must fail the symbolic check too
    cert = lse_res.p_norm.certificate
    from dataclasses import replace
    bad = replace(cert, c=cert.c * 3)
    assert symbolic_decay_check(bad).verdict is not Verdict.CERTIFIED


def test_lyapunov_decreases_along_ode_at_certified_rate(sls, lse_res):
    cert = lse_res.p_norm.certificate
    w = np.array([float(u) / float(d) for u, d in zip(cert.u, cert.d, strict=True)])
    q0 = lse_res.fixed_point + np.array([[4.0, -3.0], [-5.0, 2.0]])
    tr = simulate_ode(sls.mdp, sls.sampling.d, "lse", 2.0, q0, 2000.0)
    V = (w * (tr.q - lse_res.fixed_point).reshape(len(tr.t), -1) ** cert.p).sum(1) / cert.p
    assert np.all(V <= V[0] * np.exp(-float(cert.c) * tr.t) * (1 + 1e-6))
    assert tr.errors(lse_res.fixed_point)[-1] < 1e-3


@pytest.mark.parametrize("op", ["max", "lse", "mellowmax"])
def test_ode_converges_to_fixed_point(sls, op):
    fp = q_star(sls.mdp)[0] if op == "max" else smooth_fixed_point(sls.mdp, op, 1.5)
    tr = simulate_ode(sls.mdp, sls.sampling.d, op, 1.5, np.zeros((2, 2)), 3000.0)
    assert tr.errors(fp)[-1] < 1e-4


def test_fixed_point_shift_identity():
    mdp = load_problem("garnet:5:3:2:4").mdp
    for om in (0.3, 4.0):
        shift = mdp.gamma * math.log(3) / (om * (1 - mdp.gamma))
        diff = smooth_fixed_point(mdp, "mellowmax", om) - (smooth_fixed_point(mdp, "lse", om) - shift)
        assert np.abs(diff).max() < 1e-10


def test_boltzmann_invariant_set(sls):
    res = analyze_smooth(sls, "boltzmann", 2.0)
    assert res.modulus.verdict is Verdict.REFUTED
    assert res.p_norm.verdict is not Verdict.CERTIFIED and res.verdict is not Verdict.CERTIFIED
    r = 0.9 * math.log(2) / (2.0 * 0.1)
    assert abs(res.invariant_set.radius - r) < 1e-12
    assert np.abs(res.fixed_point - res.q_star).max() <= r
    doc = res.to_dict()
    assert doc["invariant_set"]["norm"] == "sup" and doc["sup_norm_modulus"]["witness"]["q_row"]
    from certify.algorithms.smooth.crossval import crossval_smooth
    cv = crossval_smooth(res, runs=0, starts=2)
    assert cv.verdict is Evidence.CONSISTENT


def test_stochastic_smooth_qlearning_approaches_fixed_point(sls):
    fp = smooth_fixed_point(sls.mdp, "lse", 2.0)
    a = simulate_stochastic(sls.mdp, sls.sampling.d, "lse", 2.0, 0.1, fp, np.zeros((2, 2)), 64, 4000, 3)
    b = simulate_stochastic(sls.mdp, sls.sampling.d, "lse", 2.0, 0.1, fp, np.zeros((2, 2)), 64, 4000, 3)
    assert np.array_equal(a.errors, b.errors)  # same seed, same runs
    assert a.errors[0].mean() == pytest.approx(np.abs(fp).max())
    assert a.errors[-1].mean() < 0.2 * a.errors[0].mean()


def test_huge_rewards_do_not_overflow():
    P = np.array([[[0.5, 0.5], [1.0, 0.0]], [[0.0, 1.0], [0.3, 0.7]]])
    mdp = FiniteMDP(P, np.array([[1e5, 9e4], [-1e5, 2e5]]), 0.9, layout="SAS")
    res = analyze_smooth(mdp, "lse", 50.0, symbolic=False)
    assert np.all(np.isfinite(res.fixed_point)) and res.p_norm.verdict is Verdict.CERTIFIED


def test_bad_inputs(sls):
    for t in (0.0, -1.0, float("inf"), float("nan")):
        with pytest.raises(InvalidInput, match="temperature"):
            analyze_smooth(sls, "lse", t)
    with pytest.raises(UnknownName, match="lse, mellowmax"):
        analyze_smooth(sls, "softermax", 1.0)
    for p in (3, 0, -2, 1):
        with pytest.raises(InvalidInput, match="even integer"):
            analyze_smooth(sls, "lse", 1.0, p=p)


def _one_pair_cert(P, c, argument="young", gamma=Fraction(1, 4), p=2):
    import scipy.sparse as sps

    from certify.certificates.pnorm import PNormLyapunovCertificate
    P = sps.csr_matrix(np.asarray(P, dtype=float))
    n = P.shape[0]
    return PNormLyapunovCertificate("max", gamma, P, (Fraction(1),) * n, n // P.shape[1], p,
                                    (Fraction(1),) * n, Fraction(c), argument)


def test_forged_superstochastic_P_refused():
    # one pair, P = [[2]]: along de/dt = gamma P e - e the true rate of V = e^2/2 is
    # p d (1 - 2 gamma) = 1; the young rows must use the row sum 2, not 1 (c = 5/4 is false).
    assert not _one_pair_cert([[2.0]], Fraction(5, 4)).verify().certified
    assert _one_pair_cert([[2.0]], Fraction(1)).verify().certified  # the true rate passes
    # norm-equivalence: ||gamma P x||_inf = 2 gamma ||x||_inf; the modulus is 1/2, not 1/4
    assert not _one_pair_cert([[2.0]], Fraction(5, 4), "norm-equivalence").verify().certified
    assert _one_pair_cert([[2.0]], Fraction(1), "norm-equivalence").verify().certified


def test_forged_negative_P_refused():
    chk = _one_pair_cert([[0.5, -0.5], [0.5, 0.5]], Fraction(1, 100)).verify()
    assert chk.verdict is Verdict.INCONCLUSIVE and "P" in chk.reason


def test_malformed_n_actions_refused_not_crash():
    from dataclasses import replace
    cert = _one_pair_cert([[1.0], [1.0], [1.0]], Fraction(1, 100))
    for k in (0, 2, -1):
        assert replace(cert, n_actions=k).verify().verdict is Verdict.INCONCLUSIVE


def test_symbolic_check_refuses_negative_transition_entries():
    # 2 states, 1 action, P with negative off-diagonals: the Young identity holds with slacks
    # sigma_i = 0, but -E = -m (e0 - e1)^2 < 0, so dV/dt <= -c V is false at e = (1, -1).
    cert = _one_pair_cert([[0.0, -1.0], [-1.0, 0.0]], Fraction(3, 2), gamma=Fraction(1, 2))
    from dataclasses import replace
    cert = replace(cert, d=(Fraction(1, 2), Fraction(1, 2)))
    e = np.array([1.0, -1.0])
    g = 0.5 * np.array([[0.0, -1.0], [-1.0, 0.0]]) @ e
    dv = float(np.sum(e * (g - e)))                      # u = 1, p = 2
    v = float(np.sum(e ** 2 / 0.5)) / 2
    assert dv + 1.5 * v > 0                               # the claim is false here
    assert symbolic_decay_check(cert).verdict is not Verdict.CERTIFIED


def test_invariant_radius_is_an_upper_bound():
    # float evaluation + one ulp fell below the true radius here (about 5% of random cases)
    import mpmath

    from certify.algorithms.smooth.invariant import boltzmann_invariant_set
    for g, m, lam in ((0.9999818839792578, 5, 236.87133130725712),
                      (0.9999967974019595, 8, 23962.8802704351),
                      (0.9999999997671233, 44, 0.03616344811847661)):
        inv = boltzmann_invariant_set(g, m, lam, np.zeros((1, m)), 0.5)
        with mpmath.workprec(300):
            true = mpmath.mpf(g) * mpmath.log(m) / (mpmath.mpf(lam) * (1 - mpmath.mpf(g)))
            assert mpmath.mpf(inv.radius) >= true
