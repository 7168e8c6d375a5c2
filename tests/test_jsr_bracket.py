"""The bracket object: the driver alone accepts bounds, forged candidates are refused."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

from certify.certificates.norm import InducedNormCertificate
from certify.families.matrix import MatrixFamily
from certify.jsr.bounds import analyze_jsr
from certify.jsr.bracket import Bracket, Candidate, word_lower_candidate

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = MatrixFamily((np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0]])),
                      "golden")


def test_word_lower_candidate_is_the_golden_ratio_floor():
    cand = word_lower_candidate(GOLDEN, (0, 1), "products")
    assert cand.check().certified
    phi = (1 + 5 ** 0.5) / 2
    assert phi - 1e-12 < cand.lower <= phi


def test_forged_upper_candidate_is_refused_and_bracket_unchanged():
    br = Bracket(GOLDEN, float("inf"), 0.0)
    forged = InducedNormCertificate(GOLDEN, "inf", 1, Fraction(1), {"method": "forged"})
    assert not br.accept(Candidate("forged", "upper", forged, None, 1.0))
    assert br.upper != br.upper  # still nan
    assert br.records and not br.records[0].check.certified
    good = InducedNormCertificate(GOLDEN, "inf", 1, Fraction(2), {"method": "norms"})
    assert br.accept(Candidate("norms", "upper", good, None, 2.0))
    assert br.upper == 2.0
    assert not br.accept(Candidate("norms", "upper", good, None, 3.0)) or br.upper == 2.0


def test_progress_callback_reports_monotone_bracket():
    events: list[dict] = []
    res = analyze_jsr(GOLDEN, budget=20, progress=events.append)
    assert res.exact and events
    assert events[-1]["exact"] is True
    ups = [e["upper"] for e in events if e["upper"] is not None]
    assert ups == sorted(ups, reverse=True)
    assert all(e["elapsed"] >= 0 for e in events)


def test_structured_does_not_import_the_driver():
    src = (ROOT / "certify" / "jsr" / "structured.py").read_text()
    assert "from .bounds" not in src and "_State" not in src


def test_cli_progress_json_lines(tmp_path):
    fam = tmp_path / "g.json"
    fam.write_text(json.dumps({"matrices": [[[1, 1], [0, 1]], [[1, 0], [1, 1]]]}))
    out = subprocess.run([sys.executable, "-m", "certify", "jsr", str(fam), "--budget", "20",
                          "--progress", "json", "--json"], capture_output=True, text=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stderr.splitlines() if x.startswith("{")]
    assert lines and lines[-1]["exact"] is True
    assert {"stage", "lower", "upper", "elapsed"} <= set(lines[0])


def test_block_triangular_family_with_a_signed_block_is_exact():
    # blocks: the signed 3x3 pair (JSR = rho(A_0 A_0 A_1)^(1/3), algebraic-balanced) and [1], [1/2]
    a = np.array([[2, -1, 3], [1, 1, -1], [-1, -1, 1.0]])
    b = np.array([[0, -3, -3], [-2, 0, 1], [3, 2, -2.0]])
    A, B = np.zeros((4, 4)), np.zeros((4, 4))
    A[:3, :3], B[:3, :3], A[3, 3], B[3, 3], A[0, 3] = a, b, 1.0, 0.5, 1.0
    res = analyze_jsr([A, B], budget=30)
    assert res.exact and res.lower <= 3.5073538664266755 <= res.upper
    assert "block-triangular" in {c.certificate.kind for c in res.certificates if c.check.certified}
