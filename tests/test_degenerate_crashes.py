"""Two crashes on valid input, each fixed at its cause (issue 19, item 7).

* A nilpotent family whose best product has spectral radius 0: the invariant polytope
  algorithm scales the family by 1/rho and must not be run at rho = 0.
* gamma = 0 with the log-sum-exp operator: the p-norm weights of smooth/pnorm.py were
  computed as 0/0.
"""

from __future__ import annotations

import json
import math

import numpy as np

from certify.cli import main
from certify.jsr.bounds import analyze_jsr
from certify.jsr.polytope import polytope_search

NILPOTENT = [[[0, 1], [0, 0]], [[0, 2], [0, 0]]]


def test_polytope_search_refuses_zero_rate():
    mats = [np.array(m, dtype=float) for m in NILPOTENT]
    assert polytope_search(mats, (0,), 0.0, "symmetric") is None


def test_jsr_products_polytope_on_a_nilpotent_family():
    res = analyze_jsr(NILPOTENT, methods="products,polytope")
    assert res.lower == 0.0  # rho(A_0) = 0 is a valid lower bound; no upper from a polytope
    assert any("polytope" in n for n in res.notes)


def test_cli_jsr_products_polytope_nilpotent(tmp_path, capsys):
    f = tmp_path / "F.json"
    f.write_text(json.dumps({"matrices": NILPOTENT}))
    code = main(["jsr", str(f), "--methods", "products,polytope"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err


def test_cli_smooth_lse_gamma_zero(tmp_path, capsys):
    f = tmp_path / "M.json"
    f.write_text(json.dumps({"gamma": 0.0, "layout": "SAS", "P": [[[0.5, 0.5], [1, 0]], [[0, 1], [0.5, 0.5]]],
                             "R": [[1, 0], [0, 1]]}))
    code = main(["smooth", str(f), "--operator", "lse", "--temperature", "2", "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    doc = json.loads(out)
    text = json.dumps(doc)
    assert "NaN" not in text
    assert math.isfinite(doc.get("modulus", doc.get("rate", 0.0)) or 0.0)


def test_claims_do_not_contradict_their_verdict():
    """A claim states '> 0', '<= 1/beta_s' or 'contraction' only when it is true."""
    from fractions import Fraction

    from certify.certificates.pg import TabularStepCertificate
    from certify.mdp.builtins import builtin_problem

    mdp = builtin_problem("seed-sls").mdp
    ok = TabularStepCertificate.from_problem(mdp, 0.5, np.array([0.5, 0.5]), 1e-6)
    assert "<= 1/beta_s" in ok.claim() and ok.verify().certified
    big = TabularStepCertificate.from_problem(mdp, 0.5, np.array([0.5, 0.5]), 0.5)
    assert "fails" in big.claim() and "<=" not in big.claim().split("(")[0]
    assert not big.verify().certified
    assert big.eta * big.beta_s_bar > Fraction(1)
