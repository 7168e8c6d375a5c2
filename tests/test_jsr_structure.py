"""Structure detection: zero JSR, block-triangular form, rank one; their certificates."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest

from certify.certificates.base import certificate_from_dict
from certify.cli import main
from certify.exact import fraction_array
from certify.exact.structure import nilpotent_depth
from certify.families.matrix import MatrixFamily
from certify.jsr.bounds import analyze_jsr
from certify.jsr.structure import block_triangular_form, detect, max_cycle_mean
from certify.verdict import Verdict

NIL = [np.array([[0, 1.0, 2], [0, 0, 3], [0, 0, 0]]), np.array([[0, 5.0, 0], [0, 0, 1], [0, 0, 0]])]
TRI = [np.array([[2.0, 1, 3], [0, 0.5, 1], [0, 0, 1]]), np.array([[1.0, 0, 0], [0, 3, 2], [0, 0, -1.5]])]


def _round_trip(rec):
    return certificate_from_dict(json.loads(json.dumps(rec.certificate.to_dict(rec.check))))


def test_nilpotent_exact_zero_and_not_nilpotent():
    res = analyze_jsr(NIL)
    assert res.lower == 0 and res.upper == 0 and res.exact
    assert res.structure["nilpotent_depth"] == 3  # (A_1 A_0 applied to e_3) != 0 at length 2
    p = NIL[0] @ NIL[1]
    assert np.any(p != 0)  # so depth 2 would be wrong: a product of length 2 is nonzero
    assert all(not np.any(a @ b @ c) for a, b, c in itertools.product(NIL, repeat=3))
    rec = res.certificates[0]
    assert rec.certificate.kind == "zero-jsr" and _round_trip(rec).verify().certified
    # forged: same certificate on a family with a nonzero eigenvalue is refused
    doc = rec.certificate.to_dict()
    doc["witness"]["family"]["matrices"][0][2][0] = 1e-3
    assert certificate_from_dict(doc).verify().verdict is Verdict.INCONCLUSIVE
    # a nilpotent *family* needs more than nilpotent members: [[0,1],[0,0]] and its transpose
    assert nilpotent_depth([fraction_array([[0, 1], [0, 0]]), fraction_array([[0, 0], [1, 0]])]) is None


def test_block_triangular_permutation_and_value():
    perm = [2, 0, 1]
    P = np.eye(3)[perm]
    mats = [P.T @ a @ P for a in TRI]  # hide the triangular form behind a permutation
    form = block_triangular_form(mats)
    assert form.sizes == (1, 1, 1)
    for a in mats:
        b = a[np.ix_(form.perm, form.perm)]
        assert np.allclose(np.tril(b, -1), 0)
    res = analyze_jsr(mats)
    assert res.lower == 3.0 and res.upper == 3.0 and res.exact  # max |diagonal entry| = 3
    kinds = {(c.certificate.kind, c.side) for c in res.certificates}
    assert {("block-triangular", "lower"), ("block-triangular", "upper")} <= kinds
    for rec in res.certificates:
        assert _round_trip(rec).verify().certified


def test_block_certificate_forgeries_refused():
    mats = [np.array([[1.0, 1, 5], [0, 1, 0], [0, 0, 0.5]]), np.array([[1.0, 0, 0], [1, 1, 7], [0, 0, 0.5]])]
    res = analyze_jsr(mats)
    assert res.structure["blocks"] == [2, 1]
    assert abs(res.upper - (1 + 5**0.5) / 2) < 1e-12 and res.exact
    up = [c for c in res.certificates if c.side == "upper" and c.certificate.kind == "block-triangular"][0]
    doc = up.certificate.to_dict()
    bad = json.loads(json.dumps(doc))
    bad["witness"]["family"]["matrices"][0][2][0] = 1.0  # entry below the blocks
    assert not certificate_from_dict(bad).verify().certified
    bad = json.loads(json.dumps(doc))
    bad["witness"]["perm"] = [2, 1, 0]
    assert not certificate_from_dict(bad).verify().certified
    bad = json.loads(json.dumps(doc))
    bad["witness"]["certificates"] = bad["witness"]["certificates"][:1]
    bad["witness"]["blocks"] = [0]
    assert not certificate_from_dict(bad).verify().certified


def test_rank_one_cycle_mean_against_brute_force():
    rng = np.random.default_rng(5)
    for _ in range(4):
        us = rng.integers(-3, 4, (3, 3))
        vs = rng.integers(-3, 4, (3, 3))
        mats = [np.outer(u, v).astype(float) for u, v in zip(us, vs, strict=True)]
        M = np.array([[abs(vs[j] @ us[i]) for j in range(3)] for i in range(3)], dtype=float)
        # brute force over all simple cycles of the 3-node graph
        best = max([M[i, i] for i in range(3)]
                   + [(M[i, j] * M[j, i]) ** 0.5 for i in range(3) for j in range(3) if i != j]
                   + [(M[a, b] * M[b, c] * M[c, a]) ** (1 / 3)
                      for a, b, c in itertools.permutations(range(3))])
        lam, word = max_cycle_mean(M)
        assert abs(lam - best) <= 1e-12 * max(best, 1)
        if best == 0:
            continue
        res = analyze_jsr(mats)
        assert detect(MatrixFamily(tuple(mats))).rank_one
        assert res.lower <= best * (1 + 1e-14) and res.upper >= best * (1 - 1e-14)
        assert res.upper - res.lower <= 1e-11 * best
        rk = [c for c in res.certificates if c.certificate.kind == "rank-one-cycle"][0]
        doc = rk.certificate.to_dict()
        assert certificate_from_dict(doc).verify().certified
        doc["witness"]["bound"] = str(Fraction(doc["witness"]["bound"]) * Fraction(99, 100))
        assert not certificate_from_dict(doc).verify().certified


def test_cli_shows_structure(tmp_path, capsys):
    f = tmp_path / "tri.json"
    f.write_text(json.dumps({"matrices": [m.tolist() for m in TRI]}))
    assert main(["jsr", str(f), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["lower"] == doc["upper"] == 3.0 and doc["structure"]["blocks"] == [1, 1, 1]


@pytest.mark.parametrize("methods", ["structure", "structure,products"])
def test_structure_alone_on_irreducible_family_is_harmless(methods):
    res = analyze_jsr([np.array([[1.0, 1], [0, 1]]), np.array([[1.0, 0], [1, 1]])], methods=methods)
    assert res.structure["blocks"] == [2] and not res.structure["nilpotent"]
