"""Reports and figures a researcher pastes into an appendix (issue 19, item 6).

* a CQLF skipped on request is "skipped" in console, JSON and LaTeX, never "inconclusive";
* checks are typeset in LaTeX (\\le, \\top), never as ASCII "<=" or "^T";
* crossval figures draw the certified bound curves the checks use, above the data, with
  labelled axes, the legend outside the axes and vector output by the file's suffix;
* the claims report's table fits \\textwidth and its timings are in an appendix.
"""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest

from tests.test_cli_fuzz import run
from tests.test_report import needs_tex


# ------------------------------------------------------------------ CQLF skipped on request
def test_cqlf_skipped_console_and_json(capsys):
    code, out, err = run(["qlearning", "seed-sls", "--alpha", "0.5", "--cqlf", "no", "--json"],
                         capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["cqlf"]["verdict"] == "skipped" and doc["cqlf"]["rate"] is None
    assert "request" in doc["cqlf"]["reason"]
    assert doc["verdict"] == "certified"  # a check not run does not lower the verdict
    code, out, err = run(["qlearning", "seed-sls", "--alpha", "0.5", "--cqlf", "no"], capsys)
    row = next(line for line in out.splitlines() if "CQLF rate" in line)
    assert "skipped" in row.split("│")[-2] and "inconclusive" not in row


def test_cqlf_skipped_in_report():
    from certify.algorithms.qlearning.analysis import analyze_qlearning
    from certify.algorithms.qlearning.report import qlearning_report
    from certify.mdp.builtins import builtin_problem

    res = analyze_qlearning(builtin_problem("seed-sls"), 0.5, cqlf=False)
    tex = qlearning_report(res, fragment=True)
    row = next(line for line in tex.splitlines() if line.startswith(r"CQLF rate"))
    assert row.rstrip(" \\").endswith("skipped") and "inconclusive" not in row


# ------------------------------------------------------------------ checks typeset in LaTeX
ASCII_REASONS = [
    "exact check T(w) <= r w passed on every row",
    "exact LDL^T: X > 0 and beta^2 X - A^T X A >= 0 for every member",
    "exact check of (16), (17) and beta(K) <= bound < 1",
    "exact check gamma(p-1)u_i + gamma col(u) - p u_i <= -c u_i",
    "exact check a^p sum(u) <= min(u) (1 - c/(p d_min))^p",
    "refused: ||x||_inf = 5, 1/beta_s_bar, A_pi x >= r x, {x} #1 $2 50% & ~",
    "exact: rho(A_w)^(1/k) and max ||A_v||_2^(1/l) both equal theta^(1/(2kl))",
    "exact: broken x^( y+~z\\w*{q}_ <= 1",
]


def test_text_latex_typesets_the_issue_examples():
    from certify.report.check_latex import text_latex

    assert text_latex(ASCII_REASONS[0]) == r"exact check $T(w) \le r w$ passed on every row"
    # matrix inequalities in the Loewner order (positive definite, semidefinite)
    assert text_latex(ASCII_REASONS[1]) == (r"exact $LDL^\top$: $X \succ 0$ and "
                                            r"$\beta ^{2} X - A^\top X A \succeq 0$ for every member")


@pytest.mark.parametrize("text", ASCII_REASONS)
def test_text_latex_has_no_ascii_relations(text):
    from certify.report.check_latex import text_latex

    tex = text_latex(text)
    assert "<=" not in tex and ">=" not in tex and "^T" not in tex
    parts = re.split(r"(?<!\\)\$", tex)  # unescaped dollars open and close math mode
    assert "textasciicircum" not in tex and len(parts) % 2 == 1
    # the words outside math mode are the words of the text, escaped
    words = [w for i, part in enumerate(parts) if i % 2 == 0 for w in part.split()]
    assert words[0].rstrip(":") in ("exact", "refused")


def test_qlearning_report_checks_in_latex():
    from certify.algorithms.qlearning.analysis import analyze_qlearning
    from certify.algorithms.qlearning.report import qlearning_report
    from certify.mdp.builtins import builtin_problem

    tex = qlearning_report(analyze_qlearning(builtin_problem("seed-sls"), 0.5), fragment=True)
    checks = [line for line in tex.splitlines() if line.startswith("Verdict:")]
    assert len(checks) == 3  # max-norm, Collatz-Wielandt, CQLF
    for line in checks:
        assert "<=" not in line and ">=" not in line and "textasciicircum" not in line
        assert "ensuremath{<}" not in line and "ensuremath{>}" not in line
    assert any(r"$T(w) \le r w$" in line for line in checks)
    assert any(r"A^\top X A \succeq 0" in line for line in checks)


# ------------------------------------------------------------------ Q-learning report figure
def _pgf_curves(tex: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """legend -> (x, y) of every \\addplot of a pgfplots figure."""
    out = {}
    for coords, legend in re.findall(r"\\addplot\[[^\]]*\] coordinates \{([^}]*)\};\n"
                                     r"\\addlegendentry\{(.*)\}", tex):
        pts = np.array([[float(v) for v in p.split(",")] for p in re.findall(r"\(([^)]*)\)", coords)])
        out[legend] = (pts[:, 0], pts[:, 1])
    return out


def test_report_figure_draws_bounds_above_the_simulated_data():
    from certify.algorithms.qlearning.analysis import analyze_qlearning
    from certify.algorithms.qlearning.report import qlearning_report
    from certify.mdp.builtins import builtin_problem
    from certify.report.plots import simulated_relative_error

    res = analyze_qlearning(builtin_problem("seed-sls"), 0.5, cqlf=False)
    sim = simulated_relative_error(res, runs=5, steps=400, seed=1)
    tex = qlearning_report(res, fragment=True, steps=400, simulated=sim)
    curves = _pgf_curves(tex)
    data_x, data_y = curves.pop("simulated mean relative error")
    assert len(curves) == 2 and all("floor" in name for name in curves)
    for name, (x, y) in curves.items():
        # a bound at k = 0 is at least 1 (the relative error starts at 1); never a bare rate^k
        assert y[0] >= 1.0 and not np.allclose(y, res.direct.upper ** x, rtol=1e-3)
        assert np.all(np.interp(data_x, x, y) >= data_y), name  # above the data it is drawn with
    ymin = float(re.search(r"ymin=([0-9.e+-]+)", tex).group(1))
    ymax = float(re.search(r"ymax=([0-9.e+-]+)", tex).group(1))
    assert ymax / ymin <= 1e8 * (1 + 1e-6) and ymax >= max(y.max() for _, y in curves.values())
    assert "legend style={at={(0.5,-0.25)}, anchor=north" in tex  # below the axis, off the data
    assert r"ylabel={$\|Q_k - Q^*\|_\infty / \|Q_0 - Q^*\|_\infty$}" in tex


@pytest.mark.tex
@needs_tex
def test_typeset_reasons_compile(tmp_path):
    """The typeset reasons (the examples above and those of the JSR engine's certificates on
    the golden pair) compile without a TeX error or warning, with the relations as symbols."""
    from certify.jsr.bounds import analyze_jsr
    from certify.report import build
    from certify.report.check_latex import text_latex

    res = analyze_jsr([[[1, 1], [0, 1]], [[1, 0], [1, 1]]])
    recs = res.certificates
    assert recs
    reasons = ASCII_REASONS + [r.check.reason for r in recs] + [r.certificate.claim() for r in recs]
    body = "\n\n".join(text_latex(r) for r in reasons)
    doc = ("\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
           + body + "\n\\end{document}\n")
    out = tmp_path / "reasons.pdf"
    assert build.build_pdf(doc, out).warnings == ()
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "≤" in text and "<=" not in text and "⊤" in text
