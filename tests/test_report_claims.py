"""Claims reports for every command (generic field tables + certificates re-checked from
their witnesses), the example claims files of every seed, and `certify report --figures`."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import pytest

from certify.claims import run_claims
from certify.cli import main
from certify.commands import get_command
from certify.report import build
from certify.report.claims_report import claims_report
from certify.report.command_section import certificate_paragraph, document_fields
from certify.report.latex import escape
from tests.test_report import needs_tex

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "certify" / "data" / "claims"
PASSING = sorted(p.name for p in EXAMPLES.glob("*.yaml") if p.name != "false-claim.yaml")


@pytest.fixture(scope="module")
def lse_doc() -> dict:
    return get_command("smooth").run(mdp="seed-sls", operator="lse", temperature=10.0)


# ----------------------------------------------------------------------------- examples
def test_every_seed_has_a_claims_file():
    assert {"seed-000-smooth.yaml", "seed-001-ntk.yaml", "seed-002-qlearning.yaml",
            "seed-003-sa.yaml", "seed-004-pg.yaml", "jsr-golden.yaml"} <= set(PASSING)


@pytest.mark.parametrize("name", PASSING)
def test_example_claims_pass(name, capsys):
    assert main(["check", str(EXAMPLES / name)]) == 0, capsys.readouterr()


def test_example_values_match_closed_forms():
    """The numbers behind the claims, against hand computations (not the claims' own text)."""
    import math

    ntk = run_claims(EXAMPLES / "seed-001-ntk.yaml")
    doc = next(iter(ntk.documents.values()))
    assert abs(doc["beta"] - (1 - 0.5 * 0.1 * 0.1)) < 1e-12  # K = I: 1 - alpha (1 - gamma) rho_min
    pg = run_claims(EXAMPLES / "seed-004-pg.yaml")
    tab = next(d for d in pg.documents.values() if d["command"] == "pg_tabular")
    assert abs(tab["pi_star"][0][0] - math.e ** 2 / (math.e ** 2 + 1)) < 1e-12
    assert abs(tab["v_star"][0] - 0.5 * math.log((math.e ** 2 + 1) / 2)) < 1e-12
    sm = run_claims(EXAMPLES / "seed-000-smooth.yaml")
    bz = next(d for d in sm.documents.values() if d["operator"] == "boltzmann")
    assert abs(bz["invariant_set"]["radius"] - 0.9 * math.log(2) / (10 * 0.1)) < 1e-12


# ----------------------------------------------------------------------------- sections
def test_document_fields_generic():
    doc = {"verdict": "certified", "rate": 0.12345678901234, "ok": True, "n": 3, "nothing": None,
           "exact": "1234567890123456789/9876543210987654321", "small": "1/3",
           "v": [1.0, 0.5], "long_list": list(range(20)), "M": [[1, 2], [3, 4]],
           "conditions": [{"name": "(A:1)", "status": "holds"}, {"name": "(B)", "status": "fails"}],
           "cert": {"kind": "product-word", "claim": "JSR >= 1.6", "verdict": "certified"},
           "sampling": {"kind": "iid", "d_min": 0.1}}
    rows, certs, skipped = document_fields(doc)
    table = {r.field.replace(r"\allowbreak{}", ""): r.value for r in rows}
    assert table[r"\texttt{rate}"] == "$0.1234567891$"  # a rate is an upper bound: rounded up
    assert table[r"\texttt{ok}"] == "true" and table[r"\texttt{n}"] == "$3$"
    assert table[r"\texttt{small}"] == r"$1/\allowbreak{}3$"
    assert table[r"\texttt{v}"] == r"$(1,\ 0.5)$"
    assert table[r"\texttt{conditions: (B)}"] == "fails"
    assert table[r"\texttt{sampling.kind}"] == "iid"  # "iid" is not a certificate kind
    assert r"\texttt{nothing}" not in table
    assert sorted(skipped) == ["M", "exact", "long_list"]
    assert certs == [("cert", doc["cert"])]


def test_certificate_rechecked_from_witness_and_tamper_refused(lse_doc):
    data = lse_doc["p_norm"]["certificate"]
    ok = certificate_paragraph("p_norm.certificate", data)
    assert ok["verdict"] == "certified" and "p = 10" in ok["text"]
    assert "re-run" in ok["source"]
    forged = copy.deepcopy(data)
    forged["witness"]["c"] = "5"  # claims dV/dt <= -5 V: far faster than the true decay
    bad = certificate_paragraph("p_norm.certificate", forged)
    assert bad["verdict"] != "certified"
    recorded = certificate_paragraph("x", {"kind": "product-word", "claim": "JSR >= 1.6",
                                           "bound": 1.6, "verdict": "certified"})
    assert "recorded" in recorded["source"] and "$1.6$" in recorded["text"]


def test_escape_bar():
    assert escape("||x||") == r"\ensuremath{|}\ensuremath{|}x\ensuremath{|}\ensuremath{|}"


def test_claims_report_has_a_section_per_computation(tmp_path):
    run = run_claims(EXAMPLES / "seed-004-pg.yaml")
    tex = claims_report(run)
    assert tex.count(r"\subsection{Computation") == 3  # 3 distinct parameter sets
    assert r"\texttt{beta}" in tex and "pg\\_meanfield" in tex
    assert str(ROOT) not in tex  # file parameters are printed by name only
    assert "built-in method" not in tex


# ----------------------------------------------------------------------------- --figures
def test_figures_pdf_tex(tmp_path, capsys):
    out = tmp_path / "r.tex"
    assert main(["report", "seed-sls", "--alpha", "0.5", "--runs", "0", "--figures", "pdf",
                 "-o", str(out)]) == 0
    assert (tmp_path / "r-bounds.pdf").read_bytes().startswith(b"%PDF")
    tex = out.read_text()
    assert r"\includegraphics[width=0.85\linewidth]{r-bounds.pdf}" in tex
    assert "semilogyaxis" not in tex
    assert main(["report", "seed-sls", "--alpha", "0.5", "--runs", "0", "--figures", "pgfplots",
                 "-o", str(tmp_path / "p.tex")]) == 0
    assert "semilogyaxis" in (tmp_path / "p.tex").read_text()


@pytest.mark.parametrize("argv, msg", [
    (["seed-sls", "--alpha", "0.5", "--figures", "png"], "invalid choice"),
    ([str(EXAMPLES / "seed-004-pg.yaml"), "--figures", "pdf"], "has no figures"),
])
def test_figures_bad_input_exit_2(tmp_path, capsys, argv, msg):
    try:
        code = main(["report", *argv, "-o", str(tmp_path / "x.tex")])
    except SystemExit as exc:  # argparse refuses the choice while parsing
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and msg in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- PDF
@pytest.mark.tex
@needs_tex
def test_combined_claims_report_compiles_without_warnings(tmp_path):
    runs = [run_claims(EXAMPLES / n) for n in sorted(PASSING + ["false-claim.yaml"])]
    res = build.build_pdf(claims_report(runs), tmp_path / "all.pdf")
    assert res.warnings == ()
    text = subprocess.run(["pdftotext", str(tmp_path / "all.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "0.995" in flat and "1.618033988" in flat and "0.9944683715" in flat
    assert "0 of 1 hold" in flat and "3 of 3 hold" in flat


@pytest.mark.tex
@needs_tex
def test_figures_pdf_build(tmp_path):
    out = tmp_path / "r.pdf"
    assert main(["report", "seed-sls", "--alpha", "0.5", "--runs", "0", "--figures", "pdf",
                 "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF") and sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]
