"""The claims report as an appendix (issue 19, item 6): a table of the claims that fits the
text width, the computations with their certificates typeset in LaTeX, the recorded fields
and the timings in an appendix (not in the body)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from certify.claims import run_claims
from certify.report import build
from certify.report.claims_report import TABLE_WIDTHS, claims_report
from certify.report.command_section import is_timing
from tests.test_report import needs_tex

EXAMPLE = Path(__file__).resolve().parents[1] / "certify" / "data" / "claims" / "seed-002-qlearning.yaml"


@pytest.fixture(scope="module")
def run():
    return run_claims(EXAMPLE)


@pytest.fixture(scope="module")
def tex(run) -> str:
    return claims_report(run)


def test_is_timing():
    assert is_timing("direct_jsr.timings.search_s") and is_timing("cqlf.seconds")
    assert is_timing("q_star_check.seconds") and not is_timing("direct_jsr.upper")
    assert not is_timing("sampling.d_min")


def test_claims_table_column_spec_fits_the_line(tex):
    spec = re.search(r"\\begin\{longtable\}\{(.*)\}\n\\caption\{Claims of", tex).group(1)
    widths = [float(w) for w in re.findall(r"p\{\\dimexpr ([0-9.]+)\s*\\linewidth - 2\\tabcolsep", spec)]
    assert widths == list(TABLE_WIDTHS)
    # every column is p{f \linewidth - 2 \tabcolsep}, outer padding removed by @{}: the table's
    # width is sum(f) \linewidth - 2 \tabcolsep <= \linewidth
    assert sum(widths) <= 1.0 + 1e-12
    assert spec.startswith("@{}") and spec.endswith("@{}")
    assert spec.count(">{") == len(widths) and not re.search(r"\}[lrc]", spec)


def test_timings_and_fields_only_in_the_appendix(tex):
    body, appendix = tex.split(r"\section{Appendix: recorded outputs", 1)
    body = body.replace("recorded outputs\nand timings are in Appendix", "")
    assert "timings" not in body and "seconds" not in body
    assert body.count(r"\subsection{Computation") == 3
    assert appendix.count(r"\subsection*{Output of computation") == 3 and r"\subsection*{Timings}" in appendix
    timing_table = appendix.split(r"\subsection*{Timings}", 1)[1]
    assert "timings" in timing_table and "seconds" in timing_table
    # the fields tables of the appendix hold no timing row
    fields = appendix.split(r"\subsection*{Timings}", 1)[0]
    assert "timings" not in fields.replace("timings}", "")
    # formula fields typeset: the max-norm bound of the recorded output
    assert r"$\|e_{k}\|_\infty \le \kappa \rho ^{k} \|e_{0}\|_\infty" in fields
    # certificates: checks typeset in LaTeX, no ASCII relations
    assert r"$T(w) \le r w$" in body and "<=" not in body.split(r"\begin{longtable}")[0]
    for line in body.splitlines():
        if line.startswith(r"\paragraph{Certificate"):
            assert "<=" not in line and ">=" not in line and "ensuremath{<}" not in line


@pytest.mark.tex
@needs_tex
def test_claims_pdf_stays_inside_the_margins(tex, tmp_path):
    """Every word of the compiled report lies inside the 2.5 cm margins (no overfull table)."""
    out = tmp_path / "claims.pdf"
    res = build.build_pdf(tex, out)
    assert res.warnings == ()
    html = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    page_w = float(re.search(r'<page width="([0-9.]+)"', html).group(1))
    right = page_w - 2.5 / 2.54 * 72  # the text block's right edge (geometry margin=2.5cm)
    words = re.findall(r'<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)"', html)
    assert len(words) > 300
    worst = max(float(x1) for _, x1 in words)
    assert worst <= right + 2.0, (worst, right)


def test_computation_titles_number_in_text_not_math():
    """Section titles carry the computation's number as text (``Computation 3``), not as a
    typeset number (``$3$``, which breaks PDF bookmarks)."""
    from certify.report.command_section import computation_body, computation_fields

    body = computation_body(3, "qlearning", {"alpha": 0.5}, {"verdict": "certified"}, [], "k")
    fields, _ = computation_fields(3, "qlearning", {"verdict": "certified", "rate": 0.5}, "k")
    assert r"\subsection{Computation 3: " in body
    assert r"\subsection*{Output of computation 3: " in fields and "$3$" not in fields
