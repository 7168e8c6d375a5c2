"""Exact JSR values of signed families: balanced polytopes over Q(rho)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from certify.certificates.base import certificate_from_dict
from certify.exact.algebraic import RealAlgebraic
from certify.families.matrix import MatrixFamily
from certify.jsr.bounds import analyze_jsr
from certify.jsr.exact_balanced import balanced_search

ROOT = Path(__file__).resolve().parents[1]
# integer 3x3 pair with entries of both signs; s.m.p. A_0 A_0 A_1, rho of degree 6
SIGNED = [[[2, -1, 3], [1, 1, -1], [-1, -1, 1]], [[0, -3, -3], [-2, 0, 1], [3, 2, -2]]]
FAM = MatrixFamily(tuple(np.array(m, dtype=float) for m in SIGNED), "signed3")


def _brute(mats, kmax):
    best = 0.0
    for k in range(1, kmax + 1):
        for w in itertools.product(range(len(mats)), repeat=k):
            p = np.eye(mats[0].shape[0])
            for i in w:
                p = mats[i] @ p
            best = max(best, max(abs(np.linalg.eigvals(p))) ** (1 / k))
    return best


@pytest.fixture(scope="module")
def cert():
    c = balanced_search(FAM, (0, 0, 1))
    assert c is not None
    return c


def test_signed_family_exact_value(cert):
    res = cert.verify()
    assert res.certified, res.reason
    lo, hi = cert.bracket()
    brute = _brute(list(FAM.float_matrices()), 10)
    # the brute force over all 2046 products of length <= 10 attains and never exceeds rho
    assert float(lo) <= brute * (1 + 1e-12) and brute <= float(hi) * (1 + 1e-12)
    assert brute == pytest.approx(3.5073538664266755, rel=1e-14)
    assert cert.rate.degree == 6


def test_json_round_trip_and_forgeries_refused(cert):
    doc = json.loads(json.dumps(cert.to_dict(cert.verify()), default=str))
    assert certificate_from_dict(doc).verify().certified
    # a coefficient doubled: A_i v_j = rho V c breaks
    cols = [list(map(list, c)) for c in cert.columns]
    i, j = next((i, j) for i in range(len(cols)) for j in range(len(cols[i])) if len(cols[i][j]) > 1)
    k, q = cols[i][j][0]
    cols[i][j][0] = (k, tuple(2 * x for x in q))
    forged = replace(cert, columns=tuple(tuple(tuple(c) for c in cc) for cc in cols))
    assert not forged.verify().certified
    # a rate 1e-9 higher: the polynomial has no root there
    r = cert.rate
    shifted = RealAlgebraic(r.poly, r.hi + Fraction(1, 10**9), r.hi + Fraction(2, 10**9))
    assert not replace(cert, rate=shifted).verify().certified
    # a basis that does not span
    assert not replace(cert, basis=(0, 0, 1)).verify().certified


def test_driver_proves_the_signed_value_and_cli_verify(tmp_path):
    res = analyze_jsr(FAM, budget=30)
    assert res.exact
    kinds = [c.certificate.kind for c in res.certificates if c.check.certified]
    assert "algebraic-balanced-polytope" in kinds
    assert res.lower <= 3.5073538664266755 <= res.upper
    rec = next(c for c in res.certificates if c.certificate.kind == "algebraic-balanced-polytope")
    good = tmp_path / "cert.json"
    good.write_text(json.dumps(rec.certificate.to_dict(rec.check), default=str))
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    ok = subprocess.run([sys.executable, "-m", "certify", "verify", str(good)],
                        capture_output=True, text=True, cwd=ROOT, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    doc = json.loads(good.read_text())
    doc["witness"]["vector"][0][0] = str(Fraction(doc["witness"]["vector"][0][0]) + 1)
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps(doc))
    no = subprocess.run([sys.executable, "-m", "certify", "verify", str(bad)],
                        capture_output=True, text=True, cwd=ROOT, env=env)
    assert no.returncode != 0 and "refused" in no.stdout


def test_daubechies_d4_exact_with_padding():
    # the orbit of T_0's eigenvector (1, -1) is a common invariant line: one padding vertex
    from certify.jsr.gallery import gallery_entry

    fam = gallery_entry("daubechies_d4").family
    c = balanced_search(fam, (0,))
    assert c is not None and len(c.extra) == 1 and c.rate.degree == 1
    assert c.verify().certified
    c0 = Fraction(fam.float_matrices()[0][0, 0])  # rho(T_0) = T_0[0, 0], a dyadic rational
    assert c.rate.lo <= c0 <= c.rate.hi
    # a padding vertex too large: the polytope is no longer invariant
    big = replace(c, extra=tuple(e * 10**6 for e in c.extra))
    assert not big.verify().certified
