"""s.m.p. candidates from the dual of the SOS Lyapunov program (certify.jsr.dual_sos)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from certify.jsr.dual_sos import dual_sequence, dual_sos_candidates, lifted, quadratic_duals
from certify.jsr.gallery import gallery_entry


def _brute_best(mats, max_len):
    best, word = 0.0, None
    for k in range(1, max_len + 1):
        for w in itertools.product(range(len(mats)), repeat=k):
            p = np.eye(mats[0].shape[0])
            for i in w:
                p = mats[i] @ p
            r = max(abs(np.linalg.eigvals(p))) ** (1 / k)
            if r > best * (1 + 1e-12):
                best, word = r, w
    return best, word


@pytest.mark.parametrize(("name", "degree", "smp"), [
    ("jcg14_ex61", 1, (1,)), ("gz09_ex41", 1, (0, 1)), ("golden", 1, (0, 1)),
    ("signed3", 1, (0, 0, 1)), ("pj08_ex54", 1, (0, 2)), ("daubechies_d4", 1, (0,)),
    # the Sturmian s.m.p. of Blondel-Theys-Vladimirov needs the degree-4 program
    ("btv_sturmian", 2, (0, 0, 1, 0, 0, 1, 0, 1)),
])
def test_dual_route_finds_the_known_smp(name, degree, smp):
    mats = gallery_entry(name).family.float_matrices()
    value = gallery_entry(name).value_float
    words = dual_sos_candidates(mats, value * (1 - 1e-6), degree=degree, max_length=12)
    assert words and words[0][0] == smp
    assert words[0][1] == pytest.approx(value, rel=1e-12)


def test_btv_sturmian_needs_degree_four():
    mats = gallery_entry("btv_sturmian").family.float_matrices()
    value = gallery_entry("btv_sturmian").value_float
    quad = dual_sos_candidates(mats, value * (1 - 1e-6), degree=1, max_length=12)
    assert quad[0][1] < value * (1 - 1e-4)  # degree 2 only finds A_0^2 A_1 (rate 1.40886)
    # brute force over all words of length <= 12 agrees with the degree-4 candidate
    best, word = _brute_best(mats, 12)
    assert best == pytest.approx(value, rel=1e-12) and len(word) == 8


def test_duals_and_sequence_shapes():
    a = [np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0]])]
    duals = quadratic_duals(a, 1.6)
    assert duals is not None and len(duals) == 2
    for y in duals:  # the duals are positive semidefinite, up to the solver's accuracy
        assert np.linalg.eigvalsh(y).min() > -1e-7 * max(1.0, np.abs(y).max())
    seq = dual_sequence(a, duals, 1.6, steps=20)
    assert len(seq) == 20 and set(seq) == {0, 1}
    lift = lifted(a, 2)
    assert lift[0].shape == (3, 3)
    # rho(A^[2]) = rho(A)^2 for the lift
    p = lift[1] @ lift[0]
    assert max(abs(np.linalg.eigvals(p))) == pytest.approx(((1 + 5 ** 0.5) / 2) ** 4, rel=1e-12)


def test_dualsos_method_in_the_driver():
    from certify.jsr.bounds import analyze_jsr

    mats = gallery_entry("btv_sturmian").family.float_matrices()
    res = analyze_jsr(mats, methods="products:3,dualsos", budget=20)
    # products up to length 3 find A_0^2 A_1; the degree-4 dual finds the Sturmian word
    assert res.word == (0, 0, 1, 0, 0, 1, 0, 1)
    assert res.lower == pytest.approx(gallery_entry("btv_sturmian").value_float, rel=1e-13)
    assert any(c.method == "dualsos" and c.check.certified for c in res.certificates)
