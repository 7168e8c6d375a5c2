"""Exact JSR with a complex leading eigenvalue: the balanced complex polytope certificate.

Family: Jungers-Cicone-Guglielmi 2014, Example 6.1 (a 4x4 pair; the s.m.p. A_2 has the
leading eigenvalues -1.287 +- 1.227 i, |lambda| = 1.7779...).  The stored certificate was
written by ``certify jsr jcg14_ex61 --save-certificates``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from certify.certificates.base import load_certificate
from certify.certificates.complex_balanced import trivial_columns
from certify.exact.polynomials import RootRegion

ROOT = Path(__file__).resolve().parents[1]
CERT = ROOT / "examples" / "certificates" / "jcg14_ex61_complex_balanced.json"
LEGACY = ROOT / "examples" / "certificates" / "jcg14_ex61_complex_balanced_interval.json"
A2 = np.array([[0, -1, 1, 0], [-1, -1, 1, 1], [-1, 0, 0, 0], [-1, -1, 0, -1]], dtype=float)


@pytest.fixture(scope="module")
def cert():
    return load_certificate(CERT)


@pytest.fixture(scope="module")
def legacy():
    return load_certificate(LEGACY)


def test_stored_certificate_proves_the_value(cert):
    res = cert.verify()
    assert res.certified, res.reason
    lo, hi = cert.bracket()
    rho = max(abs(np.linalg.eigvals(A2)))  # numpy's |lambda_max(A_2)|, independent of the engine
    assert float(lo) <= rho * (1 + 1e-14) and rho <= float(hi) * (1 + 1e-14)
    assert hi - lo < Fraction(1, 10**13)
    assert rho == pytest.approx(1.7779191220330808, rel=1e-14)
    # brute force: no product of length <= 8 has a larger rate (the s.m.p. is A_2)
    a1 = np.array([[0, -1, 1, 1], [1, 0, 0, 0], [0, -1, 0, 0], [1, -1, -1, 0]], dtype=float)
    best = 0.0
    for k in range(1, 9):
        for w in np.ndindex(*(2,) * k):
            p = np.eye(4)
            for i in w:
                p = (a1, A2)[i] @ p
            best = max(best, max(abs(np.linalg.eigvals(p))) ** (1 / k))
    assert best <= float(hi) * (1 + 1e-12)


def test_stored_certificate_uses_the_exact_check(cert):
    assert cert.check == "exact" and cert.inverse == ()
    res = cert.verify()
    assert res.diagnostics["check"] == "exact" and "exact rational arithmetic" in res.reason
    assert 0.9 < res.diagnostics["largest_gauge"] < 1
    # no coefficient sits on a basis vertex (those are solved exactly by the verifier)
    assert all(t not in cert.basis for _, _, col in cert.coefficients for t, _ in col)


def _scaled(cert, factor):
    i, j, col = cert.coefficients[0]
    t, (re, im) = col[0]
    return ((i, j, ((t, (re * factor, im * factor)),) + col[1:]),) + cert.coefficients[1:]


def test_forgeries_refused(cert):
    # a coefficient scaled up: the gauge bound of that image exceeds 1
    assert not replace(cert, coefficients=_scaled(cert, 40)).verify().certified
    # a rectangle holding no eigenvalue of A_2 (the claimed value 1e-6 higher)
    r = cert.region
    shifted = RootRegion(r.re_lo - Fraction(1, 10**6), r.re_hi - Fraction(1, 10**6), r.im_lo, r.im_hi)
    assert not replace(cert, region=shifted).verify().certified
    # the word's chain and closing column are structural: a vertex cannot claim a fake parent
    assert not replace(cert, word=(0,)).verify().certified
    # a coefficient on a basis vertex, a repeated basis vertex, a missing column, an unknown check
    i, j, col = cert.coefficients[0]
    on_basis = ((i, j, col + ((cert.basis[0], (Fraction(0), Fraction(0))),)),) + cert.coefficients[1:]
    assert "basis" in replace(cert, coefficients=on_basis).verify().reason
    assert not replace(cert, basis=(0, 0) + cert.basis[2:]).verify().certified
    assert "no coefficients" in replace(cert, coefficients=cert.coefficients[1:]).verify().reason
    assert not replace(cert, check="float").verify().certified
    # a parent pointing forward
    bad_parents = cert.parents[:-1] + ((len(cert.parents) + 3, 0),)
    assert not replace(cert, parents=bad_parents).verify().certified


def test_exact_check_is_tight_where_the_gauge_is(cert):
    """The exact bound of a scaled coefficient moves by the scaled modulus: the check has no
    slack of its own beyond the disc radii (about 1e-13 here)."""
    res = cert.verify()
    worst = res.diagnostics["largest_gauge"]
    # scaling the first coefficient by 1 + 1e-9 keeps the certificate valid
    assert replace(cert, coefficients=_scaled(cert, Fraction(10**9 + 1, 10**9))).verify().certified
    assert worst < 1


def test_legacy_interval_fallback(legacy):
    assert legacy.check == "interval"
    res = legacy.verify()
    assert res.certified and res.reason.startswith("fallback check, interval arithmetic")
    # a wrong inverse of the basis is refused on the fallback path
    bad_g = tuple(tuple((re * 2, im) for re, im in row) for row in legacy.inverse)
    assert not replace(legacy, inverse=bad_g).verify().certified
    assert not replace(legacy, coefficients=_scaled(legacy, 40)).verify().certified


def test_trivial_columns_rules():
    # word of length 2: chain v_1 = A_0 v_0 / rho, closing (1, 1); conj(v_0) = v_2, conj(v_1) = v_3
    parents = [(0, 0), (0, -1), (1, -1)]
    t = trivial_columns((0, 1), parents)
    assert (0, 0) in t and (1, 1) in t  # the chain vertex and the closing column
    assert (0, 2) in t  # A_0 conj(v_0) / rho = conj(v_1) = v_3
    assert (1, 3) in t  # A_1 conj(v_1) / rho = conj(e^(i theta) v_0)
    assert (1, 0) not in t and (1, 2) not in t


def test_cli_verify_and_forged_file(tmp_path):
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    ok = subprocess.run([sys.executable, "-m", "certify", "verify", str(CERT)],
                        capture_output=True, text=True, cwd=ROOT, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    doc = json.loads(CERT.read_text())
    doc["witness"]["column"] = (doc["witness"]["column"] + 1) % 4  # another adjugate column
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps(doc))
    no = subprocess.run([sys.executable, "-m", "certify", "verify", str(bad)],
                        capture_output=True, text=True, cwd=ROOT, env=env)
    assert no.returncode != 0 and "refused" in no.stdout
    # a forged membership witness: one coefficient 40 times too large
    doc = json.loads(CERT.read_text())
    t, (re, im) = doc["witness"]["coefficients"][0][2][0]
    doc["witness"]["coefficients"][0][2][0] = [t, [str(Fraction(re) * 40), str(Fraction(im) * 40)]]
    bad.write_text(json.dumps(doc))
    no = subprocess.run([sys.executable, "-m", "certify", "verify", str(bad)],
                        capture_output=True, text=True, cwd=ROOT, env=env)
    assert no.returncode != 0 and "not proved inside the polytope" in no.stdout


@pytest.mark.slow
def test_engine_proves_jcg14_ex61_exact(tmp_path):
    from certify.jsr.bounds import analyze_jsr

    res = analyze_jsr(str(ROOT / "certify" / "data" / "families" / "jcg14_ex61.json"), budget=60)
    assert res.exact
    assert any(c.certificate.kind == "complex-balanced-polytope" and c.check.certified
               for c in res.certificates)
    assert res.lower <= 1.7779191220330808 <= res.upper


def test_gz09_ex41_stored_certificate():
    """Guglielmi-Zennaro 2009, Example 4.1: s.m.p. A_0 A_1 with a complex leading eigenvalue."""
    gz = load_certificate(ROOT / "examples" / "certificates" / "gz09_ex41_complex_balanced.json")
    res = gz.verify()
    assert res.certified and res.diagnostics["check"] == "exact", res.reason
    a0 = np.array([[-3, -2, 1, 2], [-2, 0, -2, 1], [1, 3, -1, -5], [-3, -3, -2, -1]], dtype=float)
    a1 = np.array([[1, 0, -3, -1], [-4, -2, -1, -4], [-1, 0, -1, 2], [-1, -2, -1, 2]], dtype=float)
    rho = max(abs(np.linalg.eigvals(a1 @ a0))) ** 0.5
    lo, hi = gz.bracket()
    assert float(lo) <= rho * (1 + 1e-14) and rho <= float(hi) * (1 + 1e-14)
    assert rho == pytest.approx(4.552830283202322, rel=1e-14)
    best = 0.0  # brute force over products of length <= 8: none beats the certified value
    for k in range(1, 9):
        for w in np.ndindex(*(2,) * k):
            p = np.eye(4)
            for i in w:
                p = (a0, a1)[i] @ p
            best = max(best, max(abs(np.linalg.eigvals(p))) ** (1 / k))
    assert best <= float(hi) * (1 + 1e-12)
    # a forged membership witness: one coefficient set to 2 (sum |c_k| >= 2 > 1)
    i, j, col = gz.coefficients[0]
    forged = ((i, j, ((col[0][0], (Fraction(2), Fraction(0))),) + col[1:]),) + gz.coefficients[1:]
    assert "not proved inside" in replace(gz, coefficients=forged).verify().reason


def test_padding_when_the_orbit_spans_an_invariant_subspace():
    """A 3x3 pair with the common invariant plane span(e1, e2) holding the s.m.p.'s
    eigenvector (A_0 rotates it by 90 degrees, JSR = |+-i| = 1): the orbit of v spans only
    that plane, so a padding vertex eps e3 makes the polytope full-dimensional."""
    from certify.families.matrix import MatrixFamily
    from certify.jsr.complex_polytope import complex_search

    a0 = np.array([[0, -1, 1], [1, 0, 0], [0, 0, 0.5]])
    a1 = np.array([[0.5, 0, 0], [0, 0.5, 1], [0, 0, 0.5]])
    cert = complex_search(MatrixFamily((a0, a1), "pad3"), (0,))
    assert cert is not None and len(cert.free) == 1 and cert.check == "exact"
    res = cert.verify()
    assert res.certified, res.reason
    lo, hi = cert.bracket()
    assert lo <= 1 <= hi and hi - lo < Fraction(1, 10**20)
    # JSON round trip keeps the padding
    back = type(cert).from_dict({"witness": cert.witness_dict()})
    assert back.free == cert.free and back.verify().certified
    # forgeries: a zero padding vector (no interior), padding under the interval check
    zero = ((Fraction(0), Fraction(0)),) * 3
    assert not replace(cert, free=(zero,)).verify().certified
    assert not replace(cert, check="interval").verify().certified
    assert not replace(cert, free=()).verify().certified


def test_search_falls_back_to_the_labelled_interval_check(cert, monkeypatch):
    """When the exact check refuses the vertex set found, the search returns the interval
    certificate (check = "interval"), whose verdict says it is the fallback."""
    from certify.certificates.complex_balanced import ComplexBalancedCertificate, _refuse
    from certify.jsr.complex_polytope import complex_search

    monkeypatch.setattr(ComplexBalancedCertificate, "_verify_exact",
                        lambda self, *a: _refuse("exact check disabled for this test"))
    got = complex_search(cert.family, cert.word)
    assert got is not None and got.check == "interval" and len(got.inverse) == 4
    res = got.verify()
    assert res.certified and res.reason.startswith("fallback check")
