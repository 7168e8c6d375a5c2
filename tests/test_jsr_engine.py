"""Tests of the JSR engine: closed forms, brute force, forged certificates, bad input."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.certificates.base import certificate_from_dict
from certify.cli import main
from certify.errors import InvalidFamily, InvalidInput, UnknownName
from certify.jsr.bounds import analyze_jsr
from certify.verdict import Verdict

GOLDEN = [np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0]])]
PHI = (1 + math.sqrt(5)) / 2


def brute_lower(mats, k=4):
    best = 0.0
    for n in range(1, k + 1):
        for w in itertools.product(range(len(mats)), repeat=n):
            p = np.eye(mats[0].shape[0])
            for i in w:
                p = mats[i] @ p
            best = max(best, float(np.max(np.abs(np.linalg.eigvals(p)))) ** (1 / n))
    return best


def brute_lower_safe(mats, k=4):
    """A lower bound of the JSR from float spectral radii of the products of length <= k,
    each lowered by its float error: an eigenvalue of a product P computed in floats may be
    off by up to about (n eps ||P||)^(1/n) when P is defective (a nilpotent P gives nonzero
    float eigenvalues), so the bound subtracts that before the n-th root."""
    best = 0.0
    dim = mats[0].shape[0]
    for n in range(1, k + 1):
        for w in itertools.product(range(len(mats)), repeat=n):
            p = np.eye(dim)
            for i in w:
                p = mats[i] @ p
            err = (4 * dim * np.finfo(float).eps * max(np.linalg.norm(p), 1e-300)) ** (1 / dim)
            rho = float(np.max(np.abs(np.linalg.eigvals(p))))
            best = max(best, max(rho - err, 0.0) ** (1 / n))
    return best


def test_golden_pair_exact_value():
    res = analyze_jsr(GOLDEN)
    assert res.exact and res.verdict is Verdict.CERTIFIED
    assert res.lower <= PHI <= res.upper
    assert res.upper - res.lower <= 4e-16
    exact = [c for c in res.certificates if c.side == "exact"][0]
    assert exact.check.certified


def test_certificates_round_trip_and_forgeries_refused():
    signed = [GOLDEN[0], -np.asarray(GOLDEN[1], dtype=float)]  # same JSR, not nonnegative
    recs = (analyze_jsr(GOLDEN, methods="products,polytope").certificates
            + analyze_jsr(signed, methods="products,polytope").certificates
            + analyze_jsr(signed, methods="products,search", budget=10).certificates
            + analyze_jsr(GOLDEN, methods="norms").certificates)
    kinds = {c.certificate.kind for c in recs if c.check.certified}
    assert {"product-word", "induced-norm", "invariant-polytope", "algebraic-polytope",
            "algebraic-balanced-polytope"} <= kinds
    for rec in recs:
        doc = json.loads(json.dumps(rec.certificate.to_dict(rec.check)))
        again = certificate_from_dict(doc)
        assert again.verify().certified
        wit = doc["witness"]
        if doc["kind"] == "product-word":
            wit["bound"] = str(Fraction(wit["bound"]) * Fraction(1000001, 1000000))
        elif doc["kind"] == "induced-norm":
            wit["bound"] = "1.6"  # below phi: impossible
        elif doc["kind"] == "invariant-polytope":
            wit["rate"] = str(Fraction(wit["rate"]) * Fraction(999999, 1000000))
        elif doc["kind"] in ("algebraic-polytope", "algebraic-balanced-polytope"):
            # an interval below phi: no root there
            wit["rate"]["interval"] = ["1.6", "1.61"]
        forged = certificate_from_dict(doc)
        assert forged.verify().verdict is Verdict.INCONCLUSIVE


def test_exact_value_forged_interval_refused():
    res = analyze_jsr(GOLDEN, methods="products,exact")
    rec = [c for c in res.certificates if c.side == "exact"][0]
    doc = rec.certificate.to_dict()
    doc["witness"]["interval"] = ["6", "7"]  # phi^4 = 6.854...; but the check needs ||.||^4 <= theta
    assert certificate_from_dict(doc).verify().certified  # still the same root: accepted
    doc["witness"]["interval"] = ["6", "6.5"]  # holds no root
    assert not certificate_from_dict(doc).verify().certified


def test_rotation_complex_spectrum_and_single_matrix():
    c, s = math.cos(0.3), math.sin(0.3)
    res = analyze_jsr([2 * np.array([[c, -s], [s, c]])], methods="products,norms")
    assert res.verdict is Verdict.CERTIFIED
    assert res.lower <= 2 <= res.upper and res.upper - res.lower < 1e-9


def test_zero_family():
    res = analyze_jsr([np.zeros((3, 3)), np.zeros((3, 3))], methods="products,norms")
    assert res.lower == 0 and res.upper == 0


def test_random_nonnegative_10x10_bracket():
    rng = np.random.default_rng(1)
    mats = [rng.random((10, 10)) for _ in range(3)]
    res = analyze_jsr(mats, methods="products,norms,polytope", budget=30)
    assert res.verdict is Verdict.CERTIFIED and res.relative_gap < 1e-6
    assert res.lower <= brute_lower(mats, 3) * (1 + 1e-12)


small = st.lists(st.integers(-3, 3), min_size=4, max_size=4).map(
    lambda v: np.array(v, dtype=float).reshape(2, 2))


@settings(max_examples=8, deadline=None)
@given(st.lists(small, min_size=1, max_size=3), st.sampled_from([-2.0, 0.5, 3.0]))
def test_properties_bracket_scaling_and_brute_force(mats, c):
    res = analyze_jsr(mats, methods="products,norms,lifting:2", budget=10)
    assert not res.lower > res.upper
    brute = brute_lower_safe(mats, 4)
    if math.isfinite(res.upper):
        assert res.upper >= brute * (1 - 1e-12)
    scaled = analyze_jsr([c * m for m in mats], methods="products,norms,lifting:2", budget=10)
    if math.isfinite(scaled.lower) and math.isfinite(res.upper):
        assert scaled.lower <= abs(c) * res.upper * (1 + 1e-9)
    if math.isfinite(scaled.upper) and math.isfinite(res.lower):
        assert scaled.upper >= abs(c) * res.lower * (1 - 1e-9)


def test_similarity_invariance():
    T = np.array([[2.0, 1.0], [1.0, 1.0]])
    Ti = np.linalg.inv(T)
    a = analyze_jsr(GOLDEN, methods="products,norms,polytope")
    b = analyze_jsr([T @ m @ Ti for m in GOLDEN], methods="products,norms,polytope")
    assert b.lower <= PHI * (1 + 1e-12) and b.upper >= PHI * (1 - 1e-12)
    assert abs(b.upper - a.upper) < 1e-6


@pytest.mark.parametrize("mats, err", [
    ([], InvalidFamily),
    ([np.ones((2, 3))], InvalidFamily),
    ([np.ones((2, 2)), np.ones((3, 3))], InvalidFamily),
    ([np.array([[np.nan, 0], [0, 1]])], InvalidFamily),
    ([np.array([[1j, 0], [0, 1]])], InvalidFamily),
])
def test_bad_families(mats, err):
    with pytest.raises(err):
        analyze_jsr(mats)


def test_bad_budget_and_method():
    with pytest.raises(InvalidInput, match="budget"):
        analyze_jsr(GOLDEN, budget=0)
    with pytest.raises(UnknownName, match="valid methods"):
        analyze_jsr(GOLDEN, methods="sos9")


def test_cli_end_to_end(tmp_path, capsys):
    f = tmp_path / "fam.json"
    f.write_text(json.dumps({"matrices": [m.tolist() for m in GOLDEN]}))
    assert main(["jsr", str(f), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["lower"] <= PHI <= doc["upper"] and doc["certificates"][0]["verdict"] == "certified"
    npz = tmp_path / "fam.npz"
    np.savez(npz, matrices=np.array(GOLDEN))
    assert main(["jsr", str(npz), "--methods", "products,norms"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("content, suffix", [
    ('{"mats": []}', ".json"), ("not json", ".json"), ('{"matrices": [[[1, 2]]]}', ".json"),
    ('{"matrices": [[[1, 2], [3, 4]]]}', ".txt"),
])
def test_cli_bad_files_exit_2(tmp_path, capsys, content, suffix):
    f = tmp_path / f"fam{suffix}"
    f.write_text(content)
    assert main(["jsr", str(f)]) == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err


def test_cli_bad_budget_and_method_exit_2(tmp_path, capsys):
    f = tmp_path / "fam.json"
    f.write_text(json.dumps({"matrices": [m.tolist() for m in GOLDEN]}))
    assert main(["jsr", str(f), "--budget", "-1"]) == 2
    assert main(["jsr", str(f), "--methods", "nope"]) == 2
    npz = tmp_path / "bad.npz"
    np.savez(npz, other=np.eye(2))
    assert main(["jsr", str(npz)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_commands_registry_entry():
    from certify.commands import get_command

    doc = get_command("jsr").run(family=[m.tolist() for m in GOLDEN], methods="products,norms",
                                 budget=5)
    assert doc["verdict"] == "certified" and doc["lower"] <= PHI <= doc["upper"]
