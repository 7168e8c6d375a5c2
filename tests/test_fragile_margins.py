"""Every verdict decided by an inequality reports its margin; one within rounding of the
boundary is marked fragile (certify.margin), in JSON and in text, and is not changed."""

import json
import math
from fractions import Fraction

import numpy as np
import pytest

from certify.cli import main
from certify.margin import fragile_text, margin_fields
from certify.tolerance import FRAGILE_RTOL
from certify.verdict import Verdict


def test_margin_fields_boundary():
    m = margin_fields(Fraction(1, 10**13))  # an exact margin is printed rounded down
    assert m["fragile"] is True
    assert Fraction(m["margin"]) < Fraction(1, 10**13) < Fraction(math.nextafter(m["margin"], 1))
    assert margin_fields(Fraction(1, 10**11))["fragile"] is False
    assert margin_fields(0) == {"margin": 0.0, "fragile": True}
    assert margin_fields(-1e-20)["fragile"] is False  # fails: not a fragile pass
    assert margin_fields(None) == margin_fields(math.nan) == {"margin": None, "fragile": False}
    # relative to the scale of the terms compared
    assert margin_fields(1e-3, scale=1e10)["fragile"] and not margin_fields(1e-3, scale=1e8)["fragile"]
    assert FRAGILE_RTOL == 1e-12
    assert "holds by 2e-16" in fragile_text("x < 1", 2e-16)


def _one_state_mdp(gamma: float):
    from certify.mdp.finite import FiniteMDP

    return FiniteMDP.from_arrays(np.ones((1, 1, 1)), np.zeros((1, 1)), gamma, layout="SAS")


def test_qlearning_rate_within_rounding_of_one_is_fragile(tmp_path, capsys):
    """One state, one action, alpha = 1: the direct family is {gamma}, exactly; gamma =
    1 - 2^-50 is certified below 1 by 2^-50 (exact), which is within rounding."""
    from certify import analyze_qlearning

    res = analyze_qlearning(_one_state_mdp(1 - 2.0**-50), 1.0)
    assert res.verdict is Verdict.CERTIFIED
    assert res.direct_margin["fragile"] is True
    assert 0 < res.direct_margin["margin"] <= 2.0**-50 * (1 + 1e-9)
    doc = res.to_dict()["direct_jsr"]
    assert doc["fragile"] is True and doc["margin"] == res.direct_margin["margin"]
    ok = analyze_qlearning(_one_state_mdp(0.9), 1.0)
    assert ok.direct_margin == {"margin": pytest.approx(0.1, rel=1e-12), "fragile": False}


def test_pg_meanfield_margin_within_rounding_is_fragile(capsys):
    """kappa chosen as the smallest double with beta = sigma^2 kappa/2 - C2 - L > 0."""
    from certify.algorithms.pg.analysis import run_pg_meanfield

    d = run_pg_meanfield("seed-sls", tau=0.5, sigma=1.0, kappa=50.0, budget=0)
    assert d["verdict"] == "inconclusive" and d["fragile"] is False
    s = Fraction(d["c2_bound_exact"]) + Fraction(d["l_bound_exact"])
    k = float(2 * s)
    while Fraction(k) / 2 <= s:
        k = math.nextafter(k, math.inf)
    d2 = run_pg_meanfield("seed-sls", tau=0.5, sigma=1.0, kappa=k, budget=0)
    beta = Fraction(d2["beta_exact"])
    assert d2["verdict"] == "certified" and 0 < beta <= Fraction(k) * 2.0**-52
    assert d2["fragile"] is True
    assert main(["pg", "meanfield", "seed-sls", "--tau", "0.5", "--sigma", "1", "--kappa",
                 repr(k), "--budget", "0"]) == 0
    assert "fragile: beta > 0 holds by" in capsys.readouterr().out


def test_sa_level_hurwitz_within_rounding_is_fragile(tmp_path, capsys):
    """L = [[-e, 1], [-1, -e]], e = 1e-17: Hurwitz exactly (trace < 0, det > 0), eigenvalues
    -e +- i, so the margin is 1e-17 against entries of size 1."""
    from certify.algorithms.td.user_system import check_system, system_from_dict

    def system(e: float) -> dict:
        return {"timescales": [{"name": "x", "dim": 2}], "H": [[-e, 1], [-1, -e]],
                "exponents": [0.6]}

    res = check_system(system_from_dict(system(1e-17)))
    assert all(c.holds for c in res.conditions if c.name.startswith(("(B", "(C")))
    assert res.levels[0]["fragile"] is True
    assert check_system(system_from_dict(system(0.5))).levels[0]["fragile"] is False
    path = tmp_path / "s.json"
    path.write_text(json.dumps(system(1e-17)))
    main(["sa", "check", str(path)])
    assert "(fragile)" in capsys.readouterr().out
    main(["sa", "check", str(path), "--json"])
    assert json.loads(capsys.readouterr().out)["levels"][0]["fragile"] is True


def test_smooth_modulus_within_rounding_of_one_is_fragile():
    from certify.algorithms.smooth.moduli import sup_norm_modulus

    near = sup_norm_modulus("mellowmax", math.nextafter(1.0, 0.0), 2, 1.0)
    assert near.verdict is Verdict.CERTIFIED and near.fragile and near.to_dict()["fragile"]
    assert not sup_norm_modulus("mellowmax", 0.9, 2, 1.0).fragile


def test_qlearning_cli_marks_the_fragile_rate(tmp_path, capsys):
    path = tmp_path / "one.yaml"
    path.write_text(f"name: one\ngamma: {1 - 2.0**-50!r}\nP:\n- - [1.0]\nR:\n- [0.0]\n")
    assert main(["qlearning", str(path), "--alpha", "1"]) == 0
    assert "fragile: direct JSR < 1 holds by 8.88e-16" in capsys.readouterr().out
    assert main(["qlearning", str(path), "--alpha", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)["direct_jsr"]
    assert doc["fragile"] is True and doc["verdict"] == "certified"
