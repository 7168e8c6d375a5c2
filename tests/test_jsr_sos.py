"""SOS norms via the Veronese lift, the SCS pitfall, and the Q-learning comparison hook."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest

from certify.certificates.base import certificate_from_dict
from certify.certificates.quadratic import QuadraticCertificate
from certify.exact import fraction_array, rationalize, symmetrize
from certify.exact.lifting import lift_matrix, monomials
from certify.families.matrix import MatrixFamily
from certify.jsr.bounds import analyze_jsr
from certify.jsr.cqlf import cqlf_search
from certify.jsr.sos import LiftedFamily
from certify.solver_options import SolverOptions
from certify.verdict import Verdict

PHI = (1 + math.sqrt(5)) / 2
G3 = [np.array([[1.0, 1, 0], [0, 1, 0], [0, 0, 0.5]]), np.array([[1.0, 0, 0], [1, 1, 0], [0, 0, 0.5]])]


def _lift_float(a, d):
    """Independent float lift: coefficients of (A x)^alpha by evaluation at random points."""
    n = a.shape[0]
    mons = monomials(n, d)
    pts = np.random.default_rng(0).normal(size=(len(mons) + 5, n))
    V = np.array([[np.prod(x ** np.array(m)) for m in mons] for x in pts])
    W = np.array([[np.prod((a @ x) ** np.array(m)) for m in mons] for x in pts])
    return np.linalg.lstsq(V, W, rcond=None)[0].T


def test_lift_is_multiplicative_and_matches_interpolation():
    a = fraction_array([[1, 2, 0], [Fraction(1, 3), -1, 1], [0, 1, 2]])
    b = fraction_array([[0, 1, 1], [2, 0, -1], [1, 1, 0]])
    for d in (1, 2, 3):
        la, lb = lift_matrix(a, d), lift_matrix(b, d)
        assert np.all(la.dot(lb) == lift_matrix(a.dot(b), d))
        assert np.allclose(la.astype(float), _lift_float(a.astype(float), d), atol=1e-8)
    assert lift_matrix(a, 2).shape == (6, 6)


def test_sos_bound_certified_round_trips_and_forgery_refused():
    rng = np.random.default_rng(3)
    mats = [rng.integers(-3, 4, (3, 3)).astype(float) for _ in range(2)]
    res = analyze_jsr(mats, methods="products,sos:2")
    rec = [c for c in res.certificates if c.certificate.kind == "sos"][0]
    assert rec.check.certified and res.lower <= res.upper
    brute = max(max(abs(np.linalg.eigvals(np.linalg.multi_dot([mats[i] for i in w] + [np.eye(3)]))))
                ** (1 / len(w)) for k in range(1, 7) for w in itertools.product(range(2), repeat=k))
    assert res.upper >= brute and res.upper <= brute * (1 + 1e-4)
    doc = json.loads(json.dumps(rec.certificate.to_dict()))
    assert certificate_from_dict(doc).verify().certified
    forged = json.loads(json.dumps(doc))  # lifted family of another family
    forged["witness"]["lifted"]["witness"]["family"]["base"]["matrices"][0][0][0] += 1
    assert not certificate_from_dict(forged).verify().certified
    forged = json.loads(json.dumps(doc))  # beta below the truth
    forged["witness"]["lifted"]["witness"]["beta"] = str(Fraction(brute**2 * 0.99))
    assert not certificate_from_dict(forged).verify().certified


def test_scs_optimal_below_truth_is_refused():
    """SCS at a loose tolerance reports 'optimal' with a positive margin at beta < phi."""
    opts = SolverOptions("SCS", {"eps_abs": 1e-1, "eps_rel": 1e-1, "max_iters": 200})
    res = cqlf_search(MatrixFamily(tuple(G3)), opts)
    below = [h for h in res.history if h["status"] == "optimal" and h["margin"] > 1e-9
             and h["beta"] < PHI]
    assert below, "SCS no longer 'succeeds' below the truth here; see test_forged_quadratic_refused"
    assert res.verdict is not Verdict.CERTIFIED or res.rate >= PHI


def test_forged_quadratic_refused():
    """A float X from a loose solve, with beta scaled below the brute-force lower bound."""
    res = cqlf_search(MatrixFamily(tuple(G3)))
    assert res.verdict is Verdict.CERTIFIED and res.rate >= PHI
    X = symmetrize(rationalize(np.asarray(res.certificate.X, dtype=float)))
    bad = QuadraticCertificate(MatrixFamily(tuple(G3)), X, Fraction(PHI * (1 - 1e-3)))
    assert bad.verify().verdict is Verdict.INCONCLUSIVE


def test_lifted_family_spec_round_trip():
    fam = LiftedFamily(MatrixFamily(tuple(G3)), 2)
    from certify.families.matrix import family_from_spec

    again = family_from_spec(json.loads(json.dumps(fam.spec())))
    assert again.dim == 6 and all(np.all(x == y) for x, y in zip(again.exact_matrices(),
                                                                   fam.exact_matrices(), strict=True))


def test_sos_method_name_errors():
    from certify.errors import InvalidInput

    with pytest.raises(InvalidInput):
        analyze_jsr(G3, methods="sos:0")
    with pytest.raises(InvalidInput):
        analyze_jsr(G3, methods="sos:x")


@pytest.mark.parametrize("alpha", [0.5, 1.0])
def test_generic_engine_on_the_direct_family_agrees_with_selection_jsr(alpha):
    from certify.algorithms.qlearning.system import DirectFamily
    from certify.jsr.policy_iteration import selection_jsr
    from certify.mdp.builtins import seed_sls

    p = seed_sls()
    fam = DirectFamily.from_mdp(p.mdp, p.sampling, alpha)
    res = analyze_jsr(fam, ("products", "norms", "exact", "polytope", "lifting", "cqlf"), 20)
    ref = selection_jsr(fam)
    assert res.verdict is Verdict.CERTIFIED
    assert abs(res.lower - ref.lower) < 1e-9 and abs(res.upper - ref.upper) < 1e-9
