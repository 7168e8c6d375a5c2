"""User-defined N-timescale linear SA files: `certify sa check SYSTEM.yaml` (seed 003)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp
import yaml

from certify.algorithms.td.user_system import check_system, load_system, system_from_dict
from certify.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "systems" / "three_timescale.yaml"


def three_level(h22=-1, exponents=(0.55, 0.7, 0.9), noise=None):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["blocks"][1][1] = [[h22]]
    data["exponents"] = list(exponents)
    if noise is not None:
        data["noise"] = noise
    return data


def test_example_file_certified_and_limit_solves_the_mean_field(capsys):
    assert main(["sa", "check", str(EXAMPLE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "certified" and doc["n_timescales"] == 3
    sys_ = load_system(EXAMPLE)
    x = sp.Matrix([sp.Rational(v) for v in doc["limit_exact"]])
    assert sys_.H * x + sys_.b == sp.zeros(5, 1)
    # level 1 is diag(-2, -1): margin 1; level 2 = -1 - [1/2, 0] diag(-2,-1)^{-1} [1, 0]^T
    # = -1 + 1/4 = -3/4
    assert doc["levels"][0]["margin"] == pytest.approx(1.0)
    assert doc["levels"][1]["margin"] == pytest.approx(0.75)


def test_non_hurwitz_block_refuted_with_an_eigenvalue_witness(tmp_path, capsys):
    # level 2 becomes 2 + 1/4 = 9/4 > 0: an exact positive real eigenvalue of L_2
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(three_level(h22=2)))
    assert main(["sa", "check", str(path), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "refuted"
    c32 = next(c for c in doc["conditions"] if c["name"] == "(C.3.2)")
    assert c32["holds"] is False and c32["failure_refutes"] is True
    assert "exact real eigenvalue 9/4 >= 0" in c32["detail"]
    assert "Routh first-column entry 2 = -9/4" in c32["detail"]


def test_complex_unstable_level_has_a_numeric_eigenvalue_witness():
    data = {"timescales": [{"name": "x", "dim": 2}], "H": [[0.1, -1], [1, 0.1]],
            "exponents": [0.8]}
    res = check_system(system_from_dict(data))
    c = next(c for c in res.conditions if c.name == "(C.1.1)")
    assert res.verdict.value == "refuted" and "eigenvalue 0.1+1i" in c.detail


def test_failed_step_size_condition_is_inconclusive(tmp_path, capsys):
    path = tmp_path / "steps.yaml"
    path.write_text(yaml.safe_dump(three_level(exponents=(0.4, 0.4, 0.9))))
    assert main(["sa", "check", str(path)]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "overall verdict: inconclusive" in out and "refuted" not in out
    res = check_system(load_system(path))
    assert set(res.failing) == {"(A:3) sum a_1(n)^2 < inf", "(A:3) sum a_2(n)^2 < inf",
                                "(A:3) a_2(n)/a_1(n) -> 0"}
    # --exponents overrides the file's
    assert check_system(load_system(path), "0.55,0.7,0.9").verdict.value == "certified"


def test_sample_noise_model_constant_by_hand():
    # H = mean of H_s = +-1 around -1 (1x1), b_s = 0: E|H_s - H|^2 = 1, so K = 2
    data = {"timescales": [{"name": "x", "dim": 1}], "H": [[-1]], "exponents": [0.7],
            "noise": {"model": "samples", "samples": [{"p": 0.5, "H": [[0]]},
                                                       {"p": 0.5, "H": [[-2]]}]}}
    res = check_system(system_from_dict(data))
    a3 = next(c for c in res.conditions if c.name == "(A:2)")
    assert a3.holds is True and a3.numbers["K"] == pytest.approx(2.0)
    assert res.verdict.value == "certified"
    unspecified = check_system(system_from_dict({k: v for k, v in data.items() if k != "noise"}))
    assert unspecified.verdict.value == "inconclusive"


def test_singular_level_is_refuted_with_eigenvalue_zero():
    data = {"timescales": [{"name": "v", "dim": 1}, {"name": "t", "dim": 1}],
            "H": [[0, 1], [1, -1]], "exponents": [0.6, 0.8]}
    res = check_system(system_from_dict(data))
    c = next(c for c in res.conditions if c.name == "(C.2.1)")
    assert res.verdict.value == "refuted" and "exact real eigenvalue 0 >= 0" in c.detail
    assert next(c for c in res.conditions if c.name == "(C.2.2)").holds is False


@pytest.mark.parametrize("data, words", [
    ({"timescales": [{"name": "x", "dim": 1}], "H": [[-1]], "bogus": 1}, "unknown key"),
    ({"timescales": [{"name": "x", "dim": 2}], "H": [[-1]]}, "2 x 2 matrix"),
    ({"timescales": [{"name": "x", "dim": 1}], "H": [[-1]], "exponents": [0.5, 0.6]},
     "1 numbers"),
    ({"timescales": [{"name": "x", "dim": 1}], "H": [[-1]], "exponents": [0.7],
      "noise": {"model": "samples", "samples": [{"p": 1, "H": [[0]]}]}}, "sample mean"),
])
def test_bad_system_files_exit_2(tmp_path, capsys, data, words):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    assert main(["sa", "check", str(path)]) == 2
    assert words in capsys.readouterr().err


def test_cli_argument_errors(capsys):
    assert main(["sa", "check", "nonsense-algo", "boyan-chain", "--exponents", "0.6"]) == 2
    assert "neither an algorithm" in capsys.readouterr().err
    assert main(["sa", "check", "gtd2", "random-walk-5"]) == 2
    assert "--exponents" in capsys.readouterr().err


def test_original_gtd_builtin_levels(capsys):
    """GTD (Sutton et al. 2008): level 1 is -I, level 2 is -A^T A (Hurwitz iff A is
    nonsingular); its limit is the TD fixed point, as for GTD2."""
    import numpy as np

    from certify.algorithms.td.analysis import analyze_sa
    from certify.algorithms.td.linear import from_problem
    from certify.mdp import load_problem

    res = analyze_sa("gtd", load_problem("random-walk-5"), "0.6,0.8")
    assert res.verdict.value == "certified"
    td = from_problem(load_problem("random-walk-5"))
    a = np.asarray(td.A, dtype=float)
    assert res.levels[0]["margin"] == pytest.approx(1.0)
    assert res.levels[1]["margin"] == pytest.approx(np.linalg.eigvalsh(a.T @ a).min(), rel=1e-9)
    np.testing.assert_allclose(res.td.theta_star, -np.linalg.solve(a, td.b))
    assert main(["sa", "check", "gtd", "random-walk-5", "--exponents", "0.6,0.8"]) == 0
