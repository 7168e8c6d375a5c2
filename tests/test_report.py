"""LaTeX reports: escaping, outward-rounded numbers, atomic writes, the TeX build, the
seed-sls report (its numbers against an independent brute force) and `certify report`."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify import analyze_qlearning, load_problem
from certify.algorithms.qlearning.report import qlearning_report
from certify.cli import main
from certify.exact.printing import fmt_upper
from certify.report import build
from certify.report.latex import bound, escape, matrix, num
from tests.conftest import IN_CI
from tests.helpers import all_policies, direct_member_dense

ROOT = Path(__file__).resolve().parents[1]
HAVE_TEX = build.find_engine() is not None and shutil.which("pdftotext") is not None
needs_tex = pytest.mark.skipif(not HAVE_TEX and not IN_CI,
                               reason="no TeX engine (latexmk/pdflatex) or poppler-utils; "
                                      "install them as .ci/run does to run the PDF tests")


@pytest.fixture(scope="module")
def sls():
    return analyze_qlearning(load_problem("seed-sls"), 0.5)


@pytest.fixture(scope="module")
def sls_jsr() -> float:
    """max_pi rho(A_pi) by enumerating the 4 policies of seed-sls (independent of certify)."""
    prob = load_problem("seed-sls")
    return max(max(abs(np.linalg.eigvals(direct_member_dense(prob.mdp, prob.sampling.d, 0.5, pi))))
               for pi in all_policies(2, 2))


# ----------------------------------------------------------------------------- latex.py
def test_escape_specials():
    assert escape("a_b & 50% #1 {x} $y ~ ^ \\") == (
        r"a\_b \& 50\% \#1 \{x\} \$y \textasciitilde{} \textasciicircum{} \textbackslash{}")


@pytest.mark.parametrize("x, kwargs, expected", [
    (0.12345678915, {"digits": 10, "mode": "up"}, "$0.1234567892$"),
    (0.12345678915, {"digits": 10, "mode": "down"}, "$0.1234567891$"),
    (0.995, {}, "$0.995$"),
    (9.9999999, {"digits": 3, "mode": "up"}, "$10$"),
    (9.9999999, {"digits": 3, "mode": "down"}, "$9.99$"),
    (90768158.36, {}, r"$9.07682\times 10^{7}$"),
    (1.5e-7, {}, r"$1.5\times 10^{-7}$"),
    (-0.25, {"mode": "up"}, "$-0.25$"),
    (3, {}, "$3$"),
    (float("inf"), {}, r"$\infty$"),
    (None, {}, "--"),
])
def test_num(x, kwargs, expected):
    assert num(x, **kwargs) == expected


@settings(max_examples=200, deadline=None)
@given(x=st.floats(1e-12, 1e12), digits=st.integers(1, 12))
def test_bounds_round_outward(x, digits):
    def back(s: str) -> Decimal:
        s = s.strip("$")
        if r"\times" in s:
            m, e = s.split(r"\times 10^")
            return Decimal(m) * Decimal(10) ** int(e.strip("{}"))
        return Decimal(s)

    up, down = back(bound(x, "upper", digits)), back(bound(x, "lower", digits))
    assert down <= Decimal(x) <= up
    assert up - down <= Decimal(10) ** (Decimal(x).adjusted() - digits + 2)


def test_matrix_large_is_summarised():
    assert "bmatrix" in matrix(np.eye(3))
    assert "a $20\\times20$ matrix" in matrix(np.eye(20))


# ----------------------------------------------------------------------------- build.py
def test_write_atomic_and_missing_folder(tmp_path):
    from certify.errors import InvalidInput

    p = build.write_atomic(tmp_path / "a.tex", "hello")
    assert p.read_text() == "hello" and [f.name for f in tmp_path.iterdir()] == ["a.tex"]
    with pytest.raises(InvalidInput, match="does not exist"):
        build.write_atomic(tmp_path / "nope" / "a.tex", "x")


def test_parse_log():
    log = ("This is pdfTeX\n./report.tex:12: Undefined control sequence.\n"
           "LaTeX Warning: Reference `x' on page 1 undefined on input line 5.\n"
           "Package pgfplots Warning: running in backwards compatibility mode\n"
           "! Emergency stop.\n")
    errors, warnings = build.parse_log(log)
    assert errors == ["./report.tex:12: Undefined control sequence.", "! Emergency stop."]
    assert len(warnings) == 2 and "undefined" in warnings[0]


def test_missing_engine_says_how_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    with pytest.raises(build.TeXNotFound, match="apt-get install latexmk"):
        build.build_pdf("x", tmp_path / "r.pdf")
    assert main(["report", "seed-sls", "--alpha", "0.5", "-o", str(tmp_path / "r.pdf")]) == 2
    assert "no TeX engine found" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- content
def test_qlearning_report_numbers(sls, sls_jsr):
    tex = qlearning_report(sls)
    assert tex.startswith("\\documentclass") and "\\end{document}" in tex
    # the printed bracket contains the brute-force JSR and is 10-digit tight
    lo = float(num(sls.direct.lower, 10, "down").strip("$"))
    hi = float(num(sls.direct.upper, 10, "up").strip("$"))
    assert lo <= sls_jsr <= hi and hi - lo <= 2e-10
    assert f"{hi:.10f}" in tex and f"{lo:.10f}" in tex
    # row-sum rate 1 - alpha d_min (1 - gamma) = 1 - 0.5 * 0.1 * 0.1, an upper bound: in exact
    # rationals of the doubles 0.1 and 0.9 it is 0.995 + 8e-19, so it prints rounded up
    assert "$0.9950000001$" in tex and "$0.98$" in tex
    # kappa = max w / min w, noise floor alpha kappa w_inf / (1 - rho) with w_inf = 2 * (1 + 1.9 * 10)
    w = np.asarray(sls.direct.upper_certificate.w)
    kappa = w.max() / w.min()
    floor = 0.5 * kappa * 40.0 / (1 - sls.direct.upper)
    # both are upper bounds: printed rounded up at 6 digits
    assert f"\\kappa = {fmt_upper(kappa, 6)}" in tex and f"= {fmt_upper(floor, 6)}$" in tex
    assert "\\begin{bmatrix}" in tex and "s0 $\\mapsto$ a0, s1 $\\mapsto$ a1" in tex


def test_fragment_has_no_preamble(sls):
    tex = qlearning_report(sls, fragment=True)
    assert "\\documentclass" not in tex and "\\begin{document}" not in tex
    assert tex.lstrip().startswith("%") and "\\section{Constant-step Q-learning on seed-sls}" in tex


def test_simulated_hook_and_matplotlib(sls):
    from certify.report.plots import bound_curves, matplotlib_pdf

    t = np.arange(0, 121, 10)
    sim = (t, 0.9 ** t)
    curves = bound_curves(sls, steps=100, simulated=sim)
    assert curves.k[0] == 0 and curves.k[-1] == 100
    assert list(curves.simulated_k) == list(range(0, 101, 10))
    assert np.allclose(curves.curves["simulated mean relative error"], 0.9 ** curves.simulated_k)
    # bounds, not bare rates: rate^k plus the floor alpha w_inf (1 - rate^k)/(1 - rate), relative
    # to ||Q*||_inf = 10, with w_inf = 2 (1 + 1.9 * 10) = 40 and alpha = 0.5
    row = curves.curves[r"pathwise bound, row-sum rate: $\rho_{\mathrm{row}}^k$ + floor"]
    r = 0.995 ** curves.k
    assert np.allclose(row, r + 0.5 * 40 * (1 - r) / 0.005 / 10)
    assert not any(y.shape == r.shape and np.allclose(y, r) for y in curves.curves.values())
    assert matplotlib_pdf(curves).startswith(b"%PDF")
    tex = qlearning_report(sls, steps=100, simulated=sim)
    assert "simulated mean relative error" in tex and "(100,2.65614e-05)" in tex


# ----------------------------------------------------------------------------- CLI
def test_cli_report_tex_and_bad_input(tmp_path, capsys):
    out = tmp_path / "r.tex"
    assert main(["report", "seed-sls", "--alpha", "0.5", "-o", str(out), "--fragment",
                 "--runs", "0"]) == 0
    assert "\\section{Constant-step" in out.read_text()
    assert main(["report", str(ROOT / "certify/data/claims/false-claim.yaml"), "-o",
                 str(tmp_path / "a.tex")]) == 1
    assert "direct JSR below $0.99$ on seed-sls (false)" in (tmp_path / "a.tex").read_text()
    for argv, msg in [
        (["report", "seed-sls", "--alpha", "0.5", "-o", str(tmp_path / "no" / "r.pdf")],
         "does not exist"),
        (["report", "seed-sls", "-o", str(tmp_path / "x.tex")], "--alpha: required"),
        (["report", "seed-sls", "--alpha", "0.5", "-o", str(tmp_path / "x.pdf"), "--fragment"],
         "--fragment"),
        (["report", "seed-sls", "--alpha", "0.5", "-o", str(tmp_path / "x.docx")], "must end in"),
    ]:
        capsys.readouterr()
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert msg in err and "Traceback" not in err
    assert sorted(f.name for f in tmp_path.iterdir()) == ["a.tex", "r.tex"]


@pytest.mark.tex
@needs_tex
def test_seed_sls_pdf(tmp_path, sls_jsr):
    out = tmp_path / "report.pdf"
    assert main(["report", "seed-sls", "--alpha", "0.5", "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    hi = float(f"{sls_jsr:.10g}")
    assert "0.9944683716" in text and "0.9944683715" in text and abs(hi - 0.99446837154) < 1e-10
    assert "certified" in text and "0.995" in text
    res = build.build_pdf(qlearning_report(analyze_qlearning(load_problem("seed-sls"), 0.5)),
                          tmp_path / "again.pdf")
    assert res.undefined_references == ()
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(out),
                    str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.tex
@needs_tex
def test_claims_pdf(tmp_path):
    out = tmp_path / "claims.pdf"
    assert main(["report", str(ROOT / "certify/data/claims/seed-002-qlearning.yaml"), "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "6 of 6 hold" in text.replace("\n", " ")


def test_cli_report_on_an_mdp_yaml_file(tmp_path, capsys):
    """An MDP given as a .yaml file was taken for a claims file ("unknown key 'P'")."""
    mdp = tmp_path / "two.yaml"
    mdp.write_text("gamma: 0.9\nlayout: SAS\nP: [[[1, 0], [0, 1]], [[0, 1], [1, 0]]]\nR: [[1, 0], [0, 1]]\n")
    out = tmp_path / "r.tex"
    assert main(["report", str(mdp), "--alpha", "0.5", "-o", str(out), "--runs", "0", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "qlearning" and doc["verdict"] == "certified" and out.is_file()


def test_cli_report_json_verdict_is_the_computation_s(tmp_path, capsys):
    """The report's --json verdict said "inconclusive" for every uncertified outcome."""
    claims = Path(__file__).resolve().parents[1] / "certify" / "data" / "claims" / "false-claim.yaml"
    assert main(["report", str(claims), "-o", str(tmp_path / "c.tex"), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "claims" and doc["verdict"] == "refuted"
