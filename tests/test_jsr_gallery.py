"""The gallery: every family's literature value reproduced within its stated precision."""

from __future__ import annotations

import math

import numpy as np
import pytest

from certify.errors import UnknownName
from certify.jsr.gallery import check_entry, gallery_entry, gallery_names

FAST = ["btv", "btv_sturmian", "daubechies_d4", "daubechies_d6", "daubechies_d8", "diagonal", "golden",
        "golden_block", "jcg14_ex63", "nilpotent", "rank_one", "rotation", "signed3", "triangular"]
SLOW = ["gz09_ex41", "jcg14_ex61", "pj08_ex54"]  # up to 20-60 s each on a loaded machine


def test_gallery_lists_every_family():
    assert set(FAST) | set(SLOW) | {"overlap_free"} == set(gallery_names())
    for name in gallery_names():
        assert gallery_entry(name).source


@pytest.mark.parametrize("name", FAST)
def test_gallery_value_reproduced(name):
    entry = gallery_entry(name)
    # btv has no closed form, so its search runs to the budget: a small one suffices
    check = check_entry(entry, budget=2 if name == "btv" else 20)
    assert check.reproduced, check
    if entry.exact_expected and entry.precision == 0:
        assert check.exact and check.lower == check.upper == entry.value_float


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_gallery_value_reproduced_slow(name):
    entry = gallery_entry(name)
    check = check_entry(entry, budget=60)
    assert check.reproduced, check
    if name in ("gz09_ex41", "jcg14_ex61"):  # complex leading eigenvalue: proved exact
        assert check.exact


def test_closed_forms_independently():
    # values in the gallery files recomputed here from their formulas
    assert gallery_entry("golden").value_float == (1 + math.sqrt(5)) / 2
    assert gallery_entry("daubechies_d4").value_float == pytest.approx((1 + math.sqrt(3)) / 4, rel=1e-15)
    d = gallery_entry("diagonal").family.float_matrices()
    assert max(abs(np.diag(a)).max() for a in d) == gallery_entry("diagonal").value_float


def test_daubechies_values_match_the_literature_exponents():
    # Daubechies-Lagarias 1992: Hoelder exponents 0.5500, 1.0878, 1.6179 = -log2 JSR
    for name, alpha in (("daubechies_d4", 0.5500), ("daubechies_d6", 1.0878), ("daubechies_d8", 1.6179)):
        v = gallery_entry(name).value_float
        assert -math.log2(v) == pytest.approx(alpha, abs=5e-5)
        r0 = gallery_entry(name).family.float_matrices()[0]
        assert max(abs(np.linalg.eigvals(r0))) == pytest.approx(v, rel=1e-13)  # the s.m.p. T_0


def test_btv_never_claimed_exact():
    check = check_entry(gallery_entry("btv"), budget=2)  # runs to its budget: keep it small
    assert not check.exact and check.lower < check.upper
    # brute-force lower bound over words up to length 8 never exceeds the certified upper
    mats = gallery_entry("btv").family.float_matrices()
    best = 0.0
    for k in range(1, 9):
        for w in np.ndindex(*(2,) * k):
            p = np.eye(2)
            for i in w:
                p = mats[i] @ p
            best = max(best, max(abs(np.linalg.eigvals(p))) ** (1 / k))
    assert best <= check.upper and check.lower >= best * (1 - 1e-12)


def test_overlap_free_20x20(overlap_free_bounds, monkeypatch):
    from certify.jsr import bounds

    # the proof itself runs once per session (conftest); check_entry judges its result
    monkeypatch.setattr(bounds, "analyze_jsr", lambda family, methods, budget: overlap_free_bounds)
    entry = gallery_entry("overlap_free")
    a0, a1 = entry.family.float_matrices()
    assert a0.shape == (20, 20) and np.all(a0 >= 0) and np.all(a0 == np.round(a0))
    assert max(abs(np.linalg.eigvals(a0 @ a1))) ** 0.5 == pytest.approx(2.51793404, abs=1e-8)
    check = check_entry(entry, budget=30)
    assert check.reproduced
    assert (check.upper - check.lower) / check.upper < 1e-11


def test_unknown_gallery_name():
    with pytest.raises(UnknownName, match="known families"):
        gallery_entry("nope")
