"""Reports a researcher pastes into an appendix (issue 19, item 6): formulas typeset (no ASCII
"<=", "alpha", "||x||_inf" in the prose, matrix inequalities in the Loewner order), tables
and headings inside the margin (no "Overfull \\hbox" in the TeX log)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from certify import analyze_qlearning, load_problem
from certify.algorithms.qlearning.report import qlearning_report
from certify.report.check_latex import text_latex

ROOT = Path(__file__).resolve().parents[1]
ASCII = re.compile(r"<=|>=|\\ensuremath\{[<>]\}|\+-|\|\||\b(alpha|beta|gamma|rho|lambda|kappa|"
                   r"sigma|tau|xi|varrho|sqrt|nan|NaN|None)\b|\bd_min\b")
"""ASCII formulas (and unprintable values) that must not appear in a report's prose."""


def prose(tex: str) -> str:
    """The text of ``tex`` outside math, \\texttt{...}, pgfplots code and comments."""
    t = re.sub(r"(?s)\\begin\{tikzpicture\}.*?\\end\{tikzpicture\}", " ", tex)
    t = re.sub(r"(?s)\\\[.*?\\\]", " ", t)
    t = re.sub(r"(?s)\$[^$]*\$", " ", t)
    t = re.sub(r"\\texttt\{(?:[^{}]|\{[^{}]*\})*\}", " ", t)
    return re.sub(r"(?m)%.*$", " ", t)


@pytest.fixture(scope="module")
def sls_tex() -> str:
    return qlearning_report(analyze_qlearning(load_problem("seed-sls"), 0.5))


@pytest.fixture(scope="module")
def ntk_claims_tex() -> str:
    """The claims report of seed 001 (claim names with formulas: 'beta = 1 - alpha ...')."""
    from certify.claims import run_claims
    from certify.report.claims_report import claims_report

    return claims_report(run_claims(ROOT / "certify/data/claims/seed-001-ntk.yaml"))


def test_qlearning_report_prose_has_no_ascii_formula(sls_tex):
    found = [m.group(0) for m in ASCII.finditer(prose(sls_tex))]
    assert found == [], found
    assert r"\title{Certified convergence of Q-learning on seed-sls ($\alpha = 0.5$)}" in sls_tex
    # the CQLF's exact check is in the Loewner order, the max-norm check stays entrywise
    assert r"$X \succ 0$ and $\beta ^{2} X - A^\top X A \succeq 0$" in sls_tex
    assert r"$T(w) \le r w$" in sls_tex
    assert r"Sampling: $d$ over state-action pairs" in sls_tex  # the symbol of the data table


def test_claims_report_prose_has_no_ascii_formula(ntk_claims_tex):
    found = [m.group(0) for m in ASCII.finditer(prose(ntk_claims_tex))]
    assert found == [], found
    # a claim's name is typeset alike in the table and where its computation is described
    assert ntk_claims_tex.count(r"$\beta = 1 - \alpha (1 - \gamma ) \rho _{\min}$") >= 2


def test_field_values_with_formulas_are_typeset():
    """Text fields of an output (the appendix table) holding formulas are typeset."""
    from certify.report.command_section import _value_tex

    assert _value_tex("xi = alpha/varrho", "timescales[0].step") == r"$\xi = \alpha /\varrho$"
    assert "<" not in prose(_value_tex("||Q - Q*||_inf <= gamma ln(m)", "invariant_set.set"))
    assert _value_tex("policy iteration (dense solves)", "q_star_check.method") == \
        "policy iteration (dense solves)"


@pytest.mark.parametrize("text, expected", [
    ("X > 0", r"X \succ 0"), ("beta^2 X - A^T X A >= 0", r"\beta ^{2} X - A^\top X A \succeq 0"),
    ("A^T X A <= beta^2 X", r"A^\top X A \preceq \beta ^{2} X"),
    ("T(w) <= r w", r"T(w) \le r w"), ("w > 0", "w > 0")])
def test_matrix_inequalities_in_the_loewner_order(text, expected):
    assert str(text_latex(text)) == f"${expected}$"


def overfull(tex: str, folder: Path) -> list[str]:
    """The "Overfull \\hbox" warnings of compiling ``tex`` twice with pdflatex."""
    (folder / "r.tex").write_text(tex, encoding="utf-8")
    for _ in range(2):
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "r.tex"],
                       cwd=folder, capture_output=True, timeout=120, check=True)
    log = (folder / "r.log").read_text(errors="replace")
    return [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]


needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex")


@pytest.mark.tex
@needs_pdflatex
def test_qlearning_report_inside_the_margin(sls_tex, tmp_path):
    """The rates table and the mean-square heading ran 38 pt and 100 pt into the margin."""
    assert overfull(sls_tex, tmp_path) == []


@pytest.mark.tex
@needs_pdflatex
def test_claims_report_inside_the_margin(tmp_path):
    """Long assertions in the claims table and certificate headings stay inside the margin."""
    from certify.claims import run_claims
    from certify.report.claims_report import claims_report

    tex = claims_report(run_claims(ROOT / "certify/data/claims/seed-000-smooth.yaml"))
    assert overfull(tex, tmp_path) == []


def test_finite_time_bounds_print_rounded_up():
    """``finite_time.max_norm.rate`` (and the floors) are bounds: the claims appendix printed
    the rate 0.99446837154 of seed-sls as 0.9944683715 (to nearest, below the certified value)
    because "finite_time" contains "time" (a timing's mark)."""
    from fractions import Fraction

    from certify.formatting import side_of_key
    from certify.report.command_section import _value_tex

    assert side_of_key("finite_time.max_norm.rate") == "upper"
    assert side_of_key("finite_time.quadratic.noise_floor") == "upper"
    assert side_of_key("timings.bounds_s") == "value" and side_of_key("cqlf.seconds") == "value"
    rate = 0.9944683715386596  # the seed-sls max-norm rate (alpha = 0.5) as the JSON has it
    shown = str(_value_tex(rate, "finite_time.max_norm.rate")).strip("$")
    assert shown == "0.9944683716" and Fraction(shown) >= Fraction(rate)


@pytest.mark.parametrize("text, expected", [
    ("the bracket is tight to 1e-12", r"the bracket is tight to $10^{-12}$"),
    ("gap below 2.5e-03", r"gap below $2.5 \times 10^{-3}$"), ("x <= 1e0", r"$x \le 10^{0}$")])
def test_scientific_numbers_as_powers_of_ten(text, expected):
    """"1e-12" in a claim's name was typeset as the product 1 e minus 12."""
    assert str(text_latex(text)) == expected


def test_claims_values_without_python_or_nan_spellings():
    """A method without an upper end recorded NaN, printed "NaN"; booleans printed "True"."""
    from certify.report.claims_report import _value
    from certify.report.command_section import _value_tex

    assert _value_tex(float("nan"), "history[0].upper") == "--"
    assert _value(float("nan"), "upper") == "--"
    assert _value(True) == "true" and _value(False) == "false"


@pytest.mark.parametrize("value, expected", [
    ("xi' = beta/varrho'", r"$\xi ' = \beta /\varrho '$"), ("theta", r"$\theta$"),
    ("Routh-Hurwitz on the exact characteristic polynomial",
     "Routh-Hurwitz on the exact characteristic polynomial"),
    ("M0 Hurwitz: True (Routh-Hurwitz, exact)", "M0 Hurwitz: True (Routh-Hurwitz, exact)")])
def test_sa_check_fields_typeset(value, expected):
    """The step-size names of `sa check` (primed Greek letters) are symbols; a hyphenated
    name stays a word ("Routh - Hurwitz" was set as a difference)."""
    from certify.report.command_section import _value_tex

    assert _value_tex(value, "timescales[1].step") == expected


@pytest.mark.parametrize("text, expected", [
    ("V* = tau ln((e^{1/tau} + 1)/2)", r"$V^{*} = \tau \ln ((e^{1/\tau} + 1)/2)$"),
    ("pi*(a) = 1", r"$\pi ^{*}(a) = 1$"), ("2*x", r"$2 \cdot x$"),
    ("beta = sigma^2 kappa / 2 - C2 - L", r"$\beta = \sigma ^{2} \kappa / 2 - C2 - L$")])
def test_optimal_stars_braced_exponents_and_indexed_symbols(text, expected):
    """seed-004's description showed pi*(a) as a product, e^{1/tau} as a wedge and broke the
    formula of beta at "C2"."""
    assert str(text_latex(text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("norm_decay_rate = c/p", r"\texttt{norm\_decay\_rate} $= c/p$"),
    ("||e(t)||_inf <= K e^{-(c/p) t}", r"$\|e(t)\|_\infty \le K e^{-(c/p) t}$"),
    ("||Q - Q*||_{w,p}", r"$\|Q - Q^{*}\|_{w,p}$"), ("lambda_max(X)", r"$\lambda _{\max}(X)$")])
def test_field_names_and_braced_scripts(text, expected):
    """seed-000's p_tradeoff.compare showed sup_{norm,constant} for the field
    sup_norm_constant and e ^ {-(c/p) t} split at its space."""
    assert str(text_latex(text)) == expected


def test_report_console_line_says_what_check_says(tmp_path, capsys):
    """`certify report CLAIMS` said "checks all certified" of claims that hold while
    inconclusive; it now counts the claims as `certify check` does."""
    from tests.test_cli_fuzz import run

    code, out, _ = run(["report", "--example", "false-claim", "-o", str(tmp_path / "c.tex")], capsys)
    assert code == 1 and "0 of 1 claims hold" in out and "certified" not in out
    code, out, _ = run(["report", "seed-sls", "--alpha", "0.5", "--runs", "0", "-o",
                        str(tmp_path / "q.tex")], capsys)
    assert code == 0 and "verdict certified" in out


def test_claims_report_cites_the_paper_of_aliased_commands(ntk_claims_tex):
    """seed-001's claims name `ntk_check` (an alias): its report had no References."""
    from certify.report.claims_report import _paper

    assert _paper("ntk_check") == _paper("ntk check") == "ntk"
    assert _paper("sa_check") == "sa" and _paper("pg_meanfield") == "pg"
    assert "Towards Characterizing Divergence in Deep Q-Learning" in ntk_claims_tex
    assert "Joshua Achiam, Ethan Knight and Pieter Abbeel" in ntk_claims_tex


@pytest.mark.tex
@needs_pdflatex
def test_long_witness_vectors_inside_the_margin(tmp_path):
    """On a 40-pair Garnet the weight vector w ran 1440 pt into the margin: long witnesses
    show their first and last entries and say where the whole vector is."""
    res = analyze_qlearning(load_problem("garnet:10:4:3:0"), 0.5, cqlf=False)
    tex = qlearning_report(res)
    assert r"\dots" in tex and "40 entries" in tex
    assert overfull(tex, tmp_path) == []


def test_jsr_claims_report_has_a_bibliography():
    """The claims report of jsr-golden ended without any reference."""
    from certify.report.claims_report import _paper
    from certify.report.references import references_tex

    assert _paper("jsr") == "jsr"
    tex = references_tex([_paper("jsr")])
    assert "Raphaël Jungers" in tex and r"\emph{The Joint Spectral Radius: Theory and Applications}" in tex
    assert "Springer, 2009" in tex


@pytest.mark.parametrize("text, expected", [
    ("the gap (20 steps checked)", "the gap (20 steps checked)"),
    ("the root of det(xI - A_w^2)", r"the root of $\det (x I - A_{w}^{2})$")])
def test_parenthesised_numbers_and_scalar_times_identity(text, expected):
    """"(20 steps" was set as the formula $(20$; xI as one name."""
    assert str(text_latex(text)) == expected
