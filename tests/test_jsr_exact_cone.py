"""Exact JSR values over Q(rho), the weighted max-norm LP, printed bounds, and the 1x1 fix."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest

from certify.certificates.algebraic_polytope import AlgebraicPolytopeCertificate
from certify.certificates.base import certificate_from_dict
from certify.certificates.family_maxnorm import FamilyMaxNormCertificate
from certify.certificates.norm import ExactValueCertificate
from certify.cli import main
from certify.exact.algebraic import RealAlgebraic
from certify.families.matrix import MatrixFamily
from certify.jsr.bounds import analyze_jsr
from certify.jsr.exact_cone import exact_cone_search
from certify.jsr.gallery import gallery_entry
from certify.jsr.maxnorm_lp import maxnorm_search


def _roundtrip(cert):
    return certificate_from_dict(json.loads(json.dumps(cert.to_dict())))


@pytest.fixture(scope="module")
def sturmian():
    fam = gallery_entry("btv_sturmian").family
    cert = exact_cone_search(fam, (0, 0, 1, 0, 0, 1, 0, 1))
    assert cert is not None
    return cert


def test_overlap_free_exact_value_proved(overlap_free_bounds):
    entry = gallery_entry("overlap_free")
    res = overlap_free_bounds
    assert res.exact and res.lower <= res.upper and (res.upper - res.lower) / res.upper < 1e-15
    rec = next(r for r in res.certificates if r.side == "exact")
    assert rec.certificate.kind == "algebraic-polytope" and rec.check.certified
    # independent: sqrt of the float Perron root of A0 A1 (Guglielmi-Protasov 2013: 2.51793404...)
    a0, a1 = entry.family.float_matrices()
    rho = max(abs(np.linalg.eigvals(a0 @ a1))) ** 0.5
    assert res.lower <= rho * (1 + 1e-14) and rho <= res.upper * (1 + 1e-14)
    assert abs(rho - 2.51793404) < 1e-8
    again = _roundtrip(rec.certificate)
    assert again.verify().certified


def test_rate_is_the_exact_algebraic_number(sturmian):
    # rho^8 = the Perron root of A_w: a brute-force float check of the isolated root
    a0, a1 = sturmian.family.float_matrices()
    p = np.eye(2)
    for i in sturmian.word:
        p = (a0, a1)[i] @ p
    lam = max(abs(np.linalg.eigvals(p)))
    lo, hi = sturmian.bracket()
    assert float(lo) ** 8 <= lam * (1 + 1e-14) and lam <= float(hi) ** 8 * (1 + 1e-14)
    assert sturmian.verify().certified and _roundtrip(sturmian).verify().certified


def test_forged_exact_cone_refused(sturmian):
    # a coefficient column scaled down: the cone is no longer invariant
    cols = [list(c) for c in sturmian.columns]
    i, j = next((i, j) for i in range(2) for j in range(len(cols[i]))
                if len(cols[i][j]) > 1 or (cols[i][j] and cols[i][j][0][1] == 1))
    cols[i][j] = tuple((k, c * Fraction(9, 10)) for k, c in cols[i][j])
    forged = replace(sturmian, columns=tuple(tuple(c) for c in cols))
    assert not forged.verify().certified
    # a smaller rate (another rational interval, another polynomial): refused
    r = sturmian.rate
    wrong = RealAlgebraic(r.poly, r.lo * Fraction(99, 100), r.lo * Fraction(995, 1000))
    assert "root" in replace(sturmian, rate=wrong).verify().reason
    # the eigenvector perturbed: A_w v != rho^8 v
    v = np.array(sturmian.vector, dtype=object)
    v[0, 0] += Fraction(1, 10**9)
    assert not replace(sturmian, vector=v).verify().certified
    # a negative family member is outside the cone theorem
    neg = MatrixFamily((np.array([[1.0, 1.0], [0.0, -1.0]]), np.array([[0.5, 0.0], [0.5, 0.5]])), "n")
    assert not replace(sturmian, family=neg).verify().certified


def test_btv_at_tc_bracket_only():
    res = analyze_jsr(gallery_entry("btv").family, budget=2)  # runs to its budget: keep it small
    assert not res.exact and res.lower < res.upper


def test_exact_value_rational_theta_1x1_and_diagonal():
    fam = MatrixFamily((np.array([[2.0]]), np.array([[1.0]])), "s")
    cert = ExactValueCertificate(fam, (0,), 1, (Fraction(4), Fraction(4)))
    assert cert.verify().certified and cert.bracket()[0] <= 2 <= cert.bracket()[1]
    # same cause in higher dimension: a rational theta isolated by [theta, theta]
    d = MatrixFamily((np.diag([3.0, 1.0]), np.diag([1.0, 2.0])), "d")
    assert ExactValueCertificate(d, (0,), 1, (Fraction(9), Fraction(9))).verify().certified
    # and a real refusal stays a refusal: theta = 4 is below ||diag(3, 1)||^2 = 9
    assert not ExactValueCertificate(d, (1,), 1, (Fraction(4), Fraction(4))).verify().certified
    res = analyze_jsr(d, "products,exact")
    assert res.exact and res.lower == res.upper == 3.0
    assert not any("refused" in n for n in res.notes)


def test_no_refused_notes_when_exact_not_applicable():
    res = analyze_jsr(gallery_entry("daubechies_d4").family, "products,exact", budget=10)
    assert not any("refused" in n for n in res.notes)


def test_maxnorm_lp_perron_value_and_forgery():
    a = np.array([[1.0, 2.0, 0.0], [0.5, 0.0, 1.0], [1.0, 1.0, 1.0]])
    fam = MatrixFamily((a, a.T), "pair")
    cert = maxnorm_search(fam)
    assert cert.verify().certified and _roundtrip(cert).verify().certified
    # for {A, A^T} every weighted max-norm bound is >= rho(A) (Collatz-Wielandt); one member
    # alone reaches rho(A): w = its Perron vector
    rho = max(abs(np.linalg.eigvals(a)))
    assert float(cert.bound) >= rho
    single = maxnorm_search(MatrixFamily((a,), "one"))
    assert float(single.bound) == pytest.approx(rho, rel=1e-8) and float(single.bound) >= rho
    w = list(single.w)
    w[0] *= Fraction(2)
    assert not replace(single, w=tuple(w)).verify().certified
    assert not replace(single, bound=Fraction(rho) * Fraction(999, 1000)).verify().certified
    assert not replace(single, w=(Fraction(0),) + tuple(w[1:])).verify().certified


def test_maxnorm_method_in_driver_and_cli(capsys, tmp_path):
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"matrices": [[[1, 2], [0, 1]], [[0.5, 0], [1, 0.5]]]}))
    assert main(["jsr", str(path), "--methods", "products,maxnorm", "--json"]) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    assert any(c["kind"] == "family-weighted-max-norm" for c in doc["certificates"])
    code = main(["jsr", str(path), "--methods", "products,nonsense"])
    err = capsys.readouterr().err
    assert code == 2 and "maxnorm" in err and "Traceback" not in err


_NUM = re.compile(r"(?:<=|>=|\\le|\\ge)\s*([0-9.]+(?:e[-+]?\d+)?)")
_BRACKET = re.compile(r"\[\s*([0-9.]+(?:e[-+]?\d+)?)\s*,\s*([0-9.]+(?:e[-+]?\d+)?)\s*\]")


def _printed_ok(cert, text: str) -> bool:
    if hasattr(cert, "bracket"):
        lo, hi = cert.bracket()
        m = _BRACKET.search(text)
        return Fraction(m.group(1)) <= lo and Fraction(m.group(2)) >= hi
    m = _NUM.search(text)
    printed = Fraction(m.group(1))
    return printed >= cert.bound if ("<=" in text or r"\le" in text) else printed <= cert.bound


def test_printed_bounds_are_bounds(sturmian):
    fam = gallery_entry("overlap_free").family
    res = analyze_jsr(gallery_entry("golden").family, "products,norms,exact")
    certs = [r.certificate for r in res.certificates] + [sturmian, maxnorm_search(fam)]
    tri = analyze_jsr(gallery_entry("triangular").family)
    certs += [r.certificate for r in tri.certificates]
    from certify.jsr.sos import sos_step  # noqa: F401  (the sos kind is covered in test_jsr_sos)
    kinds = set()
    for c in certs:
        assert c.verify().certified
        assert _printed_ok(c, c.claim()), c.claim()
        assert _printed_ok(c, c.claim_latex()), c.claim_latex()
        kinds.add(c.kind)
    assert {"product-word", "induced-norm", "exact-value", "algebraic-polytope",
            "family-weighted-max-norm", "block-triangular"} <= kinds


def test_printed_upper_rounds_up_not_to_nearest():
    # 1 + 4e-16 printed to 15 digits: nearest gives "1", which is below the bound
    fam = MatrixFamily((np.eye(2),), "i")
    b = Fraction(1) + Fraction(4, 10**16)
    cert = FamilyMaxNormCertificate(fam, (Fraction(1), Fraction(1)), b)
    assert Fraction(_NUM.search(cert.claim()).group(1)) >= b
    assert isinstance(cert, FamilyMaxNormCertificate) and cert.verify().certified
    assert isinstance(AlgebraicPolytopeCertificate.kind, str)
