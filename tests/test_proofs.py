"""Every certify/proofs/*.py module runs green with `python -m certify.proofs.NAME` (exit 0)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROOFS = sorted(p.stem for p in (ROOT / "certify" / "proofs").glob("*.py") if not p.stem.startswith("_"))


@pytest.mark.parametrize("name", PROOFS)
def test_proof_runs_green(name):
    r = subprocess.run([sys.executable, "-m", f"certify.proofs.{name}"], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "proved" in r.stdout.lower()


def test_a_failing_proof_exits_nonzero(tmp_path):
    code = ("from certify.proofs._lemma import run\n"
            "run('false lemma', lambda: [('1 == 2', 1 == 2)])\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 1 and "NOT PROVED" in r.stdout


def test_young_proof_covers_every_even_p():
    # certify.algorithms.smooth.pnorm uses Young's inequality at any even p (p in the hundreds for gamma
    # near 1), so the proof must not stop at p = 40.
    r = subprocess.run([sys.executable, "-m", "certify.proofs.young_inequality"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "every even p = 2k" in r.stdout, r.stdout
