"""Soundness of the NTK checks: hypotheses checked exactly, bounds printed as bounds,
refutations only on an exact counterexample."""

from __future__ import annotations

import re
import warnings
from fractions import Fraction as F

import numpy as np
import pytest

from certify.algorithms.ntk import network as network_mod
from certify.algorithms.ntk.operator import LipschitzEstimate, u3
from certify.algorithms.ntk.theorem2 import analyze_ntk
from certify.certificates.ntk import NTKContractionCertificate
from certify.errors import InvalidInput
from certify.mdp import FiniteMDP, builtin_problem, q_star
from certify.mdp.ordering import flatten
from certify.verdict import Verdict


def test_negative_rho_within_the_tolerance_is_refused():
    # rho = (1 + e, -e) sums to 1 and passes the 1e-9 tolerance of check_distribution, but
    # beta(K) uses |K_ij| rho_j, which is not |K_ij rho_j| when rho_j < 0: before the fix this
    # kernel was "certified" with a beta below the true Lipschitz bound.
    e = 1e-10
    k = np.array([[1.0, e / 2], [e / 2, -1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InvalidInput, match=r"rho\[1\] = -1e-10 is negative"):
            analyze_ntk(k, np.array([1.0 + e, -e]), 0.0, 0.5)


def test_negative_exact_rho_is_refused():
    # an exact rational that rounds to -0.0 as a double is still negative
    tiny = F(1, 10**400)
    rho = np.array([F(1) + tiny, -tiny], dtype=object)
    with pytest.raises(InvalidInput, match=r"rho\[1\] = -1/10+ is negative"):
        analyze_ntk(np.array([[F(1), F(0)], [F(0), F(1)]], dtype=object), rho, F(1, 2), F(1, 2))
    cert = NTKContractionCertificate(np.eye(2), rho, F(1, 2), F(1, 2), F(9, 10))
    assert cert.verify().verdict is Verdict.INCONCLUSIVE


def _printed_numbers(text: str) -> list[F]:
    return [F(x) for x in re.findall(r"\d+\.\d+(?:e[-+]\d+)?", text)]


def test_printed_bounds_are_rounded_up():
    # 0.12345678901234 printed to 12 digits by "%.12g" is 0.123456789012, below the bound
    bound = F("0.12345678901234")
    cert = NTKContractionCertificate(np.eye(2), np.array([0.5, 0.5]), F(1, 2), F(1, 2), bound)
    assert min(_printed_numbers(cert.claim())) >= bound
    assert _printed_numbers(cert.claim_latex())[0] >= bound
    # Theorem 2's reason prints beta rounded up too
    k = np.array([[F(2), F(0)], [F(0), F(2)]], dtype=object)
    rho = np.array([F(1, 2)] * 2, dtype=object)
    alpha = F("0.1234567890123") * 2  # beta = 1 - (1/2) alpha
    r = analyze_ntk(k, rho, F(1, 2), alpha)
    assert r.verdict is Verdict.CERTIFIED
    printed = F(re.search(r"beta = ([0-9.e+-]+)", r.reason).group(1))
    assert printed >= r.beta


def _chain():
    # s0 -> s1 -> s1, one action, no reward; K = x x^T with features 1, 2 ("w -> 2w")
    P = np.array([[[0.0, 1.0]], [[0.0, 1.0]]])
    return FiniteMDP(P, np.zeros((2, 1)), 0.9, name="two-state-chain", layout="SAS")


def test_exact_ratio_confirms_a_real_expansion():
    from certify.algorithms.ntk.operator import exact_ratio_above_one

    mdp = _chain()
    k = np.array([[1.0, 2.0], [2.0, 4.0]])
    rho = np.array([0.5, 0.5])
    q1, q2 = np.zeros(2), np.array([0.0, 1.0])
    num = np.abs(u3(mdp, k, rho, 0.5, q1) - u3(mdp, k, rho, 0.5, q2)).max()
    assert num > 1.0
    assert exact_ratio_above_one(mdp, k, rho, F(1, 2), q1, q2)
    # a contracting pair (K = I) is not confirmed
    assert not exact_ratio_above_one(mdp, np.eye(2), rho, F(1, 2), q1, q2)


def test_network_refutes_only_on_an_exact_counterexample(monkeypatch):
    # a float ratio a hair above 1 (rounding) on a pair whose exact ratio is below 1 must not
    # turn the verdict into "refuted"
    p = builtin_problem("seed-sls")
    qs = flatten(q_star(p.mdp)[0])
    pair = (qs, qs + 1e-3)

    def fake(mdp, k, rho, alpha, n_pairs=200, seed=0, scale=None):
        return LipschitzEstimate(1.0 + 2.0**-52, 2, "random", pair)

    monkeypatch.setattr(network_mod, "empirical_lipschitz", fake)
    res = network_mod.analyze_ntk_network(p, p.sampling.d, 0.05, width=16, depth=1, activation="tanh",
                                      probes=4, iterations=2)
    assert res.verdict is res.theorem.verdict and res.verdict is not Verdict.REFUTED
    assert any("not confirmed" in n for n in res.notes)
